"""The only code that writes under --out.

Products are gathered in memory first; `Writer.commit()` then writes each file to
a temporary name beside its destination and renames it into place, so a build
that fails never leaves a half-written file and never touches previous outputs.
Helpers here also make zipped Office files byte-reproducible.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

from .messages import msg

FIXED_EPOCH = 1577836800  # 2020-01-01T00:00:00Z, used when SOURCE_DATE_EPOCH is unset


def build_time(date: str = "") -> dt.datetime:
    """The timestamp stamped into outputs: SOURCE_DATE_EPOCH if set; else `date`, a
    document's own ISO date (Meta.date: the day its cover gives, set by its composer), at
    00:00 UTC; else a fixed date.  Never the clock: the same input gives the same bytes."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            return dt.datetime.fromtimestamp(int(raw), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass
    if date:
        try:
            return dt.datetime.combine(dt.date.fromisoformat(date), dt.time(), dt.timezone.utc)
        except ValueError:
            pass
    return dt.datetime.fromtimestamp(FIXED_EPOCH, dt.timezone.utc)


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalize_zip(data: bytes, date: str = "") -> bytes:
    """Rewrite an OOXML zip with fixed entry timestamps and fixed core-property dates
    (build_time(date))."""
    when = build_time(date)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (max(1980, when.year), when.month, when.day, when.hour, when.minute, when.second)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), payload)
            zi = zipfile.ZipInfo(info.filename, date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, payload)
    return out.getvalue()


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


JOURNAL_DIR = ".reportkit-commit"     # under --out: the journal of a commit in progress
_TMP = re.compile(r"^\..+\.rk-[0-9a-f]{8}\.tmp$")


class Writer:
    """Collects outputs (relative path -> bytes) and commits them all or nothing.

    commit() is a small write-ahead journal under <out>/.reportkit-commit/:
      1. the plan (every temporary name and its destination) is written first;
      2. every changed file is written to its temporary name beside its destination
         (same folder, so the rename below cannot cross a file system) and synced;
      3. the journal is switched to "committing" by an atomic rename: the commit point;
      4. the temporary files are renamed into place, and the journal is removed.
    A run killed before 3 leaves every earlier output as it was; one killed after 3 is
    completed by the next Writer (recover(), also called at the start of every build),
    so outputs are always either all the old ones or all the new ones, and no
    temporary file survives the next run.  A lock keeps two builds from interleaving.
    """

    def __init__(self, out_dir: Path | str):
        self.out = Path(out_dir)
        self.files: dict[str, bytes] = {}
        self.outside: dict[Path, bytes] = {}   # files outside --out (the project's data/)

    def add(self, rel: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        rel = rel.replace("\\", "/")
        if rel.startswith("/") or ".." in Path(rel).parts:
            raise ValueError(f"output path escapes the output folder: {rel}")
        self.files[rel] = data

    def add_path(self, path: Path, data: bytes) -> None:
        """A file outside the output folder (e.g. `collect --write` into the project's
        data/), committed together with the others."""
        self.outside[Path(path)] = data

    # -- the journal ------------------------------------------------------------------------
    @staticmethod
    def recover(out_dir: Path | str) -> None:
        """Finish or undo the commit of an earlier run that was killed (see the class)."""
        out = Path(out_dir)
        if not (out / JOURNAL_DIR).is_dir():
            return
        with _Lock(out):
            _recover(out)

    def commit(self, progress=None) -> list[Path]:
        """Write every changed file, all or nothing (see the class docstring); a full disk
        or a read-only folder changes nothing and is a message, exit 2."""
        from .errors import ReportkitError

        targets = [(self.out / rel, self.files[rel]) for rel in sorted(self.files)]
        targets += sorted(self.outside.items())
        moves: list[tuple[Path, Path, bytes]] = []
        made_dirs: list[Path] = []
        try:
            for target, data in targets:
                if target.is_dir():
                    import errno
                    raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
            self.out.mkdir(parents=True, exist_ok=True)
            with _Lock(self.out):
                _recover(self.out)
                token = os.urandom(4).hex()
                for target, data in targets:
                    if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
                        continue
                    moves.append((target.parent / f".{target.name}.rk-{token}.tmp", target, data))
                if not moves:
                    return self._written()
                folders = sorted({t.parent for _, t, _ in moves}, key=lambda p: len(p.parts))
                planned = [m for d in folders for m in _missing_dirs(d)]
                journal = {"state": "staging", "moves": [[str(t), str(d)] for t, d, _ in moves],
                           "dirs": [str(d) for d in dict.fromkeys(planned)]}
                _write_journal(self.out, journal)          # the plan, before anything is created
                for d in folders:
                    made_dirs += _mkdirs(d)
                for tmp, _target, data in moves:
                    _write_synced(tmp, data)
                journal["state"] = "committing"
                _write_journal(self.out, journal)          # the commit point
                for tmp, target, _data in moves:
                    os.replace(tmp, target)
                _end_journal(self.out)
        except OSError as exc:
            try:
                if (self.out / JOURNAL_DIR / "journal.json").is_file():
                    state = json.loads((self.out / JOURNAL_DIR / "journal.json").read_text("utf-8"))["state"]
                    if state == "staging":
                        _undo(self.out, [(str(t), str(d)) for t, d, _ in moves], [str(d) for d in made_dirs])
                else:
                    _undo(self.out, [(str(t), str(d)) for t, d, _ in moves], [str(d) for d in made_dirs])
            except OSError:
                pass
            where = exc.filename or self.out
            raise ReportkitError(msg("write.failed", where=where, reason=_os_reason(exc))) from None
        return self._written()

    def _written(self) -> list[Path]:
        return [self.out / rel for rel in sorted(self.files)] + sorted(self.outside)


class _Lock:
    """An exclusive lock on the output folder itself (flock on the folder, POSIX); a
    no-op elsewhere.  No lock file is left behind: between builds, <out> holds only
    what the build wrote (the journal folder exists only while a commit is under way)."""

    def __init__(self, out: Path):
        self.path = out
        self.fd = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return self
        self.path.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)   # closing releases the lock
            self.fd = None


