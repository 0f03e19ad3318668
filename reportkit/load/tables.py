"""Read the contract's tables from CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX.

Every table is returned as a `Table`: a pandas DataFrame of *strings* (empty
cell = ""), plus where it came from so that problems can name the file and
the row exactly as Excel shows it (header = row 1, first data row = row 2).
Typing and checking values is the validator's job, not the reader's.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problems, Source, error, warning
from ..messages import join, msg

# pyarrow is installed (load/fastcsv.py, load/csvwrite.py); pandas would then keep its
# "str" columns in Arrow memory.  They stay Python strings, as they were before.
pd.set_option("mode.string_storage", "python")

ENCODINGS = ("utf-8", "gb18030")
_NON_SPACE = re.compile(rb"\S")
BIG_TABLE = 32 * 1024 * 1024   # bytes of CSV above which columns are plain object arrays


@dataclass(eq=False)
class Table:
    name: str
    path: Path
    display: str  # path as shown to the user (relative to the project)
    df: pd.DataFrame
    encoding: str
    rows: object = None  # Excel row of each frame row (blank rows are dropped); None = index + 2

    def excel_row(self, index: int) -> int:
        """Row number as the user sees it in Excel for positional row `index`."""
        if self.rows is not None:
            return int(self.rows[int(index)])
        return int(index) + 2

    def source(self, index: int | None = None, column: str | None = None) -> Source:
        """Where row `index` / `column` is, as the user finds it: for a workbook the cell
        (D31), for a CSV file the row and column."""
        row = None if index is None else self.excel_row(index)
        if row is not None and column is not None and self.display.lower().endswith(".xlsx") \
                and column in self.df.columns:
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(list(self.df.columns).index(column) + 1)
            return Source(self.display, None, column, cell=f"{letter}{row}")
        return Source(self.display, row, column)

    def __len__(self) -> int:
        return len(self.df)


SUPPORTED = (".csv", ".xlsx")


def find_table(data_dir: Path, base: str) -> list[Path]:
    """data/<base>.csv or .xlsx (any letter case)."""
    if not data_dir.is_dir():
        return []
    # not only regular files: a FIFO or a device named like a table is refused by name later
    return sorted(p for p in data_dir.iterdir()
                  if not p.is_dir() and p.stem.lower() == base.lower() and p.suffix.lower() in SUPPORTED)


def unsupported_table(data_dir: Path, base: str) -> Path | None:
    """A file named like the table but in a format that is not read (e.g. .xls, .txt)."""
    if not data_dir.is_dir():
        return None
    for p in sorted(data_dir.iterdir()):
        if p.is_file() and p.stem.lower() == base.lower() and p.suffix.lower() not in SUPPORTED + (".geojson",):
            return p
    return None


def read_utf8(path: Path, display: str, problems: Problems, root: Path | None = None,
              kind: str = "table") -> tuple[bytes, str] | None:
    """Read a CSV file as UTF-8 bytes; a GBK/GB18030 file is converted chunk by chunk and
    its raw bytes dropped before the result is joined, to keep the peak memory low."""
    from ..safety.files import FileRefused, read_file

    try:
        raw = read_file(path, root, kind, display)
    except FileRefused as exc:
        problems.add(exc.problem)
        return None
    if raw.startswith(b"\xef\xbb\xbf") or _is_utf8(raw):
        return to_utf8(raw, display, problems)
    import codecs

    dec = codecs.getincrementaldecoder("gb18030")("strict")
    parts, chunk = [], 1 << 22
    try:
        for i in range(0, len(raw), chunk):
            parts.append(dec.decode(raw[i:i + chunk], final=i + chunk >= len(raw)).encode("utf-8"))
    except UnicodeDecodeError:
        return to_utf8(raw, display, problems)  # reports the position (raw is still needed)
    del raw
    data = b"".join(parts)
    del parts
    return data, "gb18030"


def _is_utf8(raw: bytes) -> bool:
    try:
        _check_utf8(raw)
        return True
    except UnicodeDecodeError:
        return False


def to_utf8(raw: bytes, display: str, problems: Problems) -> tuple[bytes, str] | None:
    """Detect the encoding and return the content as UTF-8 bytes (without BOM).

    A UTF-8 BOM means UTF-8; else strict UTF-8; else strict GB18030 (a superset of GBK,
    what Excel on a Chinese Windows writes).  A UTF-8 file is passed on as it is, so a
    large export is never held as a Python string.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode 文本" (UTF-16, tab separated)
        try:
            return raw.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError as exc:
            problems.add(error(Source(display), msg("tables.utf16_broken", byte=exc.start + 1),
                               hint=msg("tables.save_as_hint")))
            return None
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    else:
        candidates = ENCODINGS
    first_error: UnicodeDecodeError | None = None
    for enc in candidates:
        try:
            if enc in ("utf-8", "utf-8-sig"):
                body = raw[3:] if enc == "utf-8-sig" else raw
                _check_utf8(body)
                return body, enc
            text = raw.decode(enc)
            return text.encode("utf-8"), enc
        except UnicodeDecodeError as exc:
            # the encoding that read further is the one the file is in: report where it failed
            if first_error is None or exc.start > first_error.start:
                first_error = exc
    pos = first_error.start if first_error else 0
    line = raw[:pos].count(b"\n") + 1
    problems.add(error(Source(display, line=line),
                       msg("tables.unknown_encoding", byte=pos + 1),
                       hint=msg("tables.save_as_hint")))
    return None


