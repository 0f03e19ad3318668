"""Who files what (contract v2, the filing loop).

Items are (code, area, year).  For the checkup year:
- a sub-indicator of level `city` (the default): the city, filed by its `department`;
- a sub-indicator of level `town`: every town, filed by the town's `filer`
  (data/areas), else by the sub-indicator's `department`; and the city as a
  whole, filed by the `department` (so that a formula can be computed for the
  city too and the towns can be checked against it);
- an indicator without a formula: the city, filed by its lead department; when
  its `aggregate` is `sum` or `mean` (town values make the city value) also every
  town, by the town's filer, else by the lead department.
Earlier years are added where data/values has the item's row with an empty
value (a gap still to be filled).  Indicators with a formula are never filed:
they are computed from their parts.

The template version is a hash of the project's indicator system as far as it
decides the workbooks (city, year, catalogue codes, names, units, formulas,
aggregation, lead departments, sub-indicators with their filer, level and range,
towns with their filers) — not of the values, so writing one filer's values
back does not make the other workbooks stale.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

import pandas as pd

from ...model import split_list
from ...score.formula import FormulaError, _codes_re, parse

FORMAT = "intake-1"   # layout of the workbook (hidden marker); bump when the layout changes


@dataclass(frozen=True)
class Item:
    code: str
    area: str
    year: int
    filer: str
    name: str
    unit: str
    kind: str                  # "sub" | "indicator"
    parent: str = ""           # the indicator a sub-indicator belongs to
    parent_name: str = ""
    basis: str = ""            # the parent's formula written with names (口径)
    min: float = math.nan
    max: float = math.nan
    previous: float = math.nan  # the value of year - 1, for reference

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.code, self.area, self.year)


@dataclass
class Plan:
    city: str
    year: int
    version: str
    filers: dict[str, list[Item]]          # filer id -> its items (filers with at least one)
    names: dict[str, str]                   # filer id -> name
    by_key: dict[tuple, Item] = field(default_factory=dict)

    def assigned(self, filer: str) -> set[tuple[str, str]]:
        return {(i.code, i.area) for i in self.filers.get(filer, [])}

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.filers.values())


def _num(text) -> float:
    try:
        v = float(str(text).strip())
    except ValueError:
        return math.nan
    return v if math.isfinite(v) else math.nan


def _col(df: pd.DataFrame, name: str) -> list[str]:
    return list(df[name]) if name in df.columns else [""] * len(df)


def basis_text(formula: str, names: dict[str, str], codes) -> str:
    """A formula with each code replaced by its name, and × ÷ for * /: 口径 for people."""
    if not str(formula).strip():
        return ""
    try:
        parse(formula, codes)
    except FormulaError:
        return str(formula)
    out = _codes_re(codes).sub(lambda m: names.get(m.group(0), m.group(0)), str(formula))
    return out.replace("*", "×").replace("/", "÷")


def system_version(project) -> str:
    st = project.settings
    ind = project.df("indicators")
    sub = project.sub_indicators if project.sub_indicators is not None else pd.DataFrame()
    areas = project.areas
    payload = {
        "format": FORMAT, "city": st.city, "year": st.year,
        "indicators": [list(r) for r in zip(ind["code"], ind["name"], ind["unit"], _col(ind, "formula"),
                                            _col(ind, "aggregate"), ind["departments"].map(
                                                lambda d: (split_list(d) or [""])[0]))],
        "subs": [list(r) for r in zip(*(_col(sub, c) for c in ("code", "indicator", "name", "unit", "department",
                                                               "level", "min", "max")))] if len(sub) else [],
        "towns": [list(r) for r in zip(areas.loc[areas["kind"] == "town", "area"],
                                       _col(areas[areas["kind"] == "town"], "filer"))],
    }
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


def make_plan(project) -> Plan:
    st = project.settings
    year = st.year
    city = project.city_area
    towns = project.towns
    areas = project.areas
    town_filer = {}
    if "filer" in areas.columns:
        town_filer = {a: f for a, f, k in zip(areas["area"], areas["filer"], areas["kind"]) if k == "town" and f}
    ind = project.indicators
    ind_raw = project.df("indicators")
    formulas = dict(zip(ind_raw["code"], _col(ind_raw, "formula")))
    aggs = dict(zip(ind_raw["code"], (a.strip().lower() for a in _col(ind_raw, "aggregate"))))
    ind_names = dict(zip(ind["code"], ind["name"]))
    sub = project.sub_indicators
    if sub is None:
        sub = pd.DataFrame(columns=["code", "indicator", "name", "unit", "department"])
    sub_codes = [c for c in sub["code"] if c]
    sub_names = dict(zip(sub["code"], sub["name"]))
    vals = project.values
    have = vals.dropna(subset=["value"])
    known = {(c, a, int(y)): float(v) for c, a, y, v in zip(have["code"], have["area"], have["year"], have["value"])
             if not pd.isna(y)}
    gaps: dict[tuple[str, str], list[int]] = {}
    empty = vals[vals["value"].isna() & vals["year"].notna()]
    for c, a, y in zip(empty["code"], empty["area"], empty["year"]):
        if int(y) < year:
            gaps.setdefault((c, a), []).append(int(y))

    rows: list[tuple] = []   # (order, Item)
    area_order = {city: 0, **{t: i + 1 for i, t in enumerate(towns)}}

    def add(order, code, area, filer, **kw):
        for y in [year] + sorted(set(gaps.get((code, area), [])), reverse=True):
            prev = known.get((code, area, y - 1), math.nan)
            rows.append(((order, area_order.get(area, 0), -y),
                         Item(code, area, y, filer, previous=prev, **kw)))

    subs_by_parent: dict[str, list] = {}
    for r in sub.itertuples(index=False):
        subs_by_parent.setdefault(r.indicator, []).append(r)
    for n, r in enumerate(ind.itertuples(index=False)):
        order = n * 1000
        formula = str(formulas.get(r.code, "") or "").strip()
        if not formula:
            kw = dict(name=r.name, unit=r.unit, kind="indicator")
            add(order, r.code, city, r.lead, **kw)
            if aggs.get(r.code) in ("sum", "mean"):
                for t in towns:
                    add(order, r.code, t, town_filer.get(t, r.lead), **kw)
        basis = basis_text(formula, sub_names, sub_codes)
        for m, s in enumerate(subs_by_parent.get(r.code, []), 1):
            level = str(getattr(s, "level", "") or "city").strip() or "city"
            kw = dict(name=s.name, unit=s.unit, kind="sub", parent=r.code, parent_name=r.name, basis=basis,
                      min=_num(getattr(s, "min", "")), max=_num(getattr(s, "max", "")))
            add(order + m, s.code, city, s.department, **kw)
            if level == "town":
                for t in towns:
                    add(order + m, s.code, t, town_filer.get(t, s.department), **kw)
    rows.sort(key=lambda x: x[0])
    filers: dict[str, list[Item]] = {}
    for _, item in rows:
        filers.setdefault(item.filer, []).append(item)
    dept_order = {d: i for i, d in enumerate(project.departments["id"])}
    ordered = dict(sorted(filers.items(), key=lambda kv: (dept_order.get(kv[0], len(dept_order)), kv[0])))
    names = {f: project.department_names.get(f, f) for f in ordered}
    plan = Plan(city, year, system_version(project), ordered, names)
    plan.by_key = {i.key: i for items in ordered.values() for i in items}
    return plan
