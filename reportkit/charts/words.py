"""The charts' wording: templates/charts.toml (a project's own file laid over it),
rendered by reportkit.wording.Wording in the narrative sandbox.

Drawers and alt-text writers ask `words(theme)`; the theme knows the project
(`Theme.root`), so the worker processes that draw read the same wording as the
composer.  `wording_key(theme)` is what the chart cache hashes besides the theme.
"""
from __future__ import annotations

from ..wording import Wording, load_toml

NAME = "charts.toml"


class ChartWording(Wording):
    """Wording whose values may come straight from chart data: numpy numbers are passed
    to the sandbox as the Python numbers they are."""

    def say(self, path_or_text: str, _literal: bool = False, **values) -> str:
        return super().say(path_or_text, _literal, **{k: _plain(v) for k, v in values.items()})


def _plain(v):
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    item = getattr(v, "item", None)
    if item is not None and not isinstance(v, (str, bytes)) and getattr(v, "shape", None) == ():
        return item()
    return v


_cache: dict[int, ChartWording] = {}


def words(theme=None) -> ChartWording:
    data = load_toml(NAME, getattr(theme, "root", None))
    w = _cache.get(id(data))
    if w is None or w.data is not data:
        w = _cache[id(data)] = ChartWording(data, NAME)
    return w


def wording_key(theme=None) -> dict | None:
    """The project's chart wording when it overrides the built-in one, else None (the
    built-in file is part of the drawing code's hash)."""
    data = load_toml(NAME, getattr(theme, "root", None))
    return None if data is load_toml(NAME) else data
