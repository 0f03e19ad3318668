"""Indicator ratings, 0-100 scores, trends, ranks and progress toward targets.

Rules (input contract):
- reference = target, else standard, else the median of the peers' values for
  the checkup year; rating 良好 / 预警 / 短板 with inclusive edges at the
  reference and at reference x (1 -/+ warning_band); 无数据 / 无参照.
- trend against the latest earlier year with a value; |relative change| <=
  flat_band is 持平.

Score (this project's choice, documented in the report's method appendix):
attainment a = 1 + (v - r)/|r| for "+" and 1 - (v - r)/|r| for "-" (|r| taken
as 1 when r = 0), b = warning_band:
    良好 -> 100;  预警 -> 60 + 40 (a - (1 - b)) / b;  短板 -> 60 clamp(a / (1 - b), 0, 1).
It is continuous, non-decreasing in the indicator's goodness, 100 exactly when
the reference is met and 60 at the warning edge.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model import Project
from ..vocab import (ACCELERATE, ACHIEVED, DETERIORATING, FLAT, GOOD, IMPROVED, LIMITED, NODATA,
                     NOREF, ON_TRACK, SHORT, WARN, WORSENED)

EPS = 1e-9


def _ge(a: float, b: float) -> bool:
    return a >= b or math.isclose(a, b, rel_tol=EPS, abs_tol=1e-12)


def _le(a: float, b: float) -> bool:
    return a <= b or math.isclose(a, b, rel_tol=EPS, abs_tol=1e-12)


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def choose_reference(target: float, standard: float, peer_values) -> tuple[float, str]:
    if not _nan(target):
        return float(target), "target"
    if not _nan(standard):
        return float(standard), "standard"
    peers = [float(v) for v in peer_values if not _nan(v)]
    if peers:
        return float(np.median(peers)), "peer_median"
    return math.nan, "none"


def rate(value: float, reference: float, direction: str, band: float = 0.10) -> str:
    if _nan(value):
        return NODATA
    if _nan(reference):
        return NOREF
    if direction == "+":
        if _ge(value, reference):
            return GOOD
        if _ge(value, reference * (1 - band)):
            return WARN
        return SHORT
    if _le(value, reference):
        return GOOD
    if _le(value, reference * (1 + band)):
        return WARN
    return SHORT


def attainment(value: float, reference: float, direction: str) -> float:
    scale = abs(reference) if reference != 0 else 1.0
    gap = (value - reference) / scale
    return 1 + gap if direction == "+" else 1 - gap


def indicator_score(value: float, reference: float, direction: str, band: float = 0.10) -> float:
    r = rate(value, reference, direction, band)
    if r in (NODATA, NOREF):
        return math.nan
    if r == GOOD:
        return 100.0
    a = attainment(value, reference, direction)
    if r == WARN:
        if band <= 0:
            return 60.0
        return float(min(100.0, max(60.0, 60 + 40 * (a - (1 - band)) / band)))
    lo = 1 - band
    return float(60 * min(1.0, max(0.0, a / lo if lo > 0 else 0.0)))


def trend(value: float, previous: float, direction: str, flat_band: float = 0.01) -> str:
    if _nan(value) or _nan(previous):
        return ""
    if previous == 0:
        change = 0.0 if value == 0 else math.copysign(math.inf, value)
    else:
        change = (value - previous) / abs(previous)
    if _le(abs(change), flat_band):
        return FLAT
    better = change > 0 if direction == "+" else change < 0
    return IMPROVED if better else WORSENED


def progress(base_year, base, year, value, target_year, target, direction) -> tuple[float, str]:
    """Statistics Canada / Open SDG progress measure.

    ratio = observed annual growth / growth needed (from the base year) to reach the
    target by target_year; compound growth when all values are positive, linear otherwise.
    """
    if any(_nan(x) for x in (base, value, target)) or target_year is None or _nan(base_year):
        return math.nan, ""
    def meets(x):
        return _ge(x, target) if direction == "+" else _le(x, target)

    if meets(value):
        return math.nan, ACHIEVED
    if meets(base):
        # the target was met in the base year and no longer is: the growth needed from
        # the base would point the wrong way, so the ratio would be meaningless
        return math.nan, DETERIORATING
    if year <= base_year or target_year <= base_year:
        return math.nan, ""
    if base > 0 and value > 0 and target > 0:
        observed = (value / base) ** (1 / (year - base_year)) - 1
        required = (target / base) ** (1 / (target_year - base_year)) - 1
    else:
        observed = (value - base) / (year - base_year)
        required = (target - base) / (target_year - base_year)
    if required == 0 or math.isclose(required, 0.0, abs_tol=1e-15):
        return math.nan, DETERIORATING if observed != 0 else LIMITED
    ratio = observed / required
    if ratio >= 0.95:
        label = ON_TRACK
    elif ratio >= 0.60:
        label = ACCELERATE
    elif ratio >= 0:
        label = LIMITED
    else:
        label = DETERIORATING
    return float(ratio), label


@dataclass(frozen=True)
class Scores:
    """Everything computed from indicator values, for one checkup year."""

    table: pd.DataFrame        # one row per indicator (contract columns + extras)
    dimensions: pd.DataFrame   # one row per dimension
    towns: pd.DataFrame        # code, area, value, rank, rank_of, city_value
    peers: pd.DataFrame        # code, area, value (checkup year, city and peers)
    history: pd.DataFrame      # code, year, value (city, every year)
    year: int
    city: str

    def row(self, code: str) -> pd.Series:
        return self.table.loc[self.table["code"] == code].iloc[0]

    def codes(self) -> list[str]:
        return self.table["code"].tolist()


SCORE_COLUMNS = ["code", "name", "dimension", "category", "unit", "direction", "value", "reference",
                 "reference_kind", "rating", "previous_year", "previous_value", "trend", "score", "rank",
                 "rank_of", "peer_median", "standard", "target", "target_year", "progress_ratio",
                 "progress", "key", "method", "departments", "source", "computed"]
DIMENSION_COLUMNS = ["dimension", "score", "indicators", GOOD, WARN, SHORT, NODATA, NOREF]


def _rank(values: pd.Series, direction: str) -> pd.Series:
    return values.rank(ascending=(direction == "-"), method="min")


def score_project(project: Project) -> Scores:
    st = project.settings.scoring
    year = project.settings.year
    city = project.city_area
    peers = set(project.peers)
    towns = set(project.towns)
    ind = project.indicators
    from .formula import with_computed

    vals = with_computed(project).values.dropna(subset=["value"])
    vals = vals[vals["code"].isin(set(ind["code"]))]   # sub-indicators' values are parts, not scored
    cur = vals[vals["year"] == year]
    computed_city = set(cur.loc[(cur["area"] == city) & cur["computed"], "code"])
    city_hist = vals[vals["area"] == city][["code", "year", "value"]].sort_values(["code", "year"])
    by_code_hist = {c: g for c, g in city_hist.groupby("code", sort=False)}
    cur_city = cur[cur["area"] == city].set_index("code")["value"]
    cur_peers = cur[cur["area"].isin(peers)]
    peer_lists = cur_peers.groupby("code")["value"].apply(list).to_dict()

    rows = []
    for r in ind.itertuples(index=False):
        code = r.code
        value = float(cur_city.get(code, math.nan))
        plist = peer_lists.get(code, [])
        ref, kind = choose_reference(r.target, r.standard, plist)
        rating = rate(value, ref, r.direction, st.warning_band)
        score = indicator_score(value, ref, r.direction, st.warning_band)
        hist = by_code_hist.get(code)
        prev_year, prev_value = math.nan, math.nan
        if hist is not None:
            earlier = hist[hist["year"] < year]
            if len(earlier):
                prev_year = int(earlier["year"].iloc[-1])
                prev_value = float(earlier["value"].iloc[-1])
        tr = trend(value, prev_value, r.direction, st.flat_band)
        # rank among the city and its peers
        rank, rank_of = math.nan, 0
        if not _nan(value):
            pool = [v for v in plist if not _nan(v)] + [value]
            rank_of = len(pool)
            better = sum(1 for v in pool if (v > value if r.direction == "+" else v < value))
            rank = better + 1
        target_year = getattr(r, "target_year", "") if hasattr(r, "target_year") else ""
        try:
            ty = int(target_year) if str(target_year).strip() else st.target_year
        except ValueError:
            ty = st.target_year
        pr, plabel = math.nan, ""
        if not _nan(r.target) and hist is not None and len(hist):
            base_year = int(hist["year"].iloc[0])
            base = float(hist["value"].iloc[0])
            pr, plabel = progress(base_year, base, year, value, ty, float(r.target), r.direction)
        rows.append({
            "code": code, "name": r.name, "dimension": r.dimension, "category": r.category,
            "unit": r.unit, "direction": r.direction, "value": value, "reference": ref,
            "reference_kind": kind, "rating": rating,
            "previous_year": prev_year, "previous_value": prev_value, "trend": tr,
            "score": round(score, 2) if not _nan(score) else math.nan,
            "rank": rank, "rank_of": rank_of,
            "peer_median": float(np.median(plist)) if plist else math.nan,
            "standard": r.standard, "target": r.target, "target_year": ty if not _nan(r.target) else math.nan,
            "progress_ratio": pr, "progress": plabel, "key": bool(r.key), "method": r.method,
            "departments": r.departments, "source": r.source, "computed": code in computed_city,
        })
    table = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    for col in ("previous_year", "rank", "target_year"):
        table[col] = table[col].astype("Int64")

    dims = []
    for d in project.dimensions:
        sub = table[table["dimension"] == d]
        counts = sub["rating"].value_counts()
        s = sub["score"].dropna()
        dims.append({"dimension": d, "score": round(float(s.mean()), 2) if len(s) else math.nan,
                     "indicators": len(sub),
                     **{k: int(counts.get(k, 0)) for k in (GOOD, WARN, SHORT, NODATA, NOREF)}})
    dimensions = pd.DataFrame(dims, columns=DIMENSION_COLUMNS)

    dirs = dict(zip(ind["code"], ind["direction"]))
    tv = cur[cur["area"].isin(towns)][["code", "area", "value", "computed"]].copy()
    parts = []
    for code, g in tv.groupby("code", sort=False):
        g = g.copy()
        g["rank"] = _rank(g["value"], dirs[code]).astype(int)
        g["rank_of"] = len(g)
        g["city_value"] = float(cur_city.get(code, math.nan))
        parts.append(g.sort_values(["rank", "area"]))
    town_table = (pd.concat(parts, ignore_index=True) if parts
                  else pd.DataFrame(columns=["code", "area", "value", "rank", "rank_of", "city_value", "computed"]))
    town_table = town_table[["code", "area", "value", "rank", "rank_of", "city_value", "computed"]]
    order = {c: i for i, c in enumerate(ind["code"])}
    if len(town_table):
        town_table = town_table.sort_values(["code", "rank", "area"], key=lambda s: s.map(order) if s.name == "code" else s,
                                            kind="stable").reset_index(drop=True)
    peer_table = cur[cur["area"].isin(peers | {city})][["code", "area", "value"]].reset_index(drop=True)
    return Scores(table, dimensions, town_table, peer_table, city_hist.reset_index(drop=True), year, city)
