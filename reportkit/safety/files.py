"""Bounded files: what reportkit reads from a project folder is a regular file of a
bounded size, inside the folder it belongs to, and an Office zip is measured before
it is parsed.

- `check_file` refuses FIFOs, devices, sockets, folders and links that lead out of
  the folder, and files above the size limit of their kind (`LIMITS`);
- `read_file` reads at most the limit (a file that grows while it is read, or one
  of /proc that claims to be empty, cannot get past it);
- `check_zip` measures an XLSX/DOCX before any parser sees it: number of entries,
  uncompressed sizes and compression ratio, worksheet dimensions, defined names.

Each refusal is a Problem naming the file (raised as `FileRefused`, a ReportkitError,
or added to the caller's Problems).
"""
from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

from ..errors import Problem, Problems, ReportkitError, Source, error
from .messages import say

MiB = 1024 * 1024
GiB = 1024 * MiB

# Largest file of each kind, in bytes.
LIMITS = {
    "settings": 1 * MiB,        # project.toml
    "narrative": 4 * MiB,       # narratives/*.md
    "template": 4 * MiB,        # templates/*.toml, *.j2, *.css, *.md, jieba word lists
    "docx": 50 * MiB,           # templates/*.docx
    "image": 50 * MiB,          # promo artwork
    "geojson": 200 * MiB,       # data/areas.geojson
    "table": 512 * MiB,         # data/<table>.csv|.xlsx
    "survey": 3 * GiB,          # data/survey.csv|.xlsx: a vendor's export can be large
    "workbook": 20 * MiB,       # a returned tracking workbook
}
# What a zip may unpack to, per kind, and the highest compression ratio of a large entry.
UNZIPPED = {"table": 4 * GiB, "survey": 8 * GiB, "workbook": 200 * MiB, "docx": 500 * MiB}
MAX_RATIO = 250          # real sheets compress 5-50x; a bomb compresses thousands of times
RATIO_FLOOR = 8 * MiB    # small entries may compress as well as they like
MAX_ENTRIES = 10_000
MAX_ROWS, MAX_COLS = 1_048_576, 16_384     # Excel's own limits
MAX_DEFINED_NAMES = 10_000

_KINDS = {stat.S_ISFIFO: "fifo", stat.S_ISCHR: "device", stat.S_ISBLK: "device", stat.S_ISSOCK: "socket",
          stat.S_ISDIR: "folder"}


class FileRefused(ReportkitError):
    """A file reportkit will not read; carries the Problem that names it."""

    def __init__(self, problem: Problem):
        super().__init__(say("files.refused"), [problem])
        self.problem = problem


def size_text(n: int) -> str:
    if n >= GiB:
        return f"{n / GiB:.1f} GiB"
    if n >= MiB:
        return f"{n / MiB:.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} B"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def check_file(path: Path, root: Path | None, kind: str, display: str | None = None) -> int:
    """Raise FileRefused unless `path` is a regular file of at most LIMITS[kind] bytes
    whose real location (links followed) is inside `root`; return its size."""
    path = Path(path)
    display = display or str(path)
    src = Source(display)
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise FileRefused(error(src, say("files.unreadable", reason=exc.strerror or str(exc)))) from None
    if stat.S_ISLNK(st.st_mode) or root is not None:
        real = Path(os.path.realpath(path))
        if root is not None and not _inside(real, Path(os.path.realpath(root))):
            raise FileRefused(error(src, say("files.link_outside", target=str(real)),
                                    hint=say("files.link_hint")))
        try:
            st = os.stat(path)
        except OSError as exc:
            raise FileRefused(error(src, say("files.unreadable", reason=exc.strerror or str(exc)))) from None
    if not stat.S_ISREG(st.st_mode):
        what = next((v for test, v in _KINDS.items() if test(st.st_mode)), "special")
        raise FileRefused(error(src, say("files.not_regular", what=say(f"files.kinds.{what}")),
                                hint=say("files.not_regular_hint")))
    limit = LIMITS.get(kind, LIMITS["template"])
    if st.st_size > limit:
        raise FileRefused(error(src, say("files.too_large", size=size_text(st.st_size), limit=size_text(limit),
                                         what=say(f"files.what.{kind}")), hint=say("files.too_large_hint")))
    return st.st_size


