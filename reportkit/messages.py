"""Command-line messages, from one file: templates/messages.toml.

`msg("done.report", paths=…)` looks the key up and fills its {name}
placeholders.  The file belongs to the package (projects override document
wording, not the tool's own messages), so no user text is ever a format string.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache

from .theme import TEMPLATES


@lru_cache(maxsize=1)
def _catalogue() -> dict:
    return tomllib.loads((TEMPLATES / "messages.toml").read_text(encoding="utf-8"))


def msg(_key: str, /, **values) -> str:
    node = _catalogue()
    for part in _key.split("."):
        node = node[part]
    return node.format_map(values) if values else node


def join(items, sep: str = "list") -> str:
    """Names in a list, separated as [common] of the messages file says ("、" or "，")."""
    return msg(f"common.{sep}").join(str(x) for x in items)
