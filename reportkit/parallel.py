"""Run one long function in a forked child process while the caller goes on.

Used for the PDF layout (CPU-bound, single-threaded in WeasyPrint) so that the
second core writes the Word file meanwhile.  A fork inherits the imported
modules and loaded fonts, so the child starts instantly; where fork is not
available the function simply runs in the calling process.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import sys
import traceback


def _child(conn, fn, args):
    try:
        conn.send_bytes(pickle.dumps(("ok", fn(*args))))
    except BaseException as exc:  # send every failure back, user errors included
        try:
            payload = pickle.dumps(("err", exc))
        except Exception:
            payload = pickle.dumps(("err", RuntimeError("".join(traceback.format_exception(exc)))))
        conn.send_bytes(payload)
    finally:
        conn.close()


class Background:
    def __init__(self, fn, *args):
        self._value = None
        self._proc = None
        can_fork = "fork" in mp.get_all_start_methods() and sys.platform.startswith("linux") \
            and not os.environ.get("REPORTKIT_NO_FORK")
        if not can_fork:
            self._value = ("ok", fn(*args))
            return
        ctx = mp.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
        self._proc.start()
        child.close()

    def result(self):
        if self._value is None:
            try:
                data = self._conn.recv_bytes()
            except EOFError:
                self._proc.join()
                raise RuntimeError(f"PDF worker exited unexpectedly (exit code {self._proc.exitcode})")
            self._proc.join()
            self._value = pickle.loads(data)
        status, value = self._value
        if status == "err":
            raise value
        return value