def _check_utf8(data: bytes, chunk: int = 1 << 22) -> None:
    """Raise UnicodeDecodeError if `data` is not UTF-8, without keeping the decoded text."""
    import codecs

    dec = codecs.getincrementaldecoder("utf-8")("strict")
    for i in range(0, len(data), chunk):
        try:
            dec.decode(data[i:i + chunk], final=i + chunk >= len(data))
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError(exc.encoding, data, i + exc.start, i + exc.end, exc.reason) from None


def read_csv_bytes(data: bytes, display: str, problems: Problems) -> pd.DataFrame | None:
    """Parse UTF-8 CSV bytes into a frame of strings (comma or, for Excel's text exports,
    tab separated).  Rows with too few or too many fields and unterminated quotes are
    problems with their row; blank rows are kept (as empty rows) so that positions stay
    Excel's rows until read_table drops them."""
    if _NON_SPACE.search(data) is None:     # no copy of a large file, unlike data.strip()
        problems.add(error(Source(display), msg("tables.no_header"), hint=msg("tables.no_header_hint")))
        return None
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    sep = "\t" if b"\t" in first and b"," not in first else ","
    bsep = sep.encode()
    from ..safety.files import MAX_COLS

    if first.count(bsep) >= MAX_COLS:   # checked on the raw header line: linear, before any parsing
        from ..safety.messages import say

        problems.add(error(Source(display, 1), say("tables.too_many_columns", n=f"{first.count(bsep) + 1:,}",
                                                   limit=f"{MAX_COLS:,}"), hint=say("tables.columns_hint")))
        return None
    # duplicate names, from the header line itself (pandas would rename a second "a" to "a.1")
    from collections import Counter

    try:
        names = next(csv.reader([first.decode("utf-8").lstrip("\ufeff").rstrip("\r")], delimiter=sep))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        names = []
    dupes = [c for c, k in Counter(n.strip() for n in names).items() if k > 1 and c]
    if dupes:
        for c in dupes[:20]:
            problems.add(error(Source(display, 1, c), msg("tables.duplicate_column")))
        return None
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            # The C parser reads bytes far faster than a StringIO (45 s -> 2 s on a million rows).
            # index_col=False: a trailing separator on every row must not shift the columns.
            # A large export (a survey) is read as plain Python strings (dtype object): a
            # quarter faster to parse and compare than pandas' string dtype, same values.
            big = len(data) > BIG_TABLE
            df = pd.read_csv(io.BytesIO(data), encoding="utf-8", dtype=object if big else str, sep=sep,
                             index_col=False,
                             keep_default_na=False, na_filter=True, na_values=[], skip_blank_lines=False,
                             engine="c")
    except pd.errors.ParserError as exc:
        said = str(exc)
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", said)
        row = int(m.group(2)) if m else None
        problems.add(error(Source(display, row), msg("tables.csv_broken", reason=_parser_message(said)),
                           hint=msg("tables.csv_broken_hint")))
        return None
    except pd.errors.EmptyDataError:
        problems.add(error(Source(display), msg("tables.no_header"), hint=msg("tables.no_header_hint")))
        return None
    width = len(df.columns)
    if b'"' not in data:
        # Fast path: with no quoting, every well-formed row has exactly width-1 separators.
        a = np.frombuffer(data, dtype=np.uint8)
        nl = np.flatnonzero(a == 10)    # newline positions: line and blank-line counts in one pass
        lines = len(nl) + (0 if data.endswith(b"\n") else 1)
        gap = np.diff(nl)
        blank = int((gap == 1).sum()) + int(((gap == 2) & (a[nl[:-1] + 1] == 13)).sum())
        # a CR not followed by LF ends a row for pandas, not for this count: such a file
        # goes to the row-by-row check below, which names the row
        cr = np.flatnonzero(a[:-1] == 13)
        lone_cr = bool(len(cr)) and bool((a[cr + 1] != 10).any())
        if not lone_cr and data.count(bsep) == (width - 1) * (lines - blank):
            return _strip(df, data, bsep)
    # pandas pads a row with too few fields and drops the extra fields of a row with too
    # many: find both (a file cut off mid-row, a lost or an extra separator).
    text = data.decode("utf-8")
    bad = 0
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    rows = enumerate(reader, 1)
    while True:
        try:
            lineno, row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:   # a lone CR in an unquoted cell: where does the row end?
            said = str(exc)
            lone = "new-line" in said
            problems.add(error(Source(display, reader.line_num),
                               msg("tables.lone_cr") if lone else msg("tables.csv_broken", reason=said),
                               hint=msg("tables.lone_cr_hint") if lone else msg("tables.csv_broken_hint")))
            return None
        if not row or (len(row) == 1 and row[0] == ""):
            continue
        if len(row) < width:
            missing = [str(c) for c in df.columns[len(row):]]
            said = (msg("tables.short_row", n=len(row), width=width, missing=join(missing)),
                   msg("tables.short_row_hint"), missing[0])
        elif len(row) > width and any(x.strip() for x in row[width:]):
            said = (msg("tables.long_row", n=len(row), width=width, extra=join(x for x in row[width:] if x.strip())),
                   msg("tables.long_row_hint"), None)
        else:
            continue
        bad += 1
        if bad <= 50:
            problems.add(error(Source(display, lineno, said[2]), said[0], hint=said[1]))
    return _strip(df, data, bsep)


