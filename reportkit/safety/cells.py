"""No live formulas in what reportkit writes (docs/security.md).

A text that starts with = + - @ (or a tab or carriage return) is run as a formula
by spreadsheet programs when the file is opened -- `=HYPERLINK(...)` in an indicator
name, a recommendation or a department's note would become a live formula in a
file the city sends out (OWASP "CSV injection").  So:

- CSV: such a text field is prefixed with a single quote (') as OWASP recommends;
  numbers stay numbers (a numeric column is never touched, and a text that is just
  a number, like "-3.5", or a lone sign like the `direction` column's "+", is not a
  formula);  `restore_frame` removes the quote again
  when reportkit reads its own CSV back (data/tracking.csv after `collect --write`);
- XLSX: every text cell is a string cell (`set_text` / `append_row`), never a
  formula or an error value, whatever its first character; characters a workbook
  cannot hold (NUL and other control characters) are dropped.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# numpy and pandas are imported by the functions that use them: reading a returned
# workbook (cell_text -> clean_text) needs neither
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")
_LINE_START = re.compile(r"\n[=+\-@\t\r]")
_QUOTED_START = re.compile(r"\n'[=+\-@\t\r]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_formula_like(s: str) -> bool:
    """A text a spreadsheet would evaluate: a trigger followed by something (a lone "+" or
    "-", such as the `direction` column, is no formula; nor is a number like -3.5)."""
    return len(s) > 1 and s[0] in "=+-@\t\r" and not _NUMBER.fullmatch(s)


def csv_text(value):
    """One CSV field: a text that a spreadsheet would run gets a leading quote."""
    if isinstance(value, str) and is_formula_like(value):
        return QUOTE + value
    return value


def uncsv_text(value):
    """The field as it was before csv_text."""
    if isinstance(value, str) and value[:1] == QUOTE and is_formula_like(value[1:]):
        return value[1:]
    return value


def _may_hit(values, pattern: re.Pattern) -> bool:
    """Whether any string of `values` may match `pattern` at its start: one C-speed
    scan of the joined column instead of a Python call per cell."""
    try:
        return pattern.search("\n" + "\n".join(values)) is not None
    except TypeError:   # not all strings (numbers, None …): the careful way
        return True


_QUOTED_START_B = re.compile(rb"'[=+\-@\t\r]")


def csv_may_need(data: bytes) -> bool:
    """Whether written CSV bytes may hold a field that needs the quote: a field start
    (after , or a newline, or the file's start, quoted or not) followed by a trigger.
    Each trigger byte is looked for with memchr speed first (most never occur); where
    one does, its positions are checked vectorised (a regex or substring searches over
    100 MB cost seconds).  Negative numbers and dashes also match: the per-column check
    then decides."""
    if not data:
        return False
    import numpy as np

    a = None
    for t in b"=+-@\t\r":
        if data.find(bytes((t,))) < 0:
            continue
        if a is None:
            a = np.frombuffer(data, dtype=np.uint8)
        idx = np.flatnonzero(a == t)
        if idx[0] == 0:
            return True
        prev = a[idx - 1]
        if ((prev == 44) | (prev == 10)).any():
            return True
        quoted = idx[(prev == 34) & (idx >= 2)]
        if len(quoted) and np.isin(a[quoted - 2], (44, 10)).any() or (len(idx) and idx[0] == 1 and a[0] == 34):
            return True
    return False


def csv_may_restore(data: bytes) -> bool:
    """Whether read CSV bytes may hold a field written by csv_text ('= at a field start):
    the rare quote found by a literal-prefix search, then its field start checked."""
    for m in _QUOTED_START_B.finditer(data):
        i = m.start()
        if i == 0 or data[i - 1] in b",\n" or (data[i - 1] == 34 and (i == 1 or data[i - 2] in b",\n")):
            return True
    return False


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text fields are CSV-safe (only the columns that need it
    are copied and changed; numeric columns are left as they are)."""
    import numpy as np
    import pandas as pd

    out = None
    names = [csv_text(str(c)) if isinstance(c, str) else c for c in df.columns]
    if names != list(df.columns):      # a header a spreadsheet would run (a qid like =cmd)
        out = df.copy()
        out.columns = names
    for col, name in zip(df.columns, names):
        s = df[col]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        values = s.to_numpy(dtype=object)
        if not _may_hit(values, _LINE_START):
            continue
        fixed = np.array([csv_text(v) for v in values], dtype=object)
        if out is None:
            out = df.copy()
        out[name] = pd.Series(fixed, index=df.index, dtype=object)
    return df if out is None else out


def restore_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Undo `neutralise_frame` on a table of strings read back from CSV ("'=x" -> "=x")."""
    import pandas as pd

    for col in df.columns:
        s = df[col]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        values = s.to_numpy(dtype=object)
        if not _may_hit(values, _QUOTED_START):
            continue
        df[col] = pd.Series([uncsv_text(v) for v in values], index=df.index, dtype=s.dtype)
    return df


# --- XLSX ----------------------------------------------------------------------------------------
def clean_text(s: str) -> str:
    """A text as a workbook can hold it (control characters dropped)."""
    return _ILLEGAL.sub("", s)


def set_text(cell, value) -> None:
    """Put `value` in an openpyxl cell: text is always a string cell (never a formula,
    never an error value such as #N/A), numbers and dates as they are."""
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        cell.data_type = "s"
        if value[:1] in TRIGGERS:
            cell.quotePrefix = True    # Excel keeps it text when the cell is edited, too
    else:
        cell.value = value


def append_row(ws, values) -> None:
    """ws.append(values), with every text a string cell (see set_text)."""
    ws.append([clean_text(v) if isinstance(v, str) else v for v in values])
    row = ws.max_row
    for i, v in enumerate(values, start=1):
        if isinstance(v, str):
            c = ws.cell(row=row, column=i)
            c.data_type = "s"
            if v[:1] in TRIGGERS:
                c.quotePrefix = True