def read_file(path: Path, root: Path | None, kind: str, display: str | None = None) -> bytes:
    """The bytes of a checked file, never more than its kind's limit."""
    check_file(path, root, kind, display)
    limit = LIMITS.get(kind, LIMITS["template"])
    # O_NONBLOCK: should the file have been swapped for a FIFO since the check, the open
    # does not wait for a writer (and fstat below refuses it)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):   # swapped between the check and the open
            raise FileRefused(error(Source(display or str(path)), say("files.not_regular",
                                                                      what=say("files.kinds.special")),
                                    hint=say("files.not_regular_hint")))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(error(Source(display or str(path)),
                                say("files.too_large", size=f"> {size_text(limit)}", limit=size_text(limit),
                                    what=say(f"files.what.{kind}")), hint=say("files.too_large_hint")))
    return data


def template_kind(name: str) -> str:
    """The LIMITS kind of a template file, by its extension."""
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        return "docx"
    if suffix in (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"):
        return "image"
    return "template"


def refuse_into(problems: Problems, path: Path, root: Path | None, kind: str, display: str) -> bool:
    """check_file, reporting into `problems`; False when the file is refused."""
    try:
        check_file(path, root, kind, display)
        return True
    except FileRefused as exc:
        problems.add(exc.problem)
        return False


# --- Office zips --------------------------------------------------------------------------------
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"([^\"]*)\"")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def _ref_size(ref: str) -> tuple[int, int] | None:
    """Rows and columns spanned by a dimension like A1:G1200 (None if unreadable)."""
    from openpyxl.utils import column_index_from_string

    parts = ref.split(":")
    cells = [_CELL_REF.fullmatch(p) for p in parts]
    if not parts or any(c is None for c in cells):
        return None
    try:
        cols = [column_index_from_string(c.group(1).upper()) for c in cells]
    except ValueError:
        return None
    rows = [int(c.group(2)) for c in cells]
    return max(rows) - min(rows) + 1, max(cols) - min(cols) + 1


def check_zip(path: Path, display: str, kind: str, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> None:
    """Raise FileRefused when an XLSX/DOCX would unpack to too much, declares a sheet larger
    than Excel allows (or than `max_rows` x `max_cols`), or has absurd defined names."""
    src = Source(display)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused(error(src, say("files.not_zip"), hint=say("files.not_zip_hint"))) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise FileRefused(error(src, say("files.zip_entries", n=f"{len(infos):,}")))
        total = 0
        limit = UNZIPPED.get(kind, UNZIPPED["workbook"])
        for info in infos:
            total += info.file_size
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise FileRefused(error(src, say("files.zip_ratio", entry=info.filename,
                                                 size=size_text(info.file_size),
                                                 ratio=f"{info.file_size / max(info.compress_size, 1):,.0f}"),
                                        hint=say("files.zip_hint")))
        if total > limit:
            raise FileRefused(error(src, say("files.zip_total", size=size_text(total), limit=size_text(limit)),
                                    hint=say("files.zip_hint")))
        names = {i.filename for i in infos}
        for info in infos:
            if re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                with zf.open(info) as fh:
                    head = fh.read(4096)
                m = _DIMENSION.search(head)
                if m:
                    size = _ref_size(m.group(1).decode("ascii", "replace"))
                    if size is not None and (size[0] > max_rows or size[1] > max_cols):
                        raise FileRefused(error(src, say("files.sheet_size", ref=m.group(1).decode("ascii", "replace"),
                                                         rows=f"{max_rows:,}", cols=f"{max_cols:,}"),
                                                hint=say("files.zip_hint")))
        if "xl/workbook.xml" in names:
            info = zf.getinfo("xl/workbook.xml")
            if info.file_size > 50 * MiB:
                raise FileRefused(error(src, say("files.zip_total", size=size_text(info.file_size),
                                                 limit=size_text(50 * MiB))))
            data = zf.read(info)
            n = data.count(b"<definedName ") + data.count(b":definedName ")
            if n > MAX_DEFINED_NAMES:
                raise FileRefused(error(src, say("files.defined_names", n=f"{n:,}")))


def load_toml(path: Path, display: str | None = None) -> dict:
    """A template's TOML, or ReportkitError naming the file (syntax, encoding, nesting)."""
    import tomllib

    shown = display or str(path)
    try:
        return tomllib.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        problem = error(Source(shown), say("toml.encoding"))
    except tomllib.TOMLDecodeError as exc:
        problem = error(Source(shown, line=getattr(exc, "lineno", None)), say("toml.syntax", why=getattr(exc, "msg", exc)))
    except RecursionError:
        problem = error(Source(shown), say("toml.nesting"))
    raise ReportkitError(say("files.refused"), [problem])
