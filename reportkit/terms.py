"""The project's own administrative vocabulary (contract v2 `[terms]`) in the wording.

Templates name a level by a placeholder, `{{ terms.town }}`, never by one city's
word for it.  Wording files are read as TOML and every string gets the project's
terms spliced in before use, so the same placeholder works in Jinja sentences
(report.toml, sheets.toml) and in str.format ones (survey.toml, promo.toml).
Narratives reach the same words through the sandbox's `terms` object.
"""
from __future__ import annotations

import re
from typing import Mapping

TOKEN = re.compile(r"\{\{\s*terms\.([A-Za-z_]+)\s*\}\}")


def default_terms() -> dict[str, str]:
    from .config import Terms

    return Terms().as_dict()


def splice(text: str, terms: Mapping[str, str]) -> str:
    """`{{ terms.town }}` -> the project's word; unknown names are left for the renderer to report."""
    if "terms" not in text:
        return text
    return TOKEN.sub(lambda m: terms.get(m.group(1), m.group(0)), text)


def apply_terms(obj, terms: Mapping[str, str] | None):
    """A copy of a loaded wording file (dicts, lists, strings) with the terms spliced in."""
    terms = terms if terms is not None else default_terms()
    if isinstance(obj, str):
        return splice(obj, terms)
    if isinstance(obj, dict):
        return {k: apply_terms(v, terms) for k, v in obj.items()}
    if isinstance(obj, list):
        return [apply_terms(v, terms) for v in obj]
    if isinstance(obj, tuple):
        return tuple(apply_terms(v, terms) for v in obj)
    return obj


def project_terms(project) -> dict[str, str]:
    """The terms of a loaded project (defaults when its settings carry none)."""
    t = getattr(getattr(project, "settings", None), "terms", None)
    return t.as_dict() if t is not None else default_terms()
