"""Objective vs subjective: indicator scores beside satisfaction scores, per dimension.

For every dimension with both scores:
  difference = satisfaction score - indicator score (both 0-100, Scores.dimensions
               and SurveyResult.dimension_scores);
  centred    = difference - mean difference over those dimensions.  The two scores
               are measured differently (indicator scores are 100 whenever the
               reference is met, satisfaction rarely exceeds 80), so a contradiction
               is judged on the centred difference, not on the raw one;
  ranks      = 1 for the best dimension on each score.
A dimension is flagged (templates/concerns.toml [compare]):
  指标评价优于市民感受 (objective_better) when centred <= -min_gap (10 points), or
      when it ranks in the top third on indicators and the bottom third on satisfaction;
  市民感受优于指标评价 (subjective_better) when centred >= +min_gap, or the reverse
      rank inversion.
The difference test decides when both tests apply.
"""
from __future__ import annotations

import math

import pandas as pd

COLUMNS = ["dimension", "indicator_score", "satisfaction", "difference", "centred", "indicator_rank",
           "satisfaction_rank", "flag", "judgement"]


def _f(x) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return math.nan
    return x


def compare(scores, survey, config=None) -> pd.DataFrame:
    from .concerns import load_concerns_config

    cfg = config or load_concerns_config(getattr(survey.project, "root", None), survey.dimensions)
    min_gap = float(cfg.compare.get("min_gap", 10.0))
    labels = {"objective_better": "指标评价优于市民感受", "subjective_better": "市民感受优于指标评价",
              "consistent": "基本一致", "missing": "数据不足", **cfg.compare_labels}
    ind = dict(zip(scores.dimensions["dimension"], scores.dimensions["score"]))
    sat = survey.dimension_scores
    dims = list(dict.fromkeys(list(scores.dimensions["dimension"]) + list(survey.dimensions)))
    df = pd.DataFrame({"dimension": dims,
                       "indicator_score": [_f(ind.get(d)) for d in dims],
                       "satisfaction": [_f(sat.get(d)) for d in dims]})
    both = df["indicator_score"].notna() & df["satisfaction"].notna()
    df["difference"] = df["satisfaction"] - df["indicator_score"]
    mean_diff = df.loc[both, "difference"].mean() if both.any() else math.nan
    df["centred"] = df["difference"] - mean_diff
    df["indicator_rank"] = df["indicator_score"].where(both).rank(ascending=False, method="min").astype("Int64")
    df["satisfaction_rank"] = df["satisfaction"].where(both).rank(ascending=False, method="min").astype("Int64")
    k = int(both.sum())
    third = math.ceil(k / 3) if k else 0
    flags = []
    for r in df.itertuples(index=False):
        if pd.isna(r.centred):
            flags.append("missing")
            continue
        if r.centred <= -min_gap + 1e-9:
            flags.append("objective_better")
            continue
        if r.centred >= min_gap - 1e-9:
            flags.append("subjective_better")
            continue
        if k >= 3:
            if r.indicator_rank <= third and r.satisfaction_rank > k - third:
                flags.append("objective_better")
                continue
            if r.satisfaction_rank <= third and r.indicator_rank > k - third:
                flags.append("subjective_better")
                continue
        flags.append("consistent")
    df["flag"] = ["" if f in ("consistent", "missing") else f for f in flags]
    df["judgement"] = [labels[f] for f in flags]
    return df[COLUMNS]
