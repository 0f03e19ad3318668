"""The filing loop (数据填报): workbooks for every filer, collection with data checks,
return slips and the progress bulletin.  Pure functions: they return bytes,
Documents and tables; only the command writes, through reportkit.write.Writer."""
from __future__ import annotations

INTAKE_DIR = "intake"


def wording(project_root=None):
    from ...workbook import Wording

    return Wording.load(project_root, "intake.toml")


def town_term(project, w) -> str:
    """What the documents call the town level: project.toml [terms] town, else the wording's."""
    st = project.settings
    terms = getattr(st, "terms", None)
    if isinstance(terms, dict):
        got = terms.get("town")
    else:
        got = getattr(terms, "town", None) if terms is not None else None
    if not got:
        extra = getattr(st, "extra", {}) or {}
        got = (extra.get("terms") or {}).get("town") if isinstance(extra.get("terms"), dict) else None
    return got or w.get("problems.town_term")
