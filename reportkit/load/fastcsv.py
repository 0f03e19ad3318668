"""Columnar reading of a large, plain CSV export (a million-row survey) with pyarrow.

pandas' C parser makes a Python string of every one of the 43 million cells of a
million-row survey, after the whole GB18030 file has been decoded and re-encoded
as UTF-8 in Python.  pyarrow's CSV reader splits the raw bytes into columns in
C++ (on every core); each column is then dictionary-encoded in C++ too, so only
its *distinct* values are decoded and made Python strings (a likert column has a
dozen), and the column is a take of those.  The frame is the one `read_csv_bytes`
returns -- object columns of str, "" for an empty cell -- with the same padding
trim (`_strip`), and `read_table` goes on as for any CSV.

Splitting GB18030 bytes at "," and line breaks is safe: no byte below 0x30 occurs
inside a GB18030 (or GBK) multi-byte character, so a cell's bytes decode on their
own exactly as they do within the whole file, and the file decodes if and only if
every distinct cell does.

Only a file that needs none of the careful checks is read this way: no quote, no
NUL, no lone CR, no blank line in a one-column file, comma separated, every line with exactly the
header's number of fields, a header without duplicates, and every cell decodable.
Anything else -- including every error a user must be told about, with its row
and column -- returns None and is read by the general path (`read_csv_bytes`),
whose messages stay as they are.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from .encoded import register

_REGISTERED = 32767     # at most this many distinct values: a column's codes are kept (int8/int16)


def _utf8(raw: bytes) -> bool:
    from .tables import _is_utf8

    return _is_utf8(raw)


def read_large(path: Path, display: str, root: Path | None, kind: str) -> tuple | None:
    """(frame, encoding, padded column positions or None for all, whether a field may
    carry csv_text's quote) of a large plain CSV, or None when the file is not one (the
    caller then reads it the general way, and reports)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:     # pragma: no cover - a declared dependency
        return None
    from ..safety.files import FileRefused, read_file

    try:
        data = read_file(path, root, kind, display)
    except FileRefused:
        return None       # read again by the general path, which reports the refusal
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data, enc = data[3:], "utf-8-sig"
        if not _utf8(data):
            return None
    else:
        enc = "utf-8" if _utf8(data) else "gb18030"
    codec = "gb18030" if enc == "gb18030" else "utf-8"
    checked = _check(data, codec)
    if checked is None:
        return None
    end, columns = checked
    from .tables import _may_restore, _pad_positions, fastcsv_ideo

    ideo = fastcsv_ideo(enc)
    head = _pad_positions(data[:end + 1], ideo)       # padded names (the cells: counted by _columns)
    head = [] if head is None else [data.count(b",", 0, p) for p in head.tolist()]
    restore = b"'" in data and _may_restore(data)
    rows = [memoryview(data)[end + 1:]]
    del data                      # the parsed table does not need the file's bytes: _columns drops them
    parsed = _columns(rows, len(columns), codec, _lines(rows[0]), ideo)
    if parsed is None:
        return None
    arrays, pads = parsed
    # as tables._padded_columns finds them in the file's bytes: the columns with white space
    # at the edge of a cell (or of its name), all of them past 100,000 such places
    padded = None if len(head) + sum(pads) > 100_000 else set(head) | {i for i, k in enumerate(pads) if k}
    df = pd.DataFrame({i: pd.Series(a, dtype=object, copy=False) for i, a in enumerate(arrays)}, copy=False)
    df.columns = columns
    return df, enc, padded, restore


def _lines(rows: memoryview) -> int:
    """Data rows: line feeds, plus an unterminated last line."""
    b = rows.obj
    start = len(b) - rows.nbytes
    a = np.frombuffer(b, dtype=np.uint8)[start:]
    step = 1 << 22      # counted a few MiB at a time (vectorised; no file-sized temporary)
    n = sum(int(np.count_nonzero(a[i:i + step] == 10)) for i in range(0, len(a), step))
    return n + (0 if b.endswith(b"\n") or not rows.nbytes else 1)


