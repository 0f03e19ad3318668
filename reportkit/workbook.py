"""Helpers shared by the workbooks reportkit sends out and reads back (the
tracking forms and the filing workbooks): cell text, row heights, safe file stems, CSV/XLSX
text that a spreadsheet never runs as a formula, and a look at a returned file
*before* any spreadsheet library parses it (zip bombs, macros, encryption,
entities, renamed text files).
"""
from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NUMBER_TEXT = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


# --- house style ------------------------------------------------------------------
@dataclass(frozen=True)
class FormStyle:
    """The look of every form reportkit sends out (filing and tracking workbooks): the
    Word documents' fonts (theme [word]), thin grey borders, locked cells grey, input
    cells pale yellow, header cells pale blue."""
    heading: str        # font names (East Asian) of headings and body text
    body: str
    border: object
    head_font: object
    body_font: object
    locked_fill: object
    input_fill: object
    header_fill: object
    wrap: object
    center: object
    unlocked: object
    locked: object


def form_style(project_root: Path | None) -> FormStyle:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    from .theme import load_theme

    thin = Side(style="thin", color="808080")
    word = load_theme(project_root).word
    return FormStyle(
        heading=word["heading_east_asia"], body=word["body_east_asia"],
        border=Border(left=thin, right=thin, top=thin, bottom=thin),
        head_font=Font(name=word["heading_east_asia"], size=10.5, bold=True),
        body_font=Font(name=word["body_east_asia"], size=10.5),
        locked_fill=PatternFill("solid", fgColor="F2F2F2"),
        input_fill=PatternFill("solid", fgColor="FFF9E5"),
        header_fill=PatternFill("solid", fgColor="DDE6F0"),
        wrap=Alignment(wrap_text=True, vertical="top"),
        center=Alignment(horizontal="center", vertical="top", wrap_text=True),
        unlocked=Protection(locked=False), locked=Protection(locked=True))


# --- cells -----------------------------------------------------------------------
def cell_text(value) -> str:
    """A cell value as one line of text (integers without '.0', line breaks joined)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    from .safety.cells import clean_text

    lines = [ln.strip() for ln in clean_text(str(value)).replace("\r", "\n").split("\n")]
    return _line_join().join(ln for ln in lines if ln)


@lru_cache(maxsize=1)
def _line_join() -> str:
    """What joins the lines of a cell's text (the built-in typography.toml [cells])."""
    from .wording import load_toml

    return load_toml("typography.toml")["cells"]["line_join"]


def estimate_lines(text: str, width: float) -> int:
    """Wrapped lines of `text` in a column `width` characters wide (CJK counts 2)."""
    if not text:
        return 1
    total = 0
    for line in str(text).split("\n"):
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)
        total += max(1, math.ceil(units / max(1.0, width - 1.5)))
    return total


def file_stem(ident: str) -> str:
    """The file name stem for an id's outputs: the id when that is a safe file name
    (letters, digits, _ . -; not a name Windows reserves; short), else a readable stem
    plus a short hash of the id, so that two ids never share a file."""
    from .safety.names import FILE_NAME, safe_stem

    return safe_stem(ident, FILE_NAME)


def string_cell(cell, text) -> None:
    """Put `text` into an openpyxl cell as a string cell, never as a formula:
    openpyxl reads a value starting with '=' as a formula unless told otherwise."""
    cell.value = None if text is None else str(text)
    if cell.value is not None:
        cell.data_type = "s"


# --- CSV fields a spreadsheet would run --------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(text) -> str:
    """OWASP's rule for CSV injection: a text field starting with = + - @, tab or CR
    gets a leading apostrophe so that a spreadsheet shows it as text.  Numbers
    (-3.5, +2) are left as they are."""
    if not isinstance(text, str) or not text or not text.startswith(_FORMULA_START):
        return text
    if NUMBER_TEXT.match(text.strip()):
        return text
    return "'" + text


def neutral_frame(df):
    """A copy of a frame with every text field neutralised (see `neutral`)."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutral)
    return out


# --- a returned file, looked at before parsing ----------------------------------------
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 32 << 20         # the file itself
    entry_bytes: int = 96 << 20        # one part, uncompressed
    total_bytes: int = 192 << 20       # all parts, uncompressed
    strings_bytes: int = 24 << 20      # the shared strings part, uncompressed (read whole)
    ratio: float = 200.0               # uncompressed / compressed, above 1 MiB
    entries: int = 2000


@dataclass(frozen=True)
class Refusal:
    """Why a file is not opened: `kind` names the case (a key of the wording file),
    `detail` what was found (a part name, a size)."""
    kind: str
    detail: str = ""


def inspect_workbook(path: Path, limits: Limits = Limits()) -> Refusal | None:
    """None when `path` may be given to openpyxl; else why not.

    Kinds: not_file, too_large, encrypted (an OLE compound file: a password-protected
    workbook or an old .xls), text (a CSV or text file renamed), not_workbook (a zip
    without a workbook part, or not a zip), macro (vbaProject.bin), bomb (a part that
    inflates beyond the limits), entity (a DTD or entity declaration in a part)."""
    try:
        if not path.is_file() or path.is_symlink():
            return Refusal("not_file")
        size = path.stat().st_size
        if size > limits.file_bytes:
            return Refusal("too_large", f"{size / (1 << 20):.1f} MiB")
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        return Refusal("not_file", exc.strerror or "")
    if head.startswith(OLE_MAGIC):
        return Refusal("encrypted")
    if not head.startswith(b"PK"):
        return Refusal("text" if _looks_like_text(path) else "not_workbook")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.entries:
                return Refusal("bomb", f"{len(infos)} parts")
            names = {i.filename.lower() for i in infos}
            if any(n.endswith("vbaproject.bin") for n in names):
                return Refusal("macro")
            if "xl/workbook.xml" not in names:
                return Refusal("not_workbook")
            total = 0
            for info in infos:
                if info.file_size > limits.entry_bytes:
                    return Refusal("bomb", f"{info.filename} {info.file_size / (1 << 20):.0f} MiB")
                if info.filename.lower().endswith("sharedstrings.xml") and info.file_size > limits.strings_bytes:
                    return Refusal("bomb", f"{info.filename} {info.file_size / (1 << 20):.0f} MiB")
                if info.file_size > (1 << 20) and info.file_size > limits.ratio * max(1, info.compress_size):
                    return Refusal("bomb", f"{info.filename} {info.file_size / (1 << 20):.0f} MiB")
                total += info.file_size
                if total > limits.total_bytes:
                    return Refusal("bomb", f"{total / (1 << 20):.0f} MiB")
            for info in infos:
                lname = info.filename.lower()
                if lname.endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as part:
                        start = part.read(4096)
                    if _declares_entities(start):
                        return Refusal("entity", info.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        return Refusal("not_workbook")
    return None


def _declares_entities(start: bytes) -> bool:
    """A DOCTYPE or ENTITY declaration before the root element.  Excel never writes
    one; it is how external entities and entity-expansion bombs get in."""
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            start = start.decode("utf-16").encode("utf-8", "replace")
        except UnicodeDecodeError:
            return True
    upper = start.upper()
    return b"<!DOCTYPE" in upper or b"<!ENTITY" in upper


def _looks_like_text(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            sample = fh.read(4096)
    except OSError:
        return False
    if not sample:
        return True
    if sample.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in sample:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            sample.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4:   # a character cut by the sample's end
                return True
    return False