_IDEO_SPACE = "\u3000".encode("utf-8")


def _pad_positions(data: bytes, ideo: bytes = _IDEO_SPACE) -> np.ndarray | None:
    """Byte offsets of white space that starts or ends a cell (a space, a tab or U+3000
    next to a comma, a line break or the file's ends), found vectorised; None if none.
    Spaces inside cells (2020-07-01 10:00) are not counted.  `ideo`: U+3000 in the
    data's encoding (UTF-8 E3 80 80; GB18030 A1 A1 for load/fastcsv.py, which reads
    GB18030 bytes: at a cell's edge those two bytes can only be U+3000)."""
    a = None
    found = []
    n = len(data)
    for sp in (b" ", b"\t", ideo):
        if data.find(sp) < 0:
            continue
        if a is None:
            a = np.frombuffer(data, dtype=np.uint8)
        if len(sp) == 1:
            idx = np.flatnonzero(a == sp[0])
            width = 1
        else:   # U+3000 is E3 80 80 in UTF-8 (A1 A1 in GB18030)
            width = len(sp)
            idx = np.flatnonzero(a[:n - width + 1] == sp[0])
            for k in range(1, width):
                idx = idx[a[idx + k] == sp[k]]
        if not len(idx):
            continue
        before = np.where(idx > 0, a[np.maximum(idx - 1, 0)], 10)
        after = np.where(idx + width < n, a[np.minimum(idx + width, n - 1)], 10)
        edge = np.isin(before, (44, 10)) | np.isin(after, (44, 10, 13))
        if edge.any():
            found.append(idx[edge])
    if not found:
        return None
    return np.sort(np.concatenate(found))


