"""Columns known by their distinct values, so that nothing factorizes them twice.

The columnar reader (load/fastcsv.py) has every column of a large export as codes
into its distinct values before it makes the object array pandas holds.  It
registers (codes, distinct values) for the columns with few distinct values (a
likert answer, a town, a duration); `column_codes` then returns them for that array
-- or for any view of it, such as `df[col].to_numpy(dtype=object)` -- instead of
hashing a million strings again, and factorizes any other array as before.

An entry is only ever used for the very memory it was made from: it is keyed by the
array's data address and checked against a weak reference to the array (an entry
dies with its array), and the array is made read-only, so a frame that changes a
column has to make a new array (pandas copies a read-only column before writing).
"""
from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

_REGISTRY: dict[int, tuple] = {}     # data address -> (weakref to the array, codes, distinct values)


def _forget(key: int, ref) -> None:
    entry = _REGISTRY.get(key)
    if entry is not None and entry[0] is ref:
        del _REGISTRY[key]


def register(values: np.ndarray, codes: np.ndarray, uniques: np.ndarray) -> None:
    """Remember that `values` (1-D object array) is `uniques[codes]`, `uniques` distinct."""
    if values.ndim != 1 or not len(values):
        return
    values.flags.writeable = False
    key = values.ctypes.data
    ref = weakref.ref(values, lambda r, key=key: _forget(key, r))
    _REGISTRY[key] = (ref, codes, uniques)


def lookup(values) -> tuple[np.ndarray, np.ndarray] | None:
    """(codes, distinct values) registered for exactly this array's cells, or None."""
    if not isinstance(values, np.ndarray) or values.dtype != object or values.ndim != 1 or not len(values):
        return None
    entry = _REGISTRY.get(values.ctypes.data)
    if entry is None:
        return None
    ref, codes, uniques = entry
    base = ref()
    if base is None or len(base) != len(values) or base.strides != values.strides or base.flags.writeable:
        return None
    return codes, uniques


def column_codes(values) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a column of strings, in no particular order: every
    value, None or NaN included, has a code of its own (see factorize_texts)."""
    found = lookup(values)
    if found is not None:
        return found
    return factorize_texts(values)


ARROW_ROWS = 100_000     # from this many values, a column of str only is hashed by pyarrow


def factorize_texts(values, uniques: bool = True):
    """pd.factorize for columns of strings: (codes, uniques) with every value, None or NaN
    included, a code of its own.  Asking pandas for sentinels first and only redoing a
    column that has missing values avoids a full isna() pass per column (a second per
    million rows).  A long column of str only is hashed by pyarrow instead (half the time
    of pandas' object hashing; the same codes: distinct values numbered in order of first
    appearance).  `uniques`: False when only the codes are wanted (None is returned for
    the distinct values, which are then not made Python strings again)."""
    fast = _arrow_factorize(values, uniques)
    if fast is not None:
        return fast
    codes, uniques = pd.factorize(values)
    if len(codes) and codes.min() < 0:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, uniques


def _arrow_factorize(values, want_uniques: bool):
    if not isinstance(values, np.ndarray) or values.dtype != object or values.ndim != 1 \
            or len(values) < ARROW_ROWS or pd.api.types.infer_dtype(values, skipna=False) != "string":
        return None
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:     # pragma: no cover - a declared dependency
        return None
    try:
        enc = pc.dictionary_encode(pa.array(values, type=pa.string(), from_pandas=False))
    except (pa.ArrowException, ValueError, TypeError, UnicodeError):
        return None         # a text Arrow cannot hold (a lone surrogate): pandas hashes it
    if enc.null_count:
        return None
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.intp)
    if not want_uniques:
        return codes, None
    return codes, enc.dictionary.to_numpy(zero_copy_only=False).astype(object, copy=False)
