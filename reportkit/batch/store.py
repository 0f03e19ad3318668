"""Where a batch writes: OUT/cities/<city>/, OUT/batch.csv.

A city's outputs arrive as bytes from a worker.  They are written into a staging
folder (OUT/cities/.staging/) with the Writer and only then put in place by renaming
the folder, so OUT/cities/<city>/ always holds one complete build: the previous one
until the new one is complete, never a mixture.  The content hash of the inputs is
stored beside the outputs (.reportkit-batch.json); a later batch skips a city whose
hash has not changed.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..write import JOURNAL_DIR, Writer

CITIES = "cities"
STAGING = ".staging"
MARKER = ".reportkit-batch.json"
BATCH_CSV = "batch.csv"
BATCH_COLUMNS = ["city", "status", "seconds", "errors", "message", "project"]
LOCK = ".reportkit-batch.lock"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def city_folder(name: str) -> str:
    """A folder name for a city: its name, with characters no file system accepts replaced."""
    folder = _UNSAFE.sub("_", name.strip())
    if folder in ("", ".", "..") or folder.startswith("."):
        folder = "_" + folder
    return folder


def csv_text(value) -> str:
    """Text as a spreadsheet shows it, never run as a formula: a leading = + - @ is
    quoted with an apostrophe (numbers are left as they are)."""
    s = "" if value is None else str(value)
    if s.startswith(_FORMULA_START):
        try:
            float(s)
            return s
        except ValueError:
            return "'" + s
    return s


def csv_bytes(columns: list[str], rows: list[dict]) -> bytes:
    """UTF-8 with BOM (Excel opens Chinese text correctly), LF line ends, formula-safe."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: (v if isinstance(v, (int, float)) and not isinstance(v, bool) else csv_text(v))
                    for k, v in r.items()})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def read_marker(city_dir: Path) -> dict:
    try:
        data = json.loads((city_dir / MARKER).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def marker_bytes(city: str, project: str, key: str, inputs: str = "") -> bytes:
    return json.dumps({"city": city, "project": project, "hash": key, "inputs": inputs}, ensure_ascii=False,
                      sort_keys=True, indent=1).encode("utf-8") + b"\n"


@contextmanager
def batch_lock(out_dir: Path):
    """One batch at a time per output folder (an advisory lock; released at exit)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fh = open(out_dir / LOCK, "a+b")
    try:
        try:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:   # pragma: no cover - not POSIX: no lock
            pass
        except OSError:
            from ..errors import ReportkitError
            from ..load.province import say

            raise ReportkitError(say("batch_locked", out=str(out_dir))) from None
        yield
    finally:
        fh.close()


def recover(out_dir: Path) -> None:
    """Tidy up after a batch that was stopped: a complete previous build moved aside
    but not yet replaced is put back; half-built staging folders are removed."""
    staging = out_dir / CITIES / STAGING
    if not staging.is_dir():
        return
    for entry in sorted(staging.iterdir()):
        if entry.name.startswith("old-") and entry.is_dir():
            folder = read_marker(entry).get("folder")
            target = out_dir / CITIES / folder if isinstance(folder, str) and folder else None
            if target is not None and city_folder(folder) == folder and not target.exists():
                os.rename(entry, target)
                continue
        shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    try:
        staging.rmdir()
    except OSError:
        pass


def commit_city(out_dir: Path, folder: str, files: dict[str, bytes], marker: bytes) -> Path:
    """Write one city's outputs; OUT/cities/<folder>/ is replaced as a whole."""
    cities = out_dir / CITIES
    staging = cities / STAGING
    staging.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="new-", dir=staging))
    os.chmod(stage, 0o755)   # mkdtemp makes it private; outputs are shared like any build folder
    old = None
    try:
        writer = Writer(stage)
        for rel, data in files.items():
            writer.add(rel, data)
        meta = json.loads(marker)
        meta["folder"] = folder
        writer.add(MARKER, json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=1) + "\n")
        writer.commit()
        shutil.rmtree(stage / JOURNAL_DIR, ignore_errors=True)   # its lock: the folder is ours alone
        final = cities / folder
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix="old-", dir=staging))
            os.rmdir(old)
            os.rename(final, old)
        os.rename(stage, final)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if old is not None and old.exists() and not (cities / folder).exists():
            os.rename(old, cities / folder)   # the previous build stays in place
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final


def write_batch_csv(out_dir: Path, rows: list[dict]) -> Path:
    writer = Writer(out_dir)
    writer.add(BATCH_CSV, csv_bytes(BATCH_COLUMNS, rows))
    writer.commit()
    return out_dir / BATCH_CSV


def read_batch_csv(out_dir: Path) -> list[dict]:
    text = (out_dir / BATCH_CSV).read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