def _check(data: bytes, codec: str) -> tuple[int, pd.Index] | None:
    """(end of the header line, column names as pandas makes them) if the file is plain."""
    if b'"' in data or b"\x00" in data:
        return None
    end = data.find(b"\n")
    if end <= 0:
        return None
    first = data[:end].rstrip(b"\r")
    if b"\t" in first and b"," not in first:      # a tab separated export: the general path
        return None
    from ..safety.files import MAX_COLS

    if first.count(b",") >= MAX_COLS or not first.strip():
        return None
    try:
        header = first.decode(codec)
        names = next(csv.reader([header.lstrip("\ufeff")]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    stripped = [n.strip() for n in names]
    if len(set(stripped)) != len(stripped):       # duplicate names: reported by the general path
        return None
    # a blank row: pyarrow reads it as a row of empty cells, which read_table drops keeping
    # the other rows' Excel numbers, as for any CSV; only a one-column file goes the general way
    if len(names) == 1 and (b"\n\n" in data or b"\n\r\n" in data):
        return None
    # the column names exactly as pandas makes them from this header ("Unnamed: 3" …)
    columns = pd.read_csv(io.BytesIO(header.encode("utf-8") + b"\n"), dtype=object, sep=",", index_col=False,
                          keep_default_na=False, na_values=[], engine="c").columns
    if len(columns) != len(names):
        return None
    return end, columns


def _columns(rows: list, width: int, codec: str, lines: int, ideo: bytes) -> tuple | None:
    """(The cells of every column as an object array of str, the number of white space
    characters at the edges of each column's cells), or None if any cell does not decode,
    or if a row has another number of fields than the header: pyarrow refuses it; a lone
    CR, a line break to pyarrow and pandas alike, shows as more rows than `lines`.
    `rows`: [the bytes of the rows], emptied once parsed (their memory is freed).
    `ideo`: U+3000 in the file's encoding."""
    import pyarrow as pa

    names = [f"c{i}" for i in range(width)]
    if not rows[0].nbytes:
        return [np.empty(0, dtype=object) for _ in names], [0] * width
    plain = _mostly_distinct(rows[0], names)
    try:
        table = _read(rows.pop(), names)
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if table.num_rows != lines:
        return None
    out, pads = [], []
    for n in names:
        col = table.column(n)
        table = table.drop_columns([n])     # each column's Arrow memory is freed once converted
        try:
            if n in plain:                  # an id: every cell decoded (no dictionary to build)
                enc = col.combine_chunks(memory_pool=_pool())
                values = _decode(enc, codec, empty=False)
                pads.append(int(_edges(enc, ideo).sum()))
                out.append(values)
                del col, enc
                continue
            enc = _encode(col)
            uniques = _decode(enc.dictionary, codec)
        except (UnicodeDecodeError, pa.ArrowInvalid, pa.ArrowException):
            return None
        codes = enc.indices.to_numpy(zero_copy_only=False)
        edges = _edges(enc.dictionary, ideo)
        pads.append(int(np.bincount(codes, minlength=len(edges)) @ edges) if edges.any() else 0)
        values = uniques.take(codes)
        if len(uniques) <= min(_REGISTERED, max(1, lines // 8)) and len(set(uniques)) == len(uniques):
            # few distinct values: kept as codes too, for screening and the writer (load/encoded.py)
            register(values, codes.astype(np.int8 if len(uniques) <= 127 else np.int16), uniques)
        out.append(values)
        del col, enc
    pa.default_memory_pool().release_unused()
    return out, pads


def _encode(col):
    """A column read as raw bytes, dictionary encoded: its distinct cells in order of first
    appearance and an index per cell.  One hash table for all the column's blocks (a
    dictionary per block, as the CSV reader's own dictionary conversion makes, costs about
    a second more on a million rows), so the blocks share the one dictionary and their
    indices are simply put end to end."""
    import pyarrow.compute as pc

    return pc.dictionary_encode(col, memory_pool=_pool()).combine_chunks(memory_pool=_pool())


def _edges(arr, ideo: bytes) -> np.ndarray:
    """Per cell of a binary Arrow array, how many of its edges (first, last character) are a
    space, a tab or U+3000 (`ideo`, in the file's encoding): the places tables._pad_positions
    finds in the file's bytes, a lone white space character counted once.  No byte of those
    occurs inside a multi-byte character, nor A1 A1 at a GB18030 cell's edge but as U+3000."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = np.zeros(len(arr), dtype=np.int64)
    for p in (b" ", b"\t", ideo):
        n += pc.starts_with(arr, pattern=p).to_numpy(zero_copy_only=False)
        n += pc.ends_with(arr, pattern=p).to_numpy(zero_copy_only=False)
    n -= pc.is_in(arr, value_set=pa.array([b" ", b"\t", ideo], pa.binary())).to_numpy(zero_copy_only=False)
    return n


_SAMPLE = 1 << 20     # bytes of rows read first to tell the columns of ids (see _mostly_distinct)


def _read(data, names: list[str], dictionary: bool = False):
    """The rows as an Arrow table of raw bytes (`_encode` then dictionary encodes a column);
    `dictionary`: every column dictionary encoded by the reader (for a sample of rows)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        pa.py_buffer(data),
        memory_pool=_pool(), read_options=pacsv.ReadOptions(column_names=names, block_size=16 << 20),
        parse_options=pacsv.ParseOptions(delimiter=",", quote_char=False, double_quote=False,
                                         escape_char=False, newlines_in_values=False,
                                         ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.dictionary(pa.int32(), pa.binary()) if dictionary
                                                           else pa.binary() for n in names},
                                             null_values=[], strings_can_be_null=False,
                                             quoted_strings_can_be_null=False))


def _mostly_distinct(rows: memoryview, names: list[str]) -> set[str]:
    """The columns whose cells are mostly distinct in the first rows (a response id, a
    respondent): a dictionary of a million texts costs more than the texts themselves.
    Only a matter of speed: either way a column reads the same."""
    import pyarrow as pa

    if rows.nbytes <= _SAMPLE:
        return set()
    b = rows.obj
    start = len(b) - rows.nbytes
    end = b.rfind(b"\n", start, start + _SAMPLE)
    if end < 0:
        return set()
    try:
        sample = _read(rows[:end - start + 1], names, dictionary=True)
    except (pa.ArrowInvalid, pa.ArrowException):
        return set()
    if sample.num_rows < 1000:
        return set()
    return {n for n in names
            if len(sample.column(n).combine_chunks().dictionary) > sample.num_rows // 2}


def _decode(dictionary, codec: str, empty: bool = True) -> np.ndarray:
    """The distinct cells of a column (or all its cells) as an object array of str.  UTF-8 (and
    ASCII, the same in GB18030) is checked and converted in C++; other GB18030 text by Python's
    codec.  `empty`: an empty dictionary stands for [""]."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(dictionary) and empty:
        return np.array([""], dtype=object)
    ascii_only = False
    if codec != "utf-8":
        _, offsets, buf = dictionary.buffers()
        off = np.frombuffer(offsets, dtype=np.int32)[dictionary.offset:dictionary.offset + len(dictionary) + 1]
        start, end = int(off[0]), int(off[-1])
        ascii_only = buf is None or end == start or \
            int(np.frombuffer(buf, dtype=np.uint8)[start:end].max()) < 0x80
    if codec == "utf-8" or ascii_only:
        return pc.cast(dictionary, pa.string(), memory_pool=_pool()).to_numpy(zero_copy_only=False).astype(object, copy=False)
    return np.array([b.decode(codec) for b in dictionary.to_pylist()], dtype=object)


def _pool():
    """The system allocator: what Arrow frees goes back to malloc for the Python objects
    made next (Arrow's own pools keep it, and the peak memory is the sum of both)."""
    import pyarrow as pa

    return pa.default_memory_pool()
