"""What the provincial team's narratives (province folder narratives/*.md) may cite.

The same sandbox as a city's narratives (reportkit.narrative), with a provincial
vocabulary:

    {{ province }} {{ year }}
    {{ counts.cities }} {{ counts.built }} {{ counts.failed }} {{ counts.shared }}
    {{ counts.specific }} {{ counts.common }} {{ counts.ranked }}
    {{ common_problems }}                       names of the common problems, joined
    {{ failed_cities }}                         names of the cities not summarised, joined
    {{ indicator('CQ-01') }}                    the provincial median with unit; attributes
        .name .unit .standard .median .min .max .cities .good .warning .short .share_short
        .best .worst (city names)
    {{ city('广州市') }}                         its overall score; .score .rank .group .satisfaction
        .completeness .status
    {{ dimension('住房') }}                      the median of the cities' scores; .median .best .worst
    {{ figure('key') }} {{ table('key') }}      numbers of the report's figures and tables
    filters num(decimals), pct, wan

Front matter: `section: province` puts the text in the opening chapter; `problems`,
`ranking`, `regions`, `survey`, `tracking` put it at the head of those chapters; a
narrative without a section is a chapter of its own before the annexes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ...errors import Problems, error
from ...narrative import REF_CLOSE, REF_OPEN, View
from ...vocab import GOOD, SHORT, WARN

SECTIONS = {"province", "indicators", "problems", "ranking", "regions", "survey", "tracking"}


def _nan(x) -> bool:
    try:
        return x is None or x != x
    except TypeError:
        return True


class CountsView(View):
    _allowed = frozenset({"cities", "built", "failed", "shared", "specific", "common", "ranked"})

    def __init__(self, r):
        self.cities = str(len(r.cities))
        self.built = str(len(r.built))
        self.failed = str(len(r.failed))
        self.shared = str(len(r.shared))
        self.specific = str(len(r.specific))
        self.common = str(int(r.common["common"].sum()))
        self.ranked = str(int(r.coverage["rankable"].sum()))


class IndicatorView(View):
    _allowed = frozenset({"code", "name", "unit", "standard", "median", "min", "max", "cities", "good", "warning",
                          "short", "share_short", "best", "worst"})

    def __init__(self, s, fmt, common_row, join):
        self._s, self._fmt = s, fmt
        self.code, self.name, self.unit = s.code, s.name, s.unit
        d = s.decimals
        self.standard = fmt.num(s.standard, d)
        self.median = fmt.num(s.stat(_median), d)
        self.min = fmt.num(s.stat(min), d)
        self.max = fmt.num(s.stat(max), d)
        self.cities = str(len(s.cities))
        self.good, self.warning, self.short = (str(s.count(x)) for x in (GOOD, WARN, SHORT))
        self.share_short = fmt.pct(common_row["share_short"]) if common_row is not None else fmt.dash
        have = [(c, v) for c, v in s.attainment.items() if not _nan(v)]
        self.best = max(have, key=lambda x: x[1])[0] if have else fmt.dash
        self.worst = min(have, key=lambda x: x[1])[0] if have else fmt.dash

    def __str__(self):
        return self._fmt.with_unit(self._s.stat(_median), self._s.unit)


def _median(vals):
    import numpy as np

    return float(np.median(vals))


class CityView(View):
    _allowed = frozenset({"name", "score", "rank", "group", "satisfaction", "completeness", "status"})

    def __init__(self, name, r, fmt, labels):
        self.name = name
        cov = r.coverage[r.coverage["city"] == name].iloc[0]
        ov = r.overall[r.overall["city"] == name]
        self.group = cov["group"]
        self.status = labels["status_ok"] if cov["status"] == "ok" else labels["status_failed"]
        self.completeness = fmt.pct(cov["completeness"]) if not _nan(cov["completeness"]) else fmt.dash
        self.score = fmt.score(ov["score"].iloc[0]) if len(ov) else fmt.dash
        rank = ov["rank_in_group"].iloc[0] if len(ov) else None
        self.rank = fmt.dash if rank is None or pd.isna(rank) else str(int(rank))
        sat = r.satisfaction[r.satisfaction["city"] == name] if len(r.satisfaction) else []
        self.satisfaction = fmt.score(sat["overall"].iloc[0]) if len(sat) else fmt.dash

    def __str__(self):
        return self.score


class DimensionView(View):
    _allowed = frozenset({"name", "median", "best", "worst"})

    def __init__(self, name, r, fmt):
        sub = r.dimensions[(r.dimensions["dimension"] == name)].dropna(subset=["score"])
        self.name = name
        self.median = fmt.score(float(sub["score"].median())) if len(sub) else fmt.dash
        self.best = sub.loc[sub["score"].idxmax(), "city"] if len(sub) else fmt.dash
        self.worst = sub.loc[sub["score"].idxmin(), "city"] if len(sub) else fmt.dash

    def __str__(self):
        return self.median


@dataclass
class ProvinceNarrativeContext:
    """Duck-types reportkit.narrative.NarrativeContext for render_expressions()."""

    result: object
    fmt: object
    labels: dict
    joiner: str
    problems: Problems = field(default_factory=Problems)
    current: object = None
    template: object = None
    refs: list = field(default_factory=list)     # (kind, key, Source) of every figure()/table() cited

    def problem(self, message: str, level=error) -> None:
        src = self.current.source(None) if self.current else None
        self.problems.add(level(src, message))

    def _say(self, key, **kw):
        from ...load.province import say

        return say(key, self.result.province.root, **kw)

    def indicator(self, code):
        for s in self.result.shared:
            if s.code == code:
                common = self.result.common[self.result.common["code"] == code]
                return IndicatorView(s, self.fmt, common.iloc[0] if len(common) else None, self.joiner)
        self.problem(self._say("narr_unknown_indicator", code=code))
        return unknown_placeholder()

    def city(self, name):
        if name not in {c.name for c in self.result.cities}:
            self.problem(self._say("narr_unknown_city", city=name))
            return unknown_placeholder()
        return CityView(name, self.result, self.fmt, self.labels)

    def dimension(self, name):
        if name not in self.result.dimension_names:
            self.problem(self._say("narr_unknown_dimension", name=name))
            return unknown_placeholder()
        return DimensionView(name, self.result, self.fmt)

    def _cite(self, kind: str, key) -> str:
        """A placeholder resolved once the document is numbered; ComposeContext.check_refs
        reports a key the summary does not have, naming the narrative."""
        key = str(key)
        self.refs.append((kind, key, self.current.source(None) if self.current else None))
        return f"{REF_OPEN}{kind}:{key}{REF_CLOSE}"

    def figure(self, key):
        return self._cite("fig", key)

    def table(self, key):
        return self._cite("tab", key)

    def globals(self) -> dict:
        r = self.result
        common = r.common[r.common["common"]]
        return {"province": r.province.name, "year": r.province.year,
                "counts": CountsView(r), "common_problems": self.joiner.join(common["name"]) or self.fmt.dash,
                "failed_cities": self.joiner.join(c.name for c in r.failed) or self.fmt.dash,
                "indicator": self.indicator, "city": self.city, "dimension": self.dimension,
                "figure": self.figure, "table": self.table}


def unknown_placeholder() -> str:
    """What a narrative shows for an unknown code, city or dimension (narrative.toml)."""
    from ...wording import load_toml

    return load_toml("narrative.toml")["placeholders"]["unknown"]
