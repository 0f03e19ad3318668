"""Reading the returned workbooks in a helper process while the command starts.

`intake collect` and `intake status` spend about a second importing pandas,
loading and validating the project before they look at the first returned
workbook, and about as long reading the workbooks (reportkit.load.xlsx).  The
reading needs neither pandas nor the project, so the command forks a helper
process at its very start -- before pandas, pyarrow or any thread exists, so
the fork copies nothing but the interpreter and click -- which reads every
workbook the read cache does not already hold, while the command itself
imports and loads.  The helper hands back what it read in the read cache's own
form (read.dump_return, keyed by read.file_key: the file's bytes), so the
collection that follows finds each file as a warm run would, and its results
are those of reading the file in the command (the cache's round trip is the
daily path, tested by tests/test_intake.py).

Anything unusual and the command simply reads the files itself, as before: no
fork on this platform, pandas already imported (the test-suite's in-process
runs; a process that has loaded pandas is never forked), a helper that fails,
is killed or answers what cannot be parsed.  A file the helper could not read
is read again by the command, so an error is reported where it always was.
The helper dies with the command (PR_SET_PDEATHSIG on Linux), holds neither
stdout nor stderr, and never writes a file.
"""
from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

# modules whose presence means the process is no longer small and single-threaded
_HEAVY = ("pandas", "pyarrow", "numpy", "weasyprint", "matplotlib")


class Prefetch:
    """The helper of one command: `take()` waits for its answer once."""

    def __init__(self, pid: int, fd: int):
        self.pid, self.fd = pid, fd
        self._taken: dict | None = None

    def take(self) -> dict:
        """{file key: what was read} of the files the helper read ({} when it failed)."""
        if self._taken is not None:
            return self._taken
        chunks = []
        try:
            while True:
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            os.close(self.fd)
        status = self._reap(block=True)
        got: dict = {}
        if status == 0 and chunks:
            try:
                data = json.loads(b"".join(chunks).decode("utf-8"))
                if isinstance(data, dict):
                    got = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, dict)}
            except (ValueError, RecursionError):
                got = {}
        self._taken = got
        return got

    def close(self) -> None:
        """End the helper if its answer was never taken (the command failed first)."""
        if self._taken is not None:
            return
        self._taken = {}
        try:
            os.close(self.fd)
        except OSError:
            pass
        try:
            import signal

            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self._reap(block=True)

    def _reap(self, block: bool) -> int | None:
        try:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return None
        if pid == 0:
            return None
        return os.waitstatus_to_exitcode(status)


def start(returned_dir: Path | str, out_dir: Path | str) -> Prefetch | None:
    """Fork the helper that reads the workbooks of `returned_dir` (None: not here)."""
    if not hasattr(os, "fork") or not sys.platform.startswith("linux"):
        return None
    if threading.active_count() != 1 or any(m in sys.modules for m in _HEAVY):
        return None
    try:
        r, w = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return None
    if pid == 0:  # the helper
        code = 1
        try:
            os.close(r)
            _quiet()
            payload = json.dumps(_read_all(Path(returned_dir), Path(out_dir)), ensure_ascii=False,
                                 sort_keys=True).encode("utf-8")
            view = memoryview(payload)
            while view:
                view = view[os.write(w, view):]
            code = 0
        except BaseException:  # noqa: BLE001 - the command reads the files itself
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    return Prefetch(pid, r)


def _quiet() -> None:
    """Die with the command, leave Ctrl-C to it, hold none of its output pipes."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    import signal

    from ...workers import _die_with_parent

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_all(returned_dir: Path, out_dir: Path) -> dict:
    """What collect() would read and put in the cache: every workbook-named regular file
    of the folder whose bytes the read cache of `out_dir` does not know yet."""
    from . import _read_cache, listing
    from .layout import WORKBOOK_SUFFIXES
    from .read import dump_return, file_key, read_return

    if not returned_dir.is_dir():
        return {}
    known = _read_cache(out_dir.resolve())
    out: dict = {}
    for path in listing(returned_dir):
        suffix = path.suffix.lower()
        if suffix == ".csv" or suffix not in WORKBOOK_SUFFIXES or not path.is_file() or path.is_symlink():
            continue
        try:
            key = file_key(path)
            if key in known or key in out:
                continue
            out[key] = dump_return(read_return(path, path.as_posix()))
        except Exception:  # noqa: S112 - this file is read again by the command, which reports
            continue
    return out
