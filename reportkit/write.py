"""The only code that writes under --out.

Products are gathered in memory first; `Writer.commit()` then writes each file to
a temporary name beside its destination and renames it into place, so a build
that fails never leaves a half-written file and never touches previous outputs.
Helpers here also make zipped Office files byte-reproducible.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

FIXED_EPOCH = 1577836800  # 2020-01-01T00:00:00Z, used when SOURCE_DATE_EPOCH is unset


def build_time() -> dt.datetime:
    """The timestamp stamped into outputs: SOURCE_DATE_EPOCH if set, else a fixed date."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        epoch = int(raw) if raw else FIXED_EPOCH
    except ValueError:
        epoch = FIXED_EPOCH
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalize_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed entry timestamps and fixed core-property dates."""
    when = build_time()
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


class Writer:
    """Collects outputs (relative path -> bytes) and commits them atomically."""

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

    def commit(self, progress=None) -> list[Path]:
        """Write every file to a temporary name first; only when all are written are they
        renamed into place, so a full disk or a read-only folder changes nothing."""
        from .errors import ReportkitError

        staged: list[tuple[str, Path]] = []
        targets = [(self.out / rel, self.files[rel]) for rel in sorted(self.files)]
        targets += sorted(self.outside.items())
        try:
            for target, data in targets:
                if target.is_dir():
                    import errno
                    raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
                if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
                staged.append((tmp, target))
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.chmod(tmp, 0o644)
            for tmp, target in staged:
                os.replace(tmp, target)
        except OSError as exc:
            for tmp, _ in staged:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
            where = exc.filename or self.out
            raise ReportkitError(f"无法写入输出目录 {where}：{_os_reason(exc)}。已有的输出文件未被改动。"
                                 "请检查 --out 是否为可写的文件夹、磁盘空间是否充足。") from None
        return [self.out / rel for rel in sorted(self.files)] + sorted(self.outside)


def _os_reason(exc: OSError) -> str:
    import errno

    return {errno.ENOSPC: "磁盘空间不足", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
            errno.EROFS: "文件系统为只读", errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
            errno.EEXIST: "同名文件已存在", errno.EISDIR: "目标是一个文件夹"}.get(exc.errno, exc.strerror or str(exc))


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
