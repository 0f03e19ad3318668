"""One city's build inside a batch worker.

`build_city` runs in a worker process (a process-pool worker or a Dask worker): it
builds every product of one city project into a private temporary folder with one
process (workers=1: the batch's pool is the parallelism), reads the outputs back as
bytes and removes the folder.  The driver then writes them under OUT/cities/<city>/
all at once, so a worker that is killed mid-build leaves nothing behind.

It never raises for a city's own problems: a user error (bad data) or an unexpected
failure comes back as a "failed" result with the messages, so that one city never
stops the others.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

OK, FAILED = "ok", "failed"
from ..write import JOURNAL_DIR

SKIP_DIRS = (".cache", JOURNAL_DIR)     # the chart cache and the Writer's journal are no outputs


@dataclass
class CityResult:
    city: str
    status: str
    seconds: float = 0.0
    errors: int = 0
    message: str = ""
    files: dict = field(default_factory=dict)   # relative path -> bytes
    cpu: float = 0.0                            # CPU seconds of the worker process
    skipped: bool = False


def _build_products(project_dir: Path, out_dir: Path) -> None:
    """Every product of the project (reportkit.build.build), with one process."""
    from ..build import build

    build(project_dir, out_dir, None, quiet=True, workers=1)


def collect_files(root: Path) -> dict[str, bytes]:
    """Every output file under root (the chart cache and the Writer's journal left out),
    by relative POSIX path."""
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.startswith(".") and name.endswith(".tmp"):
                continue
            path = Path(dirpath) / name
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def _run(city: str, project_dir: Path, out_dir: Path) -> CityResult:
    from ..errors import ReportkitError

    try:
        _build_products(project_dir, out_dir)
        return CityResult(city, OK, files=collect_files(out_dir))
    except ReportkitError as exc:
        errors = len([p for p in exc.problems if p.is_error]) or 1
        return CityResult(city, FAILED, errors=errors, message=exc.format_message())
    except Exception as exc:   # a bug met on this city's data: reported, the batch goes on
        from ..load.province import say

        detail = f"{type(exc).__name__}: {exc}"
        if os.environ.get("REPORTKIT_DEBUG"):
            detail += "\n" + traceback.format_exc()
        return CityResult(city, FAILED, errors=1, message=say("batch_internal", detail=detail))


def build_city(city: str, project_dir: str) -> CityResult:
    """Worker entry point (module level, so spawn and Dask workers can import it)."""
    t0, c0 = time.perf_counter(), time.process_time()
    tmp = Path(tempfile.mkdtemp(prefix="reportkit-city-"))
    try:
        result = _run(city, Path(project_dir), tmp / "out")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.seconds = round(time.perf_counter() - t0, 3)
    result.cpu = time.process_time() - c0
    return result


def warm() -> int:
    """Pool warm-up: import what every build needs, once per worker process."""
    import reportkit.charts.render  # noqa: F401  (matplotlib and every chart kind)
    import reportkit.render.docx  # noqa: F401
    import reportkit.render.pdf  # noqa: F401  (WeasyPrint)
    return os.getpid()
