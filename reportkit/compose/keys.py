"""File-name stems of charts.  The figure and table keys a narrative may cite are not
listed anywhere: they are the ones the composition makes (ComposeContext.check_refs)."""
from __future__ import annotations

import re

_SAFE = re.compile(r"[^0-9A-Za-z_-]+")


def safe_name(s: str) -> str:
    return _SAFE.sub("_", s)
