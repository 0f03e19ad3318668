"""A fast writer for text-only tables (survey/responses.csv: a million rows of strings).

pandas' to_csv spends most of its time formatting and checking each cell; a table
whose every column holds only strings needs none of that: each distinct field is
quoted only when it must be (csv.QUOTE_MINIMAL with a "\\n" line terminator: a
comma, a double quote or a newline) and the rows are joined in C++ by pyarrow, a
chunk at a time, so the whole file is never one Python string.  The bytes are the same as
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
CHUNK = 100_000


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
    if formula or "," in joined or '"' in joined or joined.count("\n") != len(values) - 1:
        # each distinct text made a field once (answers repeat): csv_text then _quote
        codes, uniques = pd.factorize(values)
        fields = np.array([_quote(csv_text(v) if formula else v) for v in uniques], dtype=object)
        return fields[codes] if len(codes) else np.array([], dtype=object)
    return values


COMBINED = 4096     # neighbouring Categoricals are written as one while their combinations are fewer


def _merged(cols: list) -> list:
    """Neighbouring coded columns as one column of their combined fields ("4,5"): the rows
    are the same bytes, with fewer columns for pyarrow to take and join (28 likert answers
    of six values each are 7 columns of 1,296 fields)."""
    out = []
    for codes, fields in cols:
        if codes is not None and out and out[-1][0] is not None and len(out[-1][1]) * len(fields) <= COMBINED:
            before, prev = out[-1]
            k = len(fields)
            fields = list(fields)
            out[-1] = (before.astype(np.int32) * k + codes,
                       np.array([a + "," + b for a in prev for b in fields], dtype=object))
        else:
            out.append((codes, fields))
    return out


def columns_csv(names: list[str], columns: list, plain: set[int] = frozenset()) -> bytes | None:
    """UTF-8 (with BOM) CSV bytes of text columns, or None when a cell is not a string.
    A column is an object array of str or a pd.Categorical of str.
    `plain`: positions of columns known to need neither quoting nor a formula guard
    (likert answers "" and "1"…"5"), which are then not scanned.

    A column's fields are made CSV fields (quoted, neutralised: `_column`; a Categorical's
    categories only); the rows are then assembled in C++ (pyarrow: the fields of a row
    joined by ",", each row ended by "\n"), a chunk at a time."""
    if len(columns) < 2:   # a one-field row that is empty must be written "" (csv module rule)
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    from .fastcsv import _pool

    pool = _pool()
    cols = []     # per column: (codes, distinct fields) of a Categorical, or (None, its fields)
    for i, values in enumerate(columns):
        if isinstance(values, pd.Categorical):
            values, codes = np.asarray(values.categories, dtype=object), values.codes.astype(np.int32)
            if len(codes) and codes.min() < 0:     # a missing value: pandas writes it
                return None
        else:
            codes = None
        fields = values if i in plain else _column(values)
        if fields is None:
            return None
        if codes is not None and not len(fields):
            fields = np.array([""], dtype=object)
        cols.append((codes, fields))      # other columns become Arrow text a chunk at a time
    cols = [(c, pa.array(f, type=pa.string(), memory_pool=pool) if c is not None else f) for c, f in _merged(cols)]
    import io

    from ..safety.cells import csv_text

    out = io.BytesIO()     # grown in place: its value is not copied again at the end
    out.write(("\ufeff" + ",".join(_quote(csv_text(str(c))) for c in names) + "\n").encode("utf-8"))
    n = len(columns[0])
    for i in range(0, n, CHUNK):
        fields = [pa.array(a[i:i + CHUNK], type=pa.string(), memory_pool=pool) if c is None
                  else pc.take(a, pa.array(c[i:i + CHUNK]), memory_pool=pool) for c, a in cols]
        try:
            rows = pc.binary_join_element_wise(*fields, pa.scalar("", pa.string()), ",",
                                               memory_pool=pool)   # a row's fields, then ","
        except (pa.ArrowException, TypeError):   # over 2 GiB of text in a chunk: pandas writes it
            return None
        if isinstance(rows, pa.ChunkedArray):
            return None
        del fields
        off = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset:rows.offset + len(rows) + 1]
        chunk = bytearray(memoryview(rows.buffers()[2])[int(off[0]):int(off[-1])])
        np.frombuffer(chunk, dtype=np.uint8)[off[1:] - off[0] - 1] = 10   # each row's last "," -> "\n"
        out.write(chunk)
        del rows, chunk
    pa.default_memory_pool().release_unused()
    return out.getvalue()


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
