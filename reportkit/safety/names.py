"""Output file names derived from codes and ids: unique, short, valid everywhere.

`safe_stem(s)` keeps a safe id as it is (STYJ-01 -> STYJ-01).  When making it safe
changes anything -- characters outside the allowed set, a name Windows reserves
(CON, PRN, AUX, NUL, COM1 … LPT9, also with an extension), a trailing dot or
space, more than MAX_BYTES -- the readable part is kept and a short hash of the
original is appended, so two different codes can never share a file
(绿地-1 -> _-1-3b5c0d…, 车速-1 -> _-1-9e41a2…).
"""
from __future__ import annotations

import hashlib
import re

MAX_BYTES = 80        # of the readable part, in UTF-8 (every file system allows 255)
HASH = 10             # hex digits of the disambiguating hash
WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                              *(f"COM{i}" for i in "123456789¹²³"), *(f"LPT{i}" for i in "123456789¹²³")})
ASCII_NAME = r"0-9A-Za-z_\-"          # chart names
FILE_NAME = r"\w.\-"                  # department ids: letters of any script, digits, _ . -


def _cut(s: str, limit: int) -> str:
    out = s.encode("utf-8")[:limit].decode("utf-8", "ignore")
    return out


def safe_stem(s: str, allowed: str = ASCII_NAME, max_bytes: int = MAX_BYTES) -> str:
    s = str(s)
    stem = re.sub(f"[^{allowed}]+", "_", s)
    changed = stem != s
    trimmed = stem.rstrip(". ").lstrip(". ")
    if trimmed != stem or not trimmed:
        changed = True
        stem = trimmed or "_"
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:   # CON, con.x, NUL … (any extension)
        changed = True
        stem = "_" + stem
    if len(stem.encode("utf-8")) > max_bytes:
        changed = True
        stem = _cut(stem, max_bytes).rstrip(". ") or "_"
    if changed:
        stem = f"{stem}-{hashlib.sha1(s.encode('utf-8')).hexdigest()[:HASH]}"
    return stem