def _padded(data: bytes) -> bool:
    """Whether any cell starts or ends with white space."""
    return _pad_positions(data) is not None


def _padded_columns(data: bytes, sep: bytes, width: int, ideo: bytes = _IDEO_SPACE) -> set[int] | None:
    """The columns (by position) whose cells may be padded; None = any (quoted fields,
    or too many padded cells to locate one by one)."""
    pos = _pad_positions(data, ideo)
    if pos is None:
        return set()
    if b'"' in data or len(pos) > 100_000:
        return None
    cols = set()
    for p in pos.tolist():
        start = data.rfind(b"\n", 0, p) + 1
        cols.add(data.count(sep, start, p))
        if len(cols) >= width:
            break
    return cols


def _strip(df: pd.DataFrame, data: bytes, sep: bytes = b",", ideo: bytes = _IDEO_SPACE) -> pd.DataFrame:
    """Trim cells (people type trailing spaces in Excel): only the columns that have a
    padded cell (a million-row export with one padded answer strips one column)."""
    return _strip_columns(df, _padded_columns(data, sep, len(df.columns), ideo))


def _strip_columns(df: pd.DataFrame, cols: set[int] | None) -> pd.DataFrame:
    """str.strip the columns at positions `cols` (None: every column)."""
    if cols is None:
        cols = set(range(len(df.columns)))
    for i in sorted(cols):
        if i < len(df.columns):
            c = df.columns[i]
            df[c] = df[c].astype(str).str.strip()
    return df


def _parser_message(said: str) -> str:
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", said)
    if m:
        return msg("tables.parser_fields", line=m.group(2), n=m.group(3), width=m.group(1))
    m = re.search(r"EOF inside string starting at row (\d+)", said)
    if m:
        return msg("tables.parser_quote", line=int(m.group(1)) + 1)
    return said


def read_xlsx(path: Path, display: str, problems: Problems) -> pd.DataFrame | None:
    if not zipfile.is_zipfile(path):
        problems.add(error(Source(display), msg("tables.not_xlsx"),
                           hint=msg("tables.not_xlsx_hint")))
        return None
    from .xlsx import read_sheet

    sheet = read_sheet(path)   # the sheet XML read directly (a million rows in seconds) …
    if sheet is not None:
        grid, sheet_names, percent, no_value = sheet.rows, sheet.sheet_names, sheet.percent, \
            sheet.formulas_without_value
        filled = np.flatnonzero((grid != "").any(axis=1)) if len(grid) else np.zeros(0, dtype=np.int64)
        rows = grid[:filled[-1] + 1] if len(filled) else grid[:0]
    else:                      # … or, for a workbook it does not recognise, through openpyxl
        got = _rows_openpyxl(path, display, problems)
        if got is None:
            return None
        rows, sheet_names, percent = got
        no_value = None
        while rows and not any(rows[-1]):
            rows.pop()
    if not len(rows):
        others = join(sheet_names[1:])
        problems.add(error(Source(display), msg("tables.first_sheet_empty", sheet=sheet_names[0]),
                           hint=msg("tables.first_sheet_hint",
                                    others=msg("tables.other_sheets", names=others) if others else "")))
        return None
    if percent:
        problems.add(warning(Source(display, cell=percent[0]),
                             msg("tables.percent_cells", n=len(percent)),
                             hint=msg("tables.percent_cells_hint")))
    if no_value:
        _formula_problem(display, no_value, problems)
    elif no_value is None and len(rows) <= 20000 and any("" in r for r in rows):
        _check_formulas(path, display, rows, problems)
    header = list(rows[0])
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    if sheet is not None:
        body = rows[1:, :width]
        if body.shape[1] < width:
            body = np.hstack([body, np.full((len(body), width - body.shape[1]), "", dtype=object)])
        return pd.DataFrame(body, columns=header, dtype=object)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object)


