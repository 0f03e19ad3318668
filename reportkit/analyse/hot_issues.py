"""Hot issues (热点问题): the problems residents raise that indicators and satisfaction confirm.

Method (also given in Chinese by `method_text()`, wording in templates/concerns.toml):
candidates are the concern themes residents raised (mentioned in an open answer or
chosen in a question about what needs improving) that found a dimension in the
project (see reportkit.analyse.concerns.resolve_themes).  For each candidate three
inputs, each 0-1, bigger = worse:
  indicator shortfall  I = 0.5 x (短板 + 0.5 x 预警) / rated indicators
                           + 0.5 x (100 - mean indicator score) / 100,
                       over the theme's own indicators (found by name and unit);
                       none -> all of its dimension; no rated indicator -> 0;
  satisfaction gap     S = (100 - satisfaction) / 100, satisfaction being the
                       lowest score of the dimension's likert questions whose text
                       matches the theme, else the dimension's score;
  citizen concern      C = the theme's concern: the share of open answers mentioning
                       it and the share of respondents choosing it, averaged over
                       the two where both exist.
Each input is min-max normalised over the candidates (worst 100, best 0; an input
equal for every candidate gives 0) and the heat index is
  heat = wi x I' + ws x S' + wc x C'   (weights 0.4 / 0.3 / 0.3 by default,
                                        [hot_issues] in concerns.toml, rescaled to sum 1).
Candidates are ranked by heat, then by concern; the first `top` (5) are the hot
issues.  With no candidate, `reason` says why (no answer at all, or no raised theme
that fits the project's dimensions), so that the report can say so instead of
printing an empty table.  survey/hot_issues.csv shows every input beside each.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..terms import project_terms
from ..vocab import GOOD, SHORT, WARN

COLUMNS = ["rank", "problem", "dimension", "heat", "indicator_input", "satisfaction_input", "concern_input",
           "short", "warning", "rated", "indicator_score", "weak_indicators", "satisfaction",
           "satisfaction_basis", "mentions", "share", "choices", "choice_share"]
NO_ANSWERS, NO_MATCH = "no_answers", "no_match"


@dataclass
class HotIssues:
    table: pd.DataFrame     # every candidate, ranked
    top: pd.DataFrame       # the first `top` rows
    method: str             # Chinese method text for the appendix
    weights: tuple[float, float, float]
    reason: str = ""        # why there is none: NO_ANSWERS | NO_MATCH ('' when there are)


def _weights(hot: dict) -> tuple[float, float, float]:
    w = np.array([float(hot.get("weight_indicator", 0.4)), float(hot.get("weight_satisfaction", 0.3)),
                  float(hot.get("weight_concern", 0.3))])
    w = np.clip(w, 0, None)
    w = w / w.sum() if w.sum() > 0 else np.array([1 / 3] * 3)
    return tuple(float(x) for x in w)


def method_text(config, terms: dict | None = None) -> str:
    from ..terms import splice, default_terms

    hot = config.hot
    wi, ws, wc = _weights(hot)
    template = splice(hot.get("method", ""), terms or default_terms())
    return template.format(wi=f"{wi:.0%}", ws=f"{ws:.0%}", wc=f"{wc:.0%}", top=int(hot.get("top", 5)))


def _minmax(x: np.ndarray) -> np.ndarray:
    x = np.nan_to_num(x.astype(float), nan=0.0)
    lo, hi = x.min(initial=0.0), x.max(initial=0.0)
    if len(x) == 0 or math.isclose(hi, lo):
        return np.zeros_like(x)
    return (x - lo) / (hi - lo) * 100.0


_MEMO: dict[tuple[int, int], tuple] = {}   # (id(scores), id(survey)) -> (scores, survey, HotIssues)


def hot_issues(scores, survey, concerns=None, config=None) -> HotIssues:
    """The hot issues of a build's scores and survey (computed once: the report, the
    survey chapter, the narratives' vocabulary and survey/hot_issues.csv all ask)."""
    if concerns is not None or config is not None:
        return _hot_issues(scores, survey, concerns, config)
    key = (id(scores), id(survey))
    hit = _MEMO.get(key)
    if hit is None or hit[0] is not scores or hit[1] is not survey:
        if len(_MEMO) >= 4:
            _MEMO.pop(next(iter(_MEMO)))
        hit = _MEMO[key] = (scores, survey, _hot_issues(scores, survey))
    return hit[2]


