"""Wording a project may override and that Python fills in with str.format
(templates/survey.toml [details] and [chapter]; everything else is Jinja in the sandbox): a format string is data too.

`safe_format(text, **values)` accepts only plain `{name}` fields of the values
given, with a short format spec (`{score:.1f}`, `{n:,}`, width at most 99): no
attribute or index access (`{x.__class__}`), no `!r` (a Python repr), no nested
or huge widths (`{x:>999999999}`).  `Text` is a str whose .format / .format_map
do the same, so loaded wording stays safe wherever it is filled in.
"""
from __future__ import annotations

import re
import string

from ..errors import ReportkitError
from ..messages import join
from .messages import say

_SPEC = re.compile(r"(?:.?[<>=^])?[+\- ]?#?0?(?:[1-9]\d?)?[,_]?(?:\.\d{1,2})?[bcdeEfFgGnosxX%]?")
_FORMATTER = string.Formatter()


def check_format(text: str, names=None, where: str | None = None) -> list[tuple[str, str, str, str | None]]:
    """The parsed fields of `text` (literal, name, spec, conversion), or ReportkitError
    naming the placeholder that is not allowed."""
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise _refused(text, say("wording.syntax", why=str(exc)), where) from None
    for _lit, name, spec, conv in parts:
        if name is None:
            continue
        if not name.isidentifier():
            raise _refused(text, say("wording.field", field=name), where)
        if names is not None and name not in names:
            raise _refused(text, say("wording.unknown", field=name, known=join(sorted(names))), where)
        if conv not in (None, "s"):
            raise _refused(text, say("wording.conversion", field=name), where)
        if spec and ("{" in spec or not _SPEC.fullmatch(spec)):
            raise _refused(text, say("wording.spec", field=name, spec=spec), where)
    return parts


def _refused(text: str, why: str, where: str | None) -> ReportkitError:
    shown = text if len(text) <= 80 else text[:77] + "…"
    return ReportkitError(say("wording.refused", where=where or say("wording.somewhere"), text=shown, why=why))


def safe_format(text: str, /, where: str | None = None, **values) -> str:
    check_format(str(text), set(values), where)
    try:
        return str.format(str(text), **values)
    except (ValueError, TypeError) as exc:
        raise _refused(str(text), say("wording.syntax", why=str(exc)), where) from None


class Text(str):
    """A wording string from a template file whose format() is safe_format()."""

    where: str | None = None

    def format(self, *args, **kwargs):  # noqa: A003 - str's own name
        if args:
            raise _refused(str(self), say("wording.positional"), self.where)
        return safe_format(str(self), where=self.where, **kwargs)

    def format_map(self, mapping):
        return safe_format(str(self), where=self.where, **dict(mapping))


def wrap(obj, where: str | None = None):
    """Every string inside a loaded toml table as Text (dicts and lists walked)."""
    if isinstance(obj, str):
        t = Text(obj)
        t.where = where
        return t
    if isinstance(obj, dict):
        return {k: wrap(v, where) for k, v in obj.items()}
    if isinstance(obj, list):
        return [wrap(v, where) for v in obj]
    return obj
