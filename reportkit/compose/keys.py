"""Every figure and table key the report can cite, without importing the drawing code
(so that `reportkit validate` can check narratives quickly)."""
from __future__ import annotations

import re

SURVEY_FIGURE_KEYS = ("survey-screening", "survey-dimensions", "survey-heatmap", "survey-hukou", "survey-towns",
                      "survey-keywords", "survey-compare")
SURVEY_TABLE_KEYS = ("survey-screening", "survey-dimensions", "survey-groups", "survey-hukou", "survey-themes",
                     "survey-compare", "survey-hot-issues", "survey-gaps")

_SAFE = re.compile(r"[^0-9A-Za-z_-]+")


def safe_name(s: str) -> str:
    return _SAFE.sub("_", s)


def key_indicator_figures(project, scores) -> list[tuple[str, str]]:
    """(figure key, chart name) for the deep analysis of each key indicator."""
    out = []
    towns = set(scores.towns["code"]) if len(scores.towns) else set()
    peers = set(scores.peers.loc[scores.peers["area"] != scores.city, "code"]) if len(scores.peers) else set()
    for row in scores.table[scores.table["key"]].itertuples():
        out.append((f"trend/{row.code}", f"trend-{safe_name(row.code)}"))
        if row.code in peers:
            out.append((f"peers/{row.code}", f"peers-{safe_name(row.code)}"))
        if row.code in towns:
            out.append((f"towns/{row.code}", f"towns-{safe_name(row.code)}"))
    return out


def known_keys(project, scores) -> tuple[set, set]:
    """Every figure and table key the report can cite (used to check narratives)."""
    figs = {"dimension-radar", "rating-counts", "tracking-status"} | set(SURVEY_FIGURE_KEYS)
    figs |= {k for k, _ in key_indicator_figures(project, scores)}
    tabs = {"indicator-system", "dimension-scores", "shortfalls", "recommendations", "tracking",
            "appendix-indicators", "appendix-methods", "appendix-sources"} | set(SURVEY_TABLE_KEYS)
    tabs |= {f"indicators/{d}" for d in project.dimensions}
    return figs, tabs


