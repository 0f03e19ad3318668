"""Objective vs subjective: indicator scores beside satisfaction scores, per dimension.

For every dimension with both scores (Scores.dimensions and
SurveyResult.dimension_scores, both 0-100):

  gap = satisfaction score - indicator score, computed from the two scores as
        the report prints them (one decimal), so that the verdict agrees with
        the difference a reader sees in the table beside it.

A dimension is judged by the size of its gap alone, against one threshold
`compare_gap` (project.toml [survey], default 10 points):

  gap <= -compare_gap   指标评价优于市民感受 (objective_better)
  gap >= +compare_gap   市民感受优于指标评价 (subjective_better)
  otherwise             基本一致 (consistent)

The rule is monotonic: a larger gap is never judged "more consistent" than a
smaller one of the same sign, whatever the other dimensions score.  The labels
are in templates/concerns.toml [compare.labels]; the method appendix
(templates/report/method.md) states the rule with the project's threshold.
"""
from __future__ import annotations

import math

import pandas as pd

from ..fmt import round_text

COLUMNS = ["dimension", "indicator_score", "satisfaction", "difference", "indicator_rank",
           "satisfaction_rank", "flag", "judgement"]
DEFAULT_GAP = 10.0
DECIMALS = 1     # scores are printed with one decimal everywhere


def _f(x) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return math.nan
    return x


def _shown(x: float) -> float:
    return math.nan if math.isnan(x) else float(round_text(x, DECIMALS, False))


def classify(gap: float, threshold: float) -> str:
    """objective_better / subjective_better / consistent / missing for one printed gap."""
    if gap is None or math.isnan(gap):
        return "missing"
    if gap <= -threshold + 1e-9:
        return "objective_better"
    if gap >= threshold - 1e-9:
        return "subjective_better"
    return "consistent"


def compare_gap(survey) -> float:
    st = getattr(survey, "settings", None)
    return float(getattr(st, "compare_gap", DEFAULT_GAP))


def compare(scores, survey, config=None, threshold: float | None = None) -> pd.DataFrame:
    from .concerns import load_concerns_config

    cfg = config or load_concerns_config(getattr(survey.project, "root", None))
    gap_points = compare_gap(survey) if threshold is None else float(threshold)
    labels = cfg.compare_labels
    ind = dict(zip(scores.dimensions["dimension"], scores.dimensions["score"]))
    sat = survey.dimension_scores
    dims = list(dict.fromkeys(list(scores.dimensions["dimension"]) + list(survey.dimensions)))
    df = pd.DataFrame({"dimension": dims,
                       "indicator_score": [_f(ind.get(d)) for d in dims],
                       "satisfaction": [_f(sat.get(d)) for d in dims]})
    both = df["indicator_score"].notna() & df["satisfaction"].notna()
    df["difference"] = [_shown(s) - _shown(i) for s, i in zip(df["satisfaction"], df["indicator_score"])]
    df["difference"] = df["difference"].round(DECIMALS)
    df["indicator_rank"] = df["indicator_score"].where(both).rank(ascending=False, method="min").astype("Int64")
    df["satisfaction_rank"] = df["satisfaction"].where(both).rank(ascending=False, method="min").astype("Int64")
    flags = [classify(g, gap_points) for g in df["difference"]]
    df["flag"] = ["" if f in ("consistent", "missing") else f for f in flags]
    df["judgement"] = [labels[f] for f in flags]
    return df[COLUMNS]
