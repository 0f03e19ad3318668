"""A fast writer for text-only tables (survey/responses.csv: a million rows of strings).

pandas' to_csv spends most of its time formatting and checking each cell; a table
whose every column holds only strings needs none of that: each field is quoted
only when it must be (csv.QUOTE_MINIMAL with a "\\n" line terminator: a comma, a
double quote or a newline) and the rows are joined in C, a chunk at a time, so the
whole file is never one Python string.  The bytes are the same as
to_csv(index=False, lineterminator="\\n", quoting=QUOTE_MINIMAL, encoding="utf-8-sig")
writes (`text_table_csv` returns None for a table with other cells: pandas writes it).
Fields a spreadsheet would run as formulas get their leading quote (safety/cells.py).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# what the csv module quotes with QUOTE_MINIMAL and lineterminator "\n": the delimiter, the
# quote character and the characters of the line terminator (a lone CR is not among them)
_SPECIAL = (",", '"', "\n")
CHUNK = 50_000


def _quote(s: str) -> str:
    if s and ("," in s or '"' in s or "\n" in s):
        return '"' + s.replace('"', '""') + '"'
    return s


def _column(values: np.ndarray) -> np.ndarray | None:
    """The column's fields as CSV text, or None if it holds anything but strings."""
    from ..safety.cells import _LINE_START, csv_text

    try:
        joined = "\n".join(values)   # one C-speed pass tells whether any field needs care
    except TypeError:
        return None
    formula = joined[:1] in "=+-@\t\r" and joined[:1] != "" or _LINE_START.search(joined) is not None
    if formula:
        values = np.array([csv_text(v) for v in values], dtype=object)
    if formula or "," in joined or '"' in joined or joined.count("\n") != len(values) - 1:
        return np.array([_quote(v) for v in values], dtype=object)
    return values


def columns_csv(names: list[str], columns: list[np.ndarray], plain: set[int] = frozenset()) -> bytes | None:
    """UTF-8 (with BOM) CSV bytes of text columns, or None when a cell is not a string.
    `plain`: positions of columns known to need neither quoting nor a formula guard
    (likert answers "" and "1"…"5"), which are then not scanned."""
    if len(columns) < 2:   # a one-field row that is empty must be written "" (csv module rule)
        return None
    cols = []
    for i, values in enumerate(columns):
        col = values if i in plain else _column(values)
        if col is None:
            return None
        cols.append(col)
    from ..safety.cells import csv_text

    parts = [("\ufeff" + ",".join(_quote(csv_text(str(c))) for c in names) + "\n").encode("utf-8")]
    n = len(cols[0])
    for i in range(0, n, CHUNK):
        rows = zip(*(c[i:i + CHUNK] for c in cols))
        parts.append(("\n".join(map(",".join, rows)) + "\n").encode("utf-8"))
    return b"".join(parts)


def text_table_csv(df: pd.DataFrame) -> bytes | None:
    """columns_csv of a frame whose columns are all text (None otherwise, or when small:
    pandas is fast enough there)."""
    if len(df) < 10_000 or len(df.columns) == 0:
        return None
    arrays = []
    for c in df.columns:
        s = df[c]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)) or s.hasnans:
            return None
        arrays.append(s.to_numpy(dtype=object))
    return columns_csv(list(df.columns), arrays)
