"""Towns against the city, by the indicator's nature (contract v2 `aggregate`).

- A `sum` indicator (counts, areas, totals: the towns' values add up to the city's)
  is never compared with the city total or the city-wide target.  A town is shown
  with its share of the city total and, where data/areas gives `population`
  (10,000 persons), per capita against the city per capita; towns are ranked per
  capita then, else by their totals.
- Other indicators compare the town's value with the city's value, and rate it
  against the reference with the ONE rating rule of reportkit.score.indicators and
  the project's warning_band.

`aggregate` comes from data/indicators; where the column is absent or empty, an
indicator whose town values add up to the city value (within 2%, city above every
town) is taken as `sum`, so that the old failure (a town's 20 亩 against the city's
11,850 and its target 10,000) cannot come back on a project without the column.
"""
from __future__ import annotations

import math

import pandas as pd

SUM, MEAN, NONE = "sum", "mean", "none"
BETTER, WORSE, SAME = 1, -1, 0
EPS = 1e-9


def is_missing(x) -> bool:
    """None, NaN or pandas' NA (a cell without a value)."""
    try:
        return x is None or x != x or str(x) == "<NA>"
    except TypeError:
        return True


_nan = is_missing


def aggregates(project, scores) -> dict[str, str]:
    ind = project.indicators
    given = dict(zip(ind["code"], ind["aggregate"].astype(str).str.strip().str.lower())) \
        if "aggregate" in ind.columns else {}
    out = {}
    towns = scores.towns
    for code in ind["code"]:
        g = given.get(code, "")
        if g in (SUM, MEAN, NONE):
            out[code] = g
            continue
        tv = towns[towns["code"] == code]
        city = tv["city_value"].iloc[0] if len(tv) else math.nan
        vals = [float(v) for v in tv["value"] if not _nan(v)]
        total = sum(vals)
        inferred = (len(vals) >= 2 and not _nan(city) and min(vals) >= 0 and float(city) > max(vals)
                    and abs(total - float(city)) <= 0.02 * abs(float(city)))
        out[code] = SUM if inferred else NONE
    return out


def populations(project) -> dict[str, float]:
    a = project.areas
    if "population" not in a.columns:
        return {}
    pop = pd.to_numeric(a["population"], errors="coerce")
    return {area: float(p) for area, p in zip(a["area"], pop) if not _nan(p) and float(p) > 0}


def compare(value: float, city: float, direction: str) -> int | None:
    """BETTER / WORSE / SAME than the city by the indicator's direction (None without a city value)."""
    if _nan(value) or _nan(city):
        return None
    value, city = float(value), float(city)
    if math.isclose(value, city, rel_tol=EPS, abs_tol=1e-12):
        return SAME
    return BETTER if (value > city) == (direction == "+") else WORSE


def per_capita_table(project, scores, code: str, direction: str) -> pd.DataFrame | None:
    """Towns of a `sum` indicator per capita: area, value, population, per_capita, rank, of,
    city_per_capita (None when the city or no town has a population)."""
    pops = populations(project)
    tv = scores.towns[scores.towns["code"] == code]
    city_pop = pops.get(project.city_area)
    have = tv[tv["area"].isin(pops)]
    if not len(have) or not city_pop:
        return None
    df = have[["area", "value", "city_value"]].copy()
    df["population"] = df["area"].map(pops)
    df["per_capita"] = df["value"].astype(float) / df["population"]
    df["rank"] = df["per_capita"].rank(ascending=(direction == "-"), method="min").astype(int)
    df["of"] = len(df)
    df["city_per_capita"] = float(df["city_value"].iloc[0]) / city_pop
    return df.set_index("area")


def per_capita_decimals(fmt, pc: pd.DataFrame | None, direction: str) -> int:
    """One number of decimals for an indicator's per capita values (report and sheets
    alike): as few as they need (reportkit.fmt), raised until each town's per capita
    value prints on its side of the city's."""
    vals = list(pc["per_capita"]) if pc is not None else []
    city = float(pc["city_per_capita"].iloc[0]) if pc is not None else math.nan
    d = fmt.decimals_needed(vals + [city], small=2)
    return fmt.keep_comparisons(d, vals, city, None, direction)


_AGG_CACHE: dict = {}


def town_chart_terms(project, scores, code: str, direction: str, order: list[str], theme) -> dict:
    """What a towns chart needs to compare towns with the city the right way: whether the
    indicator is a total (`additive`), and then per capita values where populations are
    known, and the wording of better / worse (templates/theme.toml [labels.town_compare])."""
    key = (id(project), id(scores))
    agg = _AGG_CACHE.get(key)
    if agg is None:
        _AGG_CACHE.clear()
        agg = _AGG_CACHE[key] = aggregates(project, scores)
    out = {"additive": agg.get(code) == SUM,
           "compare_labels": dict(theme.data.get("labels", {}).get("town_compare", {}))}
    if out["additive"]:
        pc = per_capita_table(project, scores, code, direction)
        if pc is not None:
            out["per_capita"] = [None if a not in pc.index else float(pc.at[a, "per_capita"]) for a in order]
            out["city_per_capita"] = float(pc["city_per_capita"].iloc[0])
    return out