def _missing_dirs(d: Path) -> list[Path]:
    """The folders mkdir -p would create, outermost first."""
    missing = []
    p = d
    while not p.exists():
        missing.append(p)
        p = p.parent
    return list(reversed(missing))


def _mkdirs(d: Path) -> list[Path]:
    """mkdir -p, returning the folders it created (deepest last)."""
    missing = []
    p = d
    while not p.exists():
        missing.append(p)
        p = p.parent
    for m in reversed(missing):
        m.mkdir(exist_ok=True)
    return list(reversed(missing))


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_journal(out: Path, journal: dict) -> None:
    d = out / JOURNAL_DIR
    d.mkdir(exist_ok=True)
    tmp = d / "journal.json.tmp"
    _write_synced(tmp, json.dumps(journal, ensure_ascii=False).encode("utf-8"))
    os.replace(tmp, d / "journal.json")
    _sync_dir(d)


def _sync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:  # pragma: no cover - not POSIX
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _end_journal(out: Path) -> None:
    for name in ("journal.json", "journal.json.tmp", "lock"):   # "lock": left by earlier versions
        try:
            os.unlink(out / JOURNAL_DIR / name)
        except (FileNotFoundError, NotADirectoryError):
            pass
    try:
        os.rmdir(out / JOURNAL_DIR)
    except OSError:
        pass


def _undo(out: Path, moves, dirs) -> None:
    for tmp, _target in moves:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    for d in sorted(dirs, key=len, reverse=True):   # folders the aborted commit made, if still empty
        try:
            os.rmdir(d)
        except OSError:
            pass
    _end_journal(out)


def _recover(out: Path) -> None:
    """Under the lock: complete a commit that passed its commit point, undo one that did
    not, and remove temporary files no journal accounts for."""
    path = out / JOURNAL_DIR / "journal.json"
    journal = None
    if path.is_file():
        try:
            journal = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            journal = None
    if journal is not None:
        moves = [(Path(t), Path(d)) for t, d in journal.get("moves", [])]
        if journal.get("state") == "committing":
            for tmp, target in moves:
                if tmp.exists():
                    os.replace(tmp, target)
            _end_journal(out)
        else:
            _undo(out, [(str(t), str(d)) for t, d in moves], journal.get("dirs", []))
    else:
        _end_journal(out)
    # a temporary file of ours without a journal (killed before the plan was written
    # cannot leave one; an older version of reportkit could): remove it
    for p in out.rglob(".*.rk-*.tmp"):
        if _TMP.match(p.name) and p.is_file():
            try:
                p.unlink()
            except OSError:
                pass


def _os_reason(exc: OSError) -> str:
    import errno

    known = ("ENOSPC", "EACCES", "EPERM", "EROFS", "ENOTDIR", "EEXIST", "EISDIR")
    name = {getattr(errno, n): n for n in known}.get(exc.errno)
    return msg(f"os.{name}") if name else exc.strerror or str(exc)


def xlsx_bytes(wb) -> bytes:
    """Save an openpyxl workbook reproducibly: fixed author and dates, normalised zip."""
    when = build_time().replace(tzinfo=None)
    wb.properties.creator = "reportkit"
    wb.properties.lastModifiedBy = "reportkit"
    wb.properties.created = when
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue())
