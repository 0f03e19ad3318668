"""Who files the indicator data: departments, district governments, towns.

Derived from the contract, never assumed: an indicator decomposed into
sub-indicators is filed by each sub-indicator's `department` (`level` city) or,
for `level` town, by every town's `filer` from data/areas (else the
sub-indicator's department); an indicator without sub-indicators is filed by its
lead department, its town values by the towns' filers; a value whose `source`
names a department (id or name) was filed by that department.
"""
from __future__ import annotations

import pandas as pd


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df.columns else pd.Series("", index=df.index, dtype=object)


def filer_ids(project) -> list[str]:
    """Every department id that files something, in data/departments order."""
    known = list(project.departments["id"])
    names = {n: i for i, n in zip(project.departments["id"], project.departments["name"])}
    areas = project.areas
    towns = areas[areas["kind"] == "town"]
    town_filer = {a: f for a, f in zip(towns["area"], _col(towns, "filer")) if f}
    found: set[str] = set()
    subs = project.sub_indicators
    decomposed: set[str] = set()
    if subs is not None and len(subs):
        level = _col(subs, "level")
        for parent, dept, lvl in zip(subs["indicator"], subs["department"], level):
            decomposed.add(parent)
            if lvl == "town":
                for t in towns["area"]:
                    found.add(town_filer.get(t) or dept)
            else:
                found.add(dept)
    vals = project.values
    town_codes = set(vals.loc[vals["area"].isin(set(towns["area"])) & vals["value"].notna(), "code"])
    for code, lead in zip(project.indicators["code"], project.indicators["lead"]):
        if code in decomposed:
            continue
        if lead:
            found.add(lead)
        if code in town_codes:
            found.update(town_filer.values())
    for src in _col(project.df("values"), "source"):
        if src in names:
            found.add(names[src])
        elif src in known:
            found.add(src)
    return [d for d in known if d in found]


def filer_kinds(project) -> list[tuple[int, str]]:
    """(how many, department kind) per kind of filer, kinds in data/departments order."""
    ids = set(filer_ids(project))
    d = project.departments
    kinds = _col(d, "kind")
    order = list(dict.fromkeys(kinds))
    return [(int(((kinds == k) & d["id"].isin(ids)).sum()), k) for k in order
            if ((kinds == k) & d["id"].isin(ids)).any()]