def _rows_openpyxl(path: Path, display: str, problems: Problems):
    """(rows, sheet names, percent-formatted cells) of the first sheet via openpyxl."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        problems.add(error(Source(display), msg("tables.xlsx_unreadable", kind=type(exc).__name__),
                           hint=msg("tables.xlsx_unreadable_hint")))
        return None
    percent = []
    try:
        ws = wb.worksheets[0]
        sheet_names = wb.sheetnames
        rows = []
        for row in ws.iter_rows():
            out = []
            for cell in row:
                v = cell.value
                fmt = getattr(cell, "number_format", "") or ""
                if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in fmt:
                    # shown as 13.1% in Excel, stored as 0.131: the contract's numbers are the
                    # figures people read, so take 13.1
                    v = round(v * 100, 10)
                    percent.append(getattr(cell, "coordinate", ""))
                out.append(_cell_text(v))
            rows.append(out)
    finally:
        wb.close()
    return rows, sheet_names, percent


def _formula_problem(display: str, bad: list[str], problems: Problems) -> None:
    problems.add(error(Source(display, cell=bad[0]),
                       msg("tables.formulas", n=len(bad), cells=join(bad[:5])),
                       hint=msg("tables.formulas_hint")))


def _check_formulas(path: Path, display: str, rows: list[list[str]], problems: Problems) -> None:
    """A formula saved without its result (a file written by a script, never opened in
    Excel) reads as empty: say which cell, instead of reporting a missing value."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        bad = []
        for r, row in enumerate(wb.worksheets[0].iter_rows(), start=1):
            for c, cell in enumerate(row):
                v = cell.value
                if isinstance(v, str) and v.startswith("=") and r <= len(rows) and c < len(rows[r - 1]) \
                        and rows[r - 1][c] == "":
                    bad.append(getattr(cell, "coordinate", f"R{r}C{c + 1}"))
    finally:
        wb.close()
    if bad:
        _formula_problem(display, bad, problems)


def _cell_text(v) -> str:
    import datetime as dt

    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return repr(v)
    if isinstance(v, dt.datetime):
        if v.time() == dt.time(0):
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def read_table(project_dir: Path, base: str, problems: Problems, required: bool = True) -> Table | None:
    data_dir = project_dir / "data"
    found = find_table(data_dir, base)
    rel = f"data/{base}.csv"
    if not found:
        other = unsupported_table(data_dir, base)
        if other is not None:
            problems.add(error(Source(other.relative_to(project_dir).as_posix()),
                               msg("tables.unsupported", suffix=other.suffix),
                               hint=msg("tables.unsupported_hint")))
            return None
        if required:
            problems.add(error(Source(rel), msg("tables.missing_table"),
                               hint=msg("tables.missing_table_hint", base=base)))
        return None
    if len(found) > 1:
        problems.add(error(Source(f"data/{base}.*"), msg("tables.csv_and_xlsx"),
                           hint=msg("tables.csv_and_xlsx_hint")))
        return None
    path = found[0]
    display = path.relative_to(project_dir).as_posix()
    kind = "survey" if base == "survey" else "table"
    if path.suffix.lower() == ".xlsx":
        from ..safety.files import FileRefused, check_file, check_zip

        try:
            check_file(path, project_dir, kind, display)
            if zipfile.is_zipfile(path):   # not a zip at all: read_xlsx says so in its words
                check_zip(path, display, kind)
        except FileRefused as exc:
            problems.add(exc.problem)
            return None
        df = read_xlsx(path, display, problems)
        enc = "xlsx"
    else:
        from .fastcsv import read_large

        fast = read_large(path, display, project_dir, kind) if _size(path) > BIG_TABLE else None
        if fast is not None:      # a large plain export, read column by column (load/fastcsv.py)
            df, enc, padded, restore = fast
            df = _strip_columns(df, padded)
            if restore:
                from ..safety.cells import restore_frame

                df = restore_frame(df)
            data = converted = None
        else:
            converted = read_utf8(path, display, problems, project_dir, kind)
            if converted is None:
                return None
            data, enc = converted
            df = read_csv_bytes(data, display, problems)
        if df is not None and data is not None and b"'" in data and _may_restore(data):
            from ..safety.cells import restore_frame

            df = restore_frame(df)     # a field reportkit wrote as '=… (see write_csv_bytes) reads as =…
        del data, converted
    if df is None:
        return None
    df.columns = [str(c).strip() for c in df.columns]
    from collections import Counter

    dupes = sorted(c for c, k in Counter(df.columns).items() if k > 1)   # linear: 100,000 columns stay fast
    for c in dupes:
        problems.add(error(Source(display, 1, c), msg("tables.duplicate_column")))
    if dupes:
        return None
    if path.suffix.lower() == ".xlsx":
        for c in df.columns:     # strip each distinct text once (a million codes are a few hundred)
            codes, uniq = pd.factorize(df[c].astype(str).to_numpy(dtype=object))
            stripped = pd.Series(uniq, dtype=object).str.strip().to_numpy(dtype=object)
            if not (stripped == uniq).all():
                df[c] = stripped[codes]
            else:
                df[c] = df[c].astype(str)
    df = df.reset_index(drop=True)
    # blank rows are dropped; every remaining row keeps its row number as Excel shows it
    empty = None
    if len(df.columns):   # a blank row has an empty first cell: only those rows are checked in full
        first = (df.iloc[:, 0] == "").to_numpy()
        empty = np.zeros(len(df), dtype=bool)
        if first.any():
            cand = np.flatnonzero(first)
            empty[cand] = (df.iloc[cand] == "").all(axis=1).to_numpy()
    rows = None
    if empty is not None and empty.any():
        rows = np.flatnonzero(~empty) + 2
        df = df[~empty].reset_index(drop=True)
    return Table(base, path, display, df, enc, rows)


