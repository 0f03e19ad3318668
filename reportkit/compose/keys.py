"""File-name stems of charts.  The figure and table keys a narrative may cite are not
listed anywhere: they are the ones the composition makes (ComposeContext.check_refs)."""
from __future__ import annotations


def safe_name(s: str) -> str:
    """A chart file name stem for a code: the code itself when it is safe, else a readable
    stem plus a short hash, so that two codes never share a chart (safety/names.py)."""
    from ..safety.names import ASCII_NAME, safe_stem

    return safe_stem(s, ASCII_NAME)
