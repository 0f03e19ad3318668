"""Template files (TOML) loaded once, through a typed schema.

The built-in file under templates/ is both the default and the schema: every
key it has, with the type of its value.  A project's own file of the same name
(PROJECT/templates/NAME) is laid over it key by key, so a project overrides
only what it changes.  A key whose value has another type than the built-in
one (a table where a sentence is expected, a number for a list…) is an error
naming the file and the key; a key the built-in file does not know is a
warning (a typo would otherwise be silently ignored), except inside the tables
listed in OPEN_TABLES, whose keys are the project's own (theme names, colours
by rating…).
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from .errors import Problems, ReportkitError, Source, error, warning
from .messages import msg
from .theme import TEMPLATES

#: tables whose keys a project may choose freely (file -> dotted table names)
OPEN_TABLES = {
    "concerns.toml": ("themes", "synonyms", "theme_dimensions"),
    "survey.toml": ("groups", "labels", "order"),
    "theme.toml": ("colors.rating", "colors.trend", "labels", "numbers.decimals"),
    "promo.toml": ("images",),
}

_TYPES = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}   # messages [wording.types]


def _type_ok(default, value) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) == isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def _merge(base: dict, over: dict, path: str, rel: str, name: str, problems: Problems) -> dict:
    out = dict(base)
    open_tables = OPEN_TABLES.get(name, ())
    for key, value in over.items():
        dotted = f"{path}.{key}" if path else key
        if key not in base:
            if not any(path == t or path.startswith(t + ".") for t in open_tables):
                problems.add(warning(Source(rel, column=dotted), msg("wording.unknown_key"),
                                     hint=msg("wording.unknown_key_hint")))
                continue
            out[key] = value
            continue
        default = base[key]
        if not _type_ok(default, value):
            kind = _TYPES.get(type(default))
            want = msg(f"wording.types.{kind}") if kind else type(default).__name__
            problems.add(error(Source(rel, column=dotted), msg("wording.wrong_type", want=want), value=_short(value)))
            continue
        if isinstance(default, dict):
            out[key] = _merge(default, value, dotted, rel, name, problems)
        else:
            out[key] = value
    return out


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


@lru_cache(maxsize=64)
def _builtin(name: str) -> dict:
    return tomllib.loads((TEMPLATES / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=64)
def _overlay(name: str, project_file: str, stamp: tuple) -> tuple[dict, tuple]:
    problems = Problems()
    path = Path(project_file)
    rel = f"templates/{name}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.add(error(Source(rel), msg("wording.not_utf8"), hint=msg("wording.not_utf8_hint")))
        return _builtin(name), tuple(problems.items)
    except RecursionError:
        from .safety.messages import say

        problems.add(error(Source(rel), say("toml.nesting")))
        return _builtin(name), tuple(problems.items)
    except tomllib.TOMLDecodeError as exc:
        import re

        found = re.search(r"at line (\d+)", str(exc))   # Python 3.11 has no exc.lineno
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        problems.add(error(Source(rel, line=line), msg("wording.toml_syntax", reason=exc)))
        return _builtin(name), tuple(problems.items)
    merged = _merge(_builtin(name), data, "", rel, name, problems)
    return merged, tuple(problems.items)


def load_toml(name: str, project_root: Path | None = None, problems: Problems | None = None,
              terms: dict | None = None) -> dict:
    """The settings of template file `name` (e.g. "report.toml") for a project.

    With `problems`, schema problems are added there (the caller raises once for
    all); without, an error raises ReportkitError at once.  `terms` (project.toml
    [terms], reportkit.terms) are spliced into every string: `{{ terms.town }}`
    becomes the project's word for the town level."""
    data = _load_toml(name, project_root, problems)
    return _with_terms(data, terms)


_SPLICED: dict[tuple, tuple[dict, dict]] = {}


def _with_terms(data: dict, terms: dict | None) -> dict:
    """The same dict object for the same input and terms, so callers may cache by id()."""
    from .terms import apply_terms, default_terms

    terms = terms or default_terms()
    key = (id(data), tuple(sorted(terms.items())))
    hit = _SPLICED.get(key)
    if hit is None or hit[0] is not data:
        hit = _SPLICED[key] = (data, apply_terms(data, terms))
    return hit[1]


def _load_toml(name: str, project_root: Path | None = None, problems: Problems | None = None) -> dict:
    project_file = Path(project_root) / "templates" / name if project_root is not None else None
    if project_file is not None and (project_file.exists() or project_file.is_symlink()):
        from .safety.files import FileRefused, check_file

        try:   # a regular file inside the project, of a sane size (no FIFO, no link out)
            check_file(project_file, project_root, "template", f"templates/{name}")
        except FileRefused as exc:
            if problems is None:
                raise
            problems.add(exc.problem)
            return _builtin(name)
    if project_file is None or not project_file.is_file():
        return _builtin(name)
    st = project_file.stat()
    data, found = _overlay(name, str(project_file.resolve()), (st.st_mtime_ns, st.st_size))
    if problems is not None:
        problems.extend(found)
    else:
        errs = [p for p in found if p.is_error]
        if errs:
            raise ReportkitError(msg("wording.template_invalid", name=name, n=len(errs)), errs)
    return data


def check_project_templates(project_root: Path | None, problems: Problems) -> None:
    """Check every TOML template file a project overrides (called once per build)."""
    if project_root is None or not (Path(project_root) / "templates").is_dir():
        return
    for path in sorted((Path(project_root) / "templates").glob("*.toml")):
        if (TEMPLATES / path.name).is_file():
            load_toml(path.name, project_root, problems)


class Wording:
    """The one mechanism for user-facing wording: a template file's sentences
    (Jinja expressions over the values the composer passes) rendered in the
    narrative sandbox (reportkit.narrative.make_env) — no attribute outside the
    vocabulary's views, bounded output.  `get` returns the raw entry (lists,
    tables, plain labels); `say` renders a sentence."""

    def __init__(self, data: dict, name: str = "", fmt=None):
        self.data = data
        self.name = name
        self._fmt = fmt

    @classmethod
    def load(cls, name: str, project_root: Path | None = None, problems: Problems | None = None,
             fmt=None, terms: dict | None = None) -> "Wording":
        return cls(load_toml(name, project_root, problems, terms), name, fmt)

    def get(self, path: str):
        node = self.data
        for part in path.split("."):
            node = node[part]
        return node

    def has(self, path: str) -> bool:
        try:
            self.get(path)
        except (KeyError, TypeError):
            return False
        return True

    def say(self, path_or_text: str, _literal: bool = False, **values) -> str:
        from jinja2 import TemplateError

        from .safety.sandbox import TEMPLATE_ERRORS, template_error

        text = path_or_text if _literal else self.get(path_or_text)
        try:
            from .narrative import compiled

            tpl = compiled(self._fmt or _builtin_formatter(), text)
            return tpl.render(**values)
        except (TemplateError, *TEMPLATE_ERRORS) as exc:   # a project's sentence refused by the sandbox
            where = f"templates/{self.name} {'' if _literal else path_or_text}".strip()
            raise template_error(exc, display=where, line=False) from None


@lru_cache(maxsize=1)
def _builtin_formatter():
    """The number rule of the built-in theme, for wording loaded without a project's."""
    from .fmt import Formatter
    from .theme import load_theme

    return Formatter.from_theme(load_theme())