def _hot_issues(scores, survey, concerns=None, config=None) -> HotIssues:
    concerns = concerns if concerns is not None else survey.concerns
    cfg = config or concerns.config
    from ..wording import Wording, load_toml

    weak_item = Wording({"weak_indicator": cfg.hot.get("weak_indicator")
                         or load_toml("concerns.toml")["hot_issues"]["weak_indicator"]}, "concerns.toml")
    top_n = int(cfg.hot.get("top", 5))
    weights = _weights(cfg.hot)
    table = scores.table
    qt = survey.question_table
    dim_sat = survey.dimension_scores
    themes = concerns.themes.set_index("theme")
    rows = []
    for th in cfg.themes:
        if not th.dimension or th.name not in themes.index:
            continue
        t = themes.loc[th.name]
        if float(t["concern"]) <= 0:
            continue      # nobody raised it: not a hot issue, whatever the indicators say
        inds = table[table["dimension"] == th.dimension]
        own = inds[inds["code"].isin(th.codes)]
        if len(own):
            inds = own
        rated = inds[inds["rating"].isin([GOOD, WARN, SHORT])]
        n_rated = len(rated)
        n_short = int((rated["rating"] == SHORT).sum())
        n_warn = int((rated["rating"] == WARN).sum())
        mean_score = float(rated["score"].mean()) if n_rated else math.nan
        if n_rated:
            ind_in = 0.5 * (n_short + 0.5 * n_warn) / n_rated + 0.5 * (100 - mean_score) / 100
        else:
            ind_in = 0.0
        weak = rated[rated["rating"].isin([SHORT, WARN])].sort_values("score", kind="stable")
        qs = qt[(qt["dimension"] == th.dimension)]
        if th.patterns and len(qs):
            qs = qs[th.matches(qs["text"]).to_numpy()]
        qs = qs[qs["score"].notna()]
        if len(qs):
            worst = qs.loc[qs["score"].astype(float).idxmin()]
            sat, basis = float(worst["score"]), str(worst["qid"])
        else:
            sat, basis = dim_sat.get(th.dimension), th.dimension
            sat = math.nan if sat is None else float(sat)
        sat_in = 0.0 if math.isnan(sat) else (100 - sat) / 100
        rows.append({"problem": th.name, "dimension": th.dimension, "indicator_input": ind_in,
                     "satisfaction_input": sat_in, "concern_input": float(t["concern"]), "short": n_short,
                     "warning": n_warn, "rated": n_rated, "indicator_score": mean_score,
                     "weak_indicators": ";".join(weak_item.say("weak_indicator", code=r.code, name=r.name,
                                                               rating=r.rating) for r in weak.itertuples()),
                     "satisfaction": sat, "satisfaction_basis": basis, "mentions": int(t["mentions"]),
                     "share": float(t["share"]), "choices": int(t["choices"]), "choice_share": float(t["choice_share"])})
    df = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("rank", "heat")])
    if len(df):
        norm = np.vstack([_minmax(df[c].to_numpy()) for c in
                          ("indicator_input", "satisfaction_input", "concern_input")])
        df["heat"] = np.asarray(weights) @ norm
        df["_order"] = range(len(df))
        df = df.sort_values(["heat", "concern_input", "_order"], ascending=[False, False, True],
                            kind="stable").drop(columns="_order").reset_index(drop=True)
    else:
        df["heat"] = []
    df.insert(0, "rank", range(1, len(df) + 1))
    df = df[COLUMNS]
    reason = ""
    if not len(df):
        raised = (concerns.answers > 0 or sum(concerns.choice_respondents.values()) > 0)
        reason = NO_MATCH if raised else NO_ANSWERS
    return HotIssues(df, df.head(top_n).reset_index(drop=True), method_text(cfg, project_terms(survey.project)),
                     weights, reason)


def _escape(s: str) -> str:
    return re.escape(s)
