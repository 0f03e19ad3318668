"""The charts' wording: templates/charts.toml (a project's own file laid over it),
rendered by reportkit.wording.Wording in the narrative sandbox.

Drawers and alt-text writers ask `words(theme)`; the theme knows the project
(`Theme.root`), so the worker processes that draw read the same wording as the
composer.  `wording_key(theme)` is what the chart cache hashes besides the theme.
"""
from __future__ import annotations

from ..wording import Wording, load_toml

NAME = "charts.toml"
_cache: dict[int, Wording] = {}


def words(theme=None) -> Wording:
    data = load_toml(NAME, getattr(theme, "root", None))
    w = _cache.get(id(data))
    if w is None or w.data is not data:
        w = _cache[id(data)] = Wording(data, NAME)
    return w


def wording_key(theme=None) -> dict | None:
    """The project's chart wording when it overrides the built-in one, else None (the
    built-in file is part of the drawing code's hash)."""
    data = load_toml(NAME, getattr(theme, "root", None))
    return None if data is load_toml(NAME) else data