def _size(path: Path) -> int:
    """The size of a regular file (0 for anything else: refused by the general path)."""
    import stat as st

    try:
        s = path.lstat()
    except OSError:
        return 0
    return s.st_size if st.S_ISREG(s.st_mode) else 0


def fastcsv_ideo(enc: str) -> bytes:
    """U+3000 as it is found in bytes of encoding `enc` (see _pad_positions)."""
    return "\u3000".encode("gb18030" if enc == "gb18030" else "utf-8")


def _may_restore(data: bytes) -> bool:
    from ..safety.cells import csv_may_restore

    return csv_may_restore(data)


def require_columns(table: Table, columns: list[str], problems: Problems) -> bool:
    missing = [c for c in columns if c not in table.df.columns]
    for c in missing:
        problems.add(error(Source(table.display, 1, c), msg("tables.missing_column", c=c),
                           hint=msg("tables.missing_column_hint", columns=', '.join(columns))))
    return not missing


FLOAT_FORMAT = "%.12g"   # numbers in the machine-readable files: 12 significant digits


def plain_float(v: float) -> float:
    """A float as the machine-readable files carry it (17.400000000000002 -> 17.4)."""
    return float(FLOAT_FORMAT % v) if v == v else v


def write_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, CRLF-free, so Excel opens Chinese text correctly.  A text field a
    spreadsheet would run as a formula (= + - @ …) gets a leading ' (safety/cells.py).
    Floats are written with 12 significant digits: a computed 17.4 is not 17.400000000000002."""
    from ..safety.cells import csv_may_need, neutralise_frame

    def write(frame) -> bytes:
        from .csvwrite import text_table_csv

        fast = text_table_csv(frame)     # a large all-text table: the same bytes, 4x faster
        if fast is not None:
            return fast
        # written as bytes straight away: a large table is never held as one Python string
        buf = io.BytesIO()
        frame.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, encoding="utf-8-sig",
                     float_format=FLOAT_FORMAT)
        return buf.getvalue()

    data = write(df)
    if csv_may_need(data[3:]):
        safe = neutralise_frame(df)
        if safe is not df:
            data = write(safe)
    return data
