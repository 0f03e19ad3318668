"""What the assessment reads out of the yearly checkups (pure computations).

Indicators and dimensions are matched across years by code and by name.

- `history`: one row per indicator and year (code, year, name, dimension, unit,
  direction, value, rating, score, reference, reference_kind), the checkup of that
  year's own figures.
- `definition_changes`: an indicator whose name, unit or direction differs from the
  year before (and the years an indicator entered or left the catalogue).
- `overall_trend(code)`: the change from the first to the last year with a value
  among the years whose unit and direction are the latest year's; |relative change|
  within flat_band is 持平 (the report's trend rule applied over the whole period).
- `targets`: progress toward each planning target of the latest catalogue, by the
  score stage's progress measure, from the first comparable year of the assessment
  to the latest, against the indicator's target_year.
- `transitions`: for each pair of consecutive checkups, what became of the earlier
  one's problems and recommendations (reportkit.analyse.years).
- `persisting`: indicators rated 短板/预警 in three or more consecutive checkups;
  `long_recommendations`: recommendations kept (same id) three or more years running.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ...analyse.years import PROBLEM_RATINGS, RESOLVED, compare_years, problem_runs
from ...score.indicators import progress, trend
from ...vocab import GOOD, NODATA, NOREF, RATINGS, SHORT, TRACKING_STATUSES, WARN

HISTORY_COLUMNS = ["code", "year", "value", "rating", "score", "name", "dimension", "unit", "direction",
                   "reference", "reference_kind"]
DIMENSION_COLUMNS = ["dimension", "year", "score", "indicators", GOOD, WARN, SHORT, NODATA, NOREF, "satisfaction"]


def _nan(x) -> bool:
    try:
        return x is None or x != x or str(x) == "<NA>"
    except TypeError:
        return True


@dataclass
class Assessment:
    years: list            # YearCheckup, oldest first
    flat_band: float = 0.01
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def first(self) -> int:
        return self.years[0].year

    @property
    def last(self) -> int:
        return self.years[-1].year

    @property
    def year_list(self) -> list[int]:
        return [y.year for y in self.years]

    @property
    def latest(self):
        return self.years[-1]

    # -- indicators -------------------------------------------------------------------
    @cached_property
    def history(self) -> pd.DataFrame:
        parts = []
        for y in self.years:
            t = y.scores.table
            parts.append(pd.DataFrame({
                "code": t["code"], "year": y.year, "value": t["value"], "rating": t["rating"], "score": t["score"],
                "name": t["name"], "dimension": t["dimension"], "unit": t["unit"], "direction": t["direction"],
                "reference": t["reference"], "reference_kind": t["reference_kind"]}))
        return pd.concat(parts, ignore_index=True)[HISTORY_COLUMNS]

    @cached_property
    def codes(self) -> list[str]:
        """The latest catalogue's codes in its order, then codes only earlier years had."""
        out = list(self.latest.scores.table["code"])
        for y in reversed(self.years[:-1]):
            out += [c for c in y.scores.table["code"] if c not in out]
        return out

    @cached_property
    def _by_code(self) -> dict:
        return {c: g.set_index("year") for c, g in self.history.groupby("code", sort=False)}

    def row(self, code: str, year: int):
        g = self._by_code.get(code)
        if g is None or year not in g.index:
            return None
        return g.loc[year]

    def comparable_years(self, code: str) -> list[int]:
        """Years whose unit and direction of `code` are those of its latest year."""
        g = self._by_code.get(code)
        if g is None:
            return []
        last = g.iloc[-1]
        return [int(y) for y, r in g.iterrows() if r["unit"] == last["unit"] and r["direction"] == last["direction"]]

    def overall_trend(self, code: str) -> tuple[str, float, float, int | None, int | None]:
        """(trend, first value, last value, first year, last year) over the comparable years."""
        g = self._by_code.get(code)
        years = [y for y in self.comparable_years(code) if not _nan(g.loc[y, "value"])]
        if len(years) < 2:
            return "", math.nan, math.nan, None, None
        a, b = float(g.loc[years[0], "value"]), float(g.loc[years[-1], "value"])
        return trend(b, a, g.loc[years[-1], "direction"], self.flat_band), a, b, years[0], years[-1]

    @cached_property
    def definition_changes(self) -> pd.DataFrame:
        """code, name (latest), kind (name|unit|direction|added|removed), before, after, year
        (the first year of the new definition, or of the change in the catalogue)."""
        rows = []
        years = self.year_list
        for code in self.codes:
            g = self._by_code[code]
            present = [y for y in years if y in g.index]
            name = g.iloc[-1]["name"]
            if present[0] != years[0]:
                rows.append({"code": code, "name": name, "kind": "added", "before": "", "after": "",
                             "year": present[0]})
            if present[-1] != years[-1]:
                after = next(y for y in years if y > present[-1])
                rows.append({"code": code, "name": name, "kind": "removed", "before": "", "after": "", "year": after})
            for a, b in zip(present, present[1:]):
                for kind in ("name", "unit", "direction"):
                    if str(g.loc[a, kind]) != str(g.loc[b, kind]):
                        rows.append({"code": code, "name": name, "kind": kind, "before": g.loc[a, kind],
                                     "after": g.loc[b, kind], "year": b})
        return pd.DataFrame(rows, columns=["code", "name", "kind", "before", "after", "year"])

    def changed_codes(self) -> set[str]:
        d = self.definition_changes
        return set(d.loc[d["kind"].isin(["name", "unit", "direction"]), "code"])

    # -- dimensions and survey ----------------------------------------------------------
    @cached_property
    def dimensions(self) -> list[str]:
        out = list(self.latest.project.dimensions)
        for y in reversed(self.years[:-1]):
            out += [d for d in y.project.dimensions if d not in out]
        return out

    @cached_property
    def dimension_table(self) -> pd.DataFrame:
        rows = []
        for y in self.years:
            d = y.scores.dimensions.set_index("dimension")
            sat = (y.survey or {}).get("dimensions", {})
            for name in self.dimensions:
                if name not in d.index:
                    continue
                r = d.loc[name]
                rows.append({"dimension": name, "year": y.year, "score": r["score"], "indicators": int(r["indicators"]),
                             **{k: int(r[k]) for k in RATINGS}, "satisfaction": sat.get(name, math.nan)})
        return pd.DataFrame(rows, columns=DIMENSION_COLUMNS)

    def dimension_score(self, name: str, year: int) -> float:
        t = self.dimension_table
        hit = t[(t["dimension"] == name) & (t["year"] == year)]
        return math.nan if hit.empty else float(hit["score"].iloc[0])

    def overall_score(self, year: int) -> float:
        """The mean of the year's dimension scores (each dimension counts once)."""
        t = self.dimension_table
        s = t.loc[t["year"] == year, "score"].dropna()
        return float(s.mean()) if len(s) else math.nan

    def survey(self, year: int) -> dict | None:
        return next((y.survey for y in self.years if y.year == year), None)

    # -- targets ------------------------------------------------------------------------
    @cached_property
    def targets(self) -> pd.DataFrame:
        """code, name, unit, direction, base_year, base, value, target, target_year, ratio, label."""
        t = self.latest.scores.table
        rows = []
        for r in t.itertuples(index=False):
            if _nan(r.target):
                continue
            g = self._by_code[r.code]
            years = [y for y in self.comparable_years(r.code) if not _nan(g.loc[y, "value"])]
            base_year = years[0] if years else None
            base = float(g.loc[base_year, "value"]) if base_year is not None else math.nan
            ty = None if _nan(r.target_year) else int(r.target_year)
            ratio, label = progress(base_year if base_year is not None else math.nan, base, self.last, r.value, ty,
                                    float(r.target), r.direction)
            rows.append({"code": r.code, "name": r.name, "unit": r.unit, "direction": r.direction,
                         "base_year": base_year, "base": base, "value": r.value, "target": float(r.target),
                         "target_year": ty, "ratio": ratio, "label": label})
        return pd.DataFrame(rows, columns=["code", "name", "unit", "direction", "base_year", "base", "value",
                                           "target", "target_year", "ratio", "label"])

    # -- problems and recommendations across years ---------------------------------------
    @cached_property
    def transitions(self) -> list:
        """YearComparison of each consecutive pair (earlier, later)."""
        return [compare_years(a.project, a.scores, b.project, b.scores) for a, b in zip(self.years, self.years[1:])]

    @cached_property
    def persisting(self) -> pd.DataFrame:
        return problem_runs({y.year: y.scores.table for y in self.years}, min_years=3)

    def problem_count(self, year: int) -> int:
        y = next(x for x in self.years if x.year == year)
        return int(y.scores.table["rating"].isin(PROBLEM_RATINGS).sum())

    @cached_property
    def long_recommendations(self) -> pd.DataFrame:
        """Recommendations kept three or more consecutive checkups: id, problem (latest
        wording), first, last, years, ongoing, status (latest tracking status, "" = none)."""
        years = self.year_list
        present: dict[str, list[int]] = {}
        text: dict[str, str] = {}
        status: dict[str, str] = {}
        for y in self.years:
            tr = y.project.tracking
            st = dict(zip(tr["id"], tr["status"])) if tr is not None and len(tr) else {}
            for rid, problem in zip(y.project.recommendations["id"], y.project.recommendations["problem"]):
                present.setdefault(rid, []).append(y.year)
                text[rid] = problem
                status[rid] = st.get(rid, "")
        rows = []
        for rid, ys in present.items():
            best, run = [], []
            for y in years:
                if y in ys:
                    run.append(y)
                    if len(run) > len(best):
                        best = list(run)
                else:
                    run = []
            if len(best) >= 3:
                rows.append({"id": rid, "problem": text[rid], "first": best[0], "last": best[-1], "years": len(best),
                             "ongoing": best[-1] == years[-1], "status": status[rid]})
        out = pd.DataFrame(rows, columns=["id", "problem", "first", "last", "years", "ongoing", "status"])
        return out.sort_values(["years", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)

    def resolution_rows(self) -> list[dict]:
        """One row per consecutive pair: counts of each status, the resolution rate, and
        the recommendations' continuation and implementation."""
        out = []
        for c in self.transitions:
            counts = c.counts()
            recs = c.recommendations
            done = int((recs["status"] == TRACKING_STATUSES[0]).sum()) if len(recs) else 0
            out.append({"prev_year": c.prev_year, "year": c.year, "problems": len(c.problems), **counts,
                        "rate": c.resolution_rate, "recs": len(recs), "continued": c.continued,
                        "recs_dropped": c.dropped,
                        "done": done, "done_rate": done / len(recs) if len(recs) else math.nan,
                        "resolved_codes": tuple(c.problems.loc[c.problems["status"] == RESOLVED, "code"])})
        return out
