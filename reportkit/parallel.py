"""A second process for the PDF layout, started before it is needed.

WeasyPrint's layout is CPU-bound and single-threaded, and the first document
laid out in a process also pays for importing WeasyPrint and loading the CJK
fonts (about a second).  `Worker` forks a child at the start of a command; the
child warms up (imports, fonts) while the parent loads and scores the project,
then renders whatever it is sent, while the parent writes the Word file and the
result tables.  Where fork is unavailable, or REPORTKIT_NO_FORK is set, the
work simply runs in the calling process.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import sys
import traceback


def _pack(status, value) -> bytes:
    try:
        return pickle.dumps((status, value))
    except Exception:
        text = "".join(traceback.format_exception(value)) if isinstance(value, BaseException) else repr(value)
        return pickle.dumps(("err", RuntimeError(text)))


def _serve(conn, parent_end, warm):
    parent_end.close()  # forked copy: without closing it, EOF would never arrive
    if warm is not None:
        try:
            warm()
        except BaseException:  # a failed warm-up only loses the head start
            pass
    while True:
        try:
            job = conn.recv_bytes()
        except EOFError:
            break
        fn, args = pickle.loads(job)
        try:
            conn.send_bytes(_pack("ok", fn(*args)))
        except BaseException as exc:  # every failure goes back, user errors included
            conn.send_bytes(_pack("err", exc))
    conn.close()


def can_fork() -> bool:
    return ("fork" in mp.get_all_start_methods() and sys.platform.startswith("linux")
            and not os.environ.get("REPORTKIT_NO_FORK"))


class Worker:
    """One child process that runs jobs in order: submit() then result()."""

    def __init__(self, warm=None):
        self._proc = None
        self._pending = 0
        self._local = []
        if not can_fork():
            return
        ctx = mp.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=True)
        self._proc = ctx.Process(target=_serve, args=(child, self._conn, warm), daemon=True)
        self._proc.start()
        child.close()

    def submit(self, fn, *args) -> None:
        if self._proc is None:
            try:
                self._local.append(("ok", fn(*args)))
            except Exception as exc:
                self._local.append(("err", exc))
            return
        self._conn.send_bytes(pickle.dumps((fn, args)))
        self._pending += 1

    def result(self):
        if self._proc is None:
            status, value = self._local.pop(0)
        else:
            try:
                data = self._conn.recv_bytes()
            except EOFError:
                self.close()
                raise RuntimeError(f"PDF worker exited unexpectedly (exit code {self._proc.exitcode})")
            self._pending -= 1
            status, value = pickle.loads(data)
        if status == "err":
            raise value
        return value

    def close(self) -> None:
        if self._proc is not None:
            try:
                self._conn.close()
            finally:
                self._proc.join(timeout=5)
                if self._proc.is_alive():
                    self._proc.terminate()
                self._proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
