"""The provincial figures, computed from the built cities (data.CityData).

Rules (documented in the report's method appendix and docs/province.md):
- indicators are matched across cities by code.  A code is *shared* when two or more
  built cities have it; a city whose name or unit for a shared code differs from the
  majority is left out of that indicator's comparison (and named in a note);
- the provincial standard of an indicator is the `standard` most cities give it; an
  indicator without any standard is compared with the provincial median instead;
- the distribution chart places each city at its degree of meeting the provincial
  standard: 100 x value / standard for "+" indicators, 100 x (2 - value / standard)
  for "-" ones (90 is the warning edge of the default 10 % band, for both directions);
- a *common problem* is an indicator rated 短板 (by the city's own rating) in at least
  half of the cities that could rate it (share_short = short / rated, rated >= 2);
- dimension scores are the cities' own; cities are ranked within their group (1 =
  highest score, ties share a rank); a city with more than 20 % of its indicators
  without data gets no rank.  Ranks are made from the scores as printed (one decimal),
  so equal printed scores share a rank.  A dimension score is a mean of indicator
  scores: its standard error sd / sqrt(n) gives how far apart two scores must be
  (two standard errors of the difference, 2 x sqrt(2) x the median standard error)
  before their ranks mean a real difference; ranks are grouped into tiers by that gap
  (`tiers`) and the report says ranks are indicative within a tier.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...config import ScoringSettings
from ...score.indicators import rate
from ...vocab import GOOD, NODATA, SHORT, TRACKING_STATUSES, WARN
from .data import CityData

MAX_MISSING = 0.20          # more than this share of indicators without data: no rank
COMMON_SHARE = 0.5          # rated 短板 in at least this share of the rating cities
RATED = (GOOD, WARN, SHORT)
SCORE_DECIMALS = 1          # Formatter.score


def _nan(x) -> bool:
    try:
        return x is None or x != x
    except TypeError:
        return True


@dataclass
class Shared:
    code: str
    name: str
    dimension: str
    unit: str
    direction: str
    standard: float            # provincial reference (standard, else the provincial median)
    reference_kind: str        # "standard" | "median"
    cities: list[str]          # built cities that have it (same name and unit)
    values: dict               # city -> value (NaN = no data)
    ratings: dict              # city -> the city's own rating
    province_ratings: dict     # city -> rating against the provincial reference
    attainment: dict           # city -> degree of meeting the reference (100 = met)
    key: bool = False
    left_out: list[str] = field(default_factory=list)     # cities with another name or unit
    standards_differ: bool = False
    decimals: int = 1

    def stat(self, fn):
        vals = [v for v in self.values.values() if not _nan(v)]
        return float(fn(vals)) if vals else math.nan

    @property
    def n(self) -> int:
        return sum(1 for v in self.values.values() if not _nan(v))

    def count(self, rating: str) -> int:
        return sum(1 for r in self.ratings.values() if r == rating)


@dataclass
class ProvinceResult:
    province: object
    cities: list[CityData]
    scores: pd.DataFrame          # every built city's scores.csv rows, with a city column
    coverage: pd.DataFrame
    shared: list[Shared]
    specific: pd.DataFrame        # indicators of one city only
    common: pd.DataFrame          # common_problems.csv (+ extras for the report)
    dimension_names: list[str]
    dimensions: pd.DataFrame      # city, group, dimension, score, rank_in_group, se, n
    overall: pd.DataFrame         # city, group, score, rank_in_group
    regions: pd.DataFrame         # region, dimension, score  (+ overall, short share, satisfaction)
    region_summary: pd.DataFrame
    satisfaction: pd.DataFrame
    survey_dimensions: list[str]
    follow_up: pd.DataFrame
    gap: float                    # two standard errors of a difference of two dimension scores (points)
    gap_overall: float = math.nan  # the same for the composite score

    @property
    def built(self) -> list[CityData]:
        return [c for c in self.cities if c.built]

    @property
    def failed(self) -> list[CityData]:
        return [c for c in self.cities if not c.built]


def _decimals(values) -> int:
    """As few decimals as the values need (the one number rule, reportkit/fmt.py)."""
    from ...fmt import Formatter

    return Formatter().decimals_needed(list(values), None, 2)


def _majority(items):
    c = Counter(items)
    return c.most_common(1)[0][0] if c else None


def _shared(built: list[CityData], band: float) -> tuple[list[Shared], pd.DataFrame]:
    rows = []
    for c in built:
        df = c.scores.copy()
        df.insert(0, "city", c.name)
        rows.append(df)
    long = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    shared, specific = [], []
    if long.empty:
        return shared, pd.DataFrame(columns=["code", "city", "name", "unit", "value", "rating"])
    order = list(dict.fromkeys(long["code"]))
    for code in order:
        sub = long[long["code"] == code]
        if sub["city"].nunique() < 2:
            specific.append(sub.iloc[0])
            continue
        name = _majority(sub["name"])
        unit = _majority(sub["unit"])
        keep = sub[(sub["name"] == name) & (sub["unit"] == unit)]
        left_out = sorted(set(sub["city"]) - set(keep["city"]), key=list(sub["city"]).index)
        stds = [s for s in keep["standard"] if not _nan(s)]
        direction = _majority(keep["direction"])
        values = dict(zip(keep["city"], keep["value"].astype(float)))
        if stds:
            standard, kind = float(_majority(stds)), "standard"
        else:
            vals = [v for v in values.values() if not _nan(v)]
            standard, kind = (float(np.median(vals)) if vals else math.nan), "median"
        prov = {c: rate(v, standard, direction, band) for c, v in values.items()}
        att = {}
        for c, v in values.items():
            if _nan(v) or _nan(standard) or standard == 0:
                att[c] = math.nan
            else:
                att[c] = 100 * v / standard if direction == "+" else 100 * (2 - v / standard)
        shared.append(Shared(code, name, _majority(keep["dimension"]), unit, direction, standard, kind,
                             list(keep["city"]), values, dict(zip(keep["city"], keep["rating"])), prov, att,
                             bool(keep["key"].mean() >= 0.5) if "key" in keep else False, left_out,
                             len(set(stds)) > 1, _decimals(list(values.values()) + [standard])))
    spec = pd.DataFrame(specific)
    if len(spec):
        spec = spec[["code", "city", "name", "unit", "value", "rating"]].reset_index(drop=True)
    else:
        spec = pd.DataFrame(columns=["code", "city", "name", "unit", "value", "rating"])
    return shared, spec


def _common(shared: list[Shared]) -> pd.DataFrame:
    rows = []
    for s in shared:
        rated = sum(1 for r in s.ratings.values() if r in RATED)
        short = s.count(SHORT)
        rows.append({"code": s.code, "name": s.name, "cities": len(s.cities), "short": short,
                     "warning": s.count(WARN), "share_short": (short / rated) if rated else math.nan,
                     "rated": rated, "dimension": s.dimension,
                     "common": rated >= 2 and short / rated >= COMMON_SHARE if rated else False,
                     "short_cities": [c for c in s.cities if s.ratings.get(c) == SHORT]})
    df = pd.DataFrame(rows, columns=["code", "name", "cities", "short", "warning", "share_short", "rated",
                                     "dimension", "common", "short_cities"])
    return df.sort_values(["share_short", "short"], ascending=False, kind="stable").reset_index(drop=True)


def _coverage(province, cities: list[CityData]) -> pd.DataFrame:
    rows = []
    for c in cities:
        row = {"city": c.name, "group": c.entry.group, "regions": list(c.entry.regions), "status": c.status,
               "message": c.message, "indicators": 0, "with_data": 0, "completeness": math.nan,
               "missing_share": math.nan, "rankable": False, "valid": None, "collected": None}
        if c.built:
            n = len(c.scores)
            nodata = int((c.scores["rating"] == NODATA).sum())
            row.update(indicators=n, with_data=n - nodata, completeness=(n - nodata) / n if n else math.nan,
                       missing_share=nodata / n if n else math.nan, rankable=n > 0 and nodata / n <= MAX_MISSING)
            if c.survey:
                row.update(valid=int(c.survey.get("valid") or 0), collected=int(c.survey.get("collected") or 0))
        rows.append(row)
    return pd.DataFrame(rows)


def shown_score(x) -> float:
    """A score as the report prints it (one decimal, 四舍五入): ranks and tiers are made
    from the printed scores, so equal printed scores share a rank."""
    from ...fmt import round_text

    return math.nan if _nan(x) else float(round_text(float(x), SCORE_DECIMALS, sep=False))


def _rank(df: pd.DataFrame, by: list[str]) -> pd.Series:
    out = pd.Series(pd.NA, index=df.index, dtype="Int64")
    ok = df["rankable"] & df["score"].notna()
    if ok.any():
        sub = df[ok].assign(shown=df.loc[ok, "score"].map(shown_score))
        out[ok] = sub.groupby(by)["shown"].rank(ascending=False, method="min").astype("Int64")
    return out


def tiers(scores: dict, gap: float) -> dict:
    """city -> tier (1 = best) of the ranked cities of one group: a tier starts at its
    highest printed score and holds every city less than `gap` points below it (a
    smaller difference does not show a real difference), the next city starts the next
    tier.  Without a gap every city is its own tier."""
    order = sorted(scores, key=lambda c: -shown_score(scores[c]))
    gap = shown_score(gap)          # the gap as the report prints it
    out, tier, top = {}, 0, None
    for c in order:
        v = shown_score(scores[c])
        if top is None or _nan(gap) or top - v >= gap:
            tier, top = tier + 1, v
        out[c] = tier
    return out


def _dimensions(province, built: list[CityData], coverage: pd.DataFrame) -> tuple:
    names: list[str] = []
    for c in built:
        for d in c.dimensions["dimension"]:
            if d not in names:
                names.append(d)
    rankable = dict(zip(coverage["city"], coverage["rankable"]))
    rows, ses = [], []
    for c in built:
        sc = c.scores
        for d in names:
            hit = c.dimensions[c.dimensions["dimension"] == d]
            score = float(hit["score"].iloc[0]) if len(hit) else math.nan
            vals = sc.loc[sc["dimension"] == d, "score"].dropna().astype(float)
            se = float(vals.std(ddof=1) / math.sqrt(len(vals))) if len(vals) >= 2 else math.nan
            if not _nan(se):
                ses.append(se)
            rows.append({"city": c.name, "group": c.entry.group, "dimension": d, "score": score,
                         "rankable": rankable[c.name] and len(hit) > 0, "se": se, "n": len(vals)})
    dims = pd.DataFrame(rows, columns=["city", "group", "dimension", "score", "rankable", "se", "n"])
    dims["rank_in_group"] = _rank(dims, ["group", "dimension"]) if len(dims) else pd.Series(dtype="Int64")
    over = []
    for c in built:
        sub = dims[dims["city"] == c.name]["score"].dropna()
        over.append({"city": c.name, "group": c.entry.group, "score": float(sub.mean()) if len(sub) else math.nan,
                     "rankable": bool(rankable[c.name])})
    overall = pd.DataFrame(over, columns=["city", "group", "score", "rankable"])
    overall["rank_in_group"] = _rank(overall, ["group"]) if len(overall) else pd.Series(dtype="Int64")
    # two cities' scores differ really when the difference exceeds about two standard
    # errors of a difference: 2 x sqrt(2) x the typical standard error of one score
    gap = 2 * math.sqrt(2) * float(np.median(ses)) if ses else math.nan
    # the composite is the mean of the dimension scores: its standard error is
    # sqrt(sum se^2) / number of dimensions
    overall_ses = []
    for c in built:
        se = dims.loc[(dims["city"] == c.name) & dims["score"].notna(), "se"]
        if len(se) and se.notna().all():
            overall_ses.append(math.sqrt(float((se ** 2).sum())) / len(se))
    gap_overall = 2 * math.sqrt(2) * float(np.median(overall_ses)) if overall_ses else math.nan
    return names, dims, overall, gap, gap_overall


def _satisfaction(built: list[CityData]) -> tuple[pd.DataFrame, list[str]]:
    names: list[str] = []
    rows = []
    for c in built:
        s = c.survey or {}
        dims = s.get("dimensions") or {}
        for d in dims:
            if d not in names:
                names.append(d)
        rows.append({"city": c.name, "group": c.entry.group, "collected": s.get("collected"),
                     "valid": s.get("valid"), "overall": s.get("overall"), **{f"dim:{k}": v for k, v in dims.items()}})
    df = pd.DataFrame(rows)
    for d in names:
        if f"dim:{d}" not in df.columns:
            df[f"dim:{d}"] = None
    return df, names


def _follow_up(built: list[CityData], unreported: str) -> pd.DataFrame:
    rows = []
    for c in built:
        row = {"city": c.name, "recommendations": c.recommendations}
        reported = 0
        for s in TRACKING_STATUSES:
            row[s] = int(c.tracking.get(s, 0))
            reported += row[s]
        row[unreported] = max(0, c.recommendations - reported)
        rows.append(row)
    return pd.DataFrame(rows, columns=["city", "recommendations", *TRACKING_STATUSES, unreported])


def _regions(province, dims: pd.DataFrame, overall: pd.DataFrame, shared: list[Shared],
             satisfaction: pd.DataFrame, names: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, summary = [], []
    sat = dict(zip(satisfaction.get("city", []), satisfaction.get("overall", [])))
    for region, members in province.regions.items():
        sub = dims[dims["city"].isin(members)]
        for d in names:
            v = sub.loc[sub["dimension"] == d, "score"].dropna()
            rows.append({"region": region, "dimension": d, "score": float(v.mean()) if len(v) else math.nan})
        o = overall[overall["city"].isin(members)]["score"].dropna()
        ratings = [s.ratings[c] for s in shared for c in s.cities if c in members]
        rated = [r for r in ratings if r in RATED]
        sats = [float(sat[c]) for c in members if c in sat and not _nan(sat[c])]
        summary.append({"region": region, "cities": len(members),
                        "built": int(overall["city"].isin(members).sum()),
                        "score": float(o.mean()) if len(o) else math.nan,
                        "short_share": (sum(1 for r in rated if r == SHORT) / len(rated)) if rated else math.nan,
                        "satisfaction": float(np.mean(sats)) if sats else math.nan})
    return (pd.DataFrame(rows, columns=["region", "dimension", "score"]),
            pd.DataFrame(summary, columns=["region", "cities", "built", "score", "short_share", "satisfaction"]))


def analyse_province(province, cities: list[CityData], unreported: str) -> ProvinceResult:
    band = ScoringSettings().warning_band
    built = [c for c in cities if c.built]
    shared, specific = _shared(built, band)
    coverage = _coverage(province, cities)
    common = _common(shared)
    names, dims, overall, gap, gap_overall = _dimensions(province, built, coverage)
    satisfaction, sdims = _satisfaction(built)
    regions, region_summary = _regions(province, dims, overall, shared, satisfaction, names)
    scores = (pd.concat([c.scores.assign(city=c.name) for c in built], ignore_index=True)
              if built else pd.DataFrame())
    return ProvinceResult(province, cities, scores, coverage, shared, specific, common, names, dims, overall,
                          regions, region_summary, satisfaction, sdims, _follow_up(built, unreported), gap,
                          gap_overall)


# --- machine-readable outputs (contract: OUT/province/*.csv) ----------------------------
SCORES_COLUMNS = ["city", "code", "name", "dimension", "unit", "value", "reference", "reference_kind", "rating",
                  "score"]
DIMENSIONS_COLUMNS = ["city", "group", "dimension", "score", "rank_in_group"]
COMMON_COLUMNS = ["code", "name", "cities", "short", "warning", "share_short"]


def _cell(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v


def csv_outputs(result: ProvinceResult) -> dict[str, bytes]:
    from ...batch.store import csv_bytes

    def table(columns, df):
        return csv_bytes(columns, [{k: _cell(r[k]) for k in columns} for _, r in df.iterrows()])

    scores = result.scores if len(result.scores) else pd.DataFrame(columns=SCORES_COLUMNS)
    return {
        "province/scores.csv": table(SCORES_COLUMNS, scores),
        "province/dimensions.csv": table(DIMENSIONS_COLUMNS, result.dimensions),
        "province/common_problems.csv": table(COMMON_COLUMNS + ["rated"], result.common[result.common["common"]]),
    }
