"""Checks of the contract's v2 columns: formulas and aggregation of indicators,
sub-indicators' level and range, towns' filers and districts, project.toml
[intake].  Messages come from templates/intake.toml [validate]."""
from __future__ import annotations

import math

from .errors import Problems, error, warning


def check_parts(project, problems: Problems, usable) -> None:
    from .products.intake import town_term, wording
    from .products.intake.settings import intake_settings
    from .score.formula import FormulaError, parse, with_computed

    w = wording(project.root)
    t = project.tables
    intake_settings(project.settings, problems, w)
    subs = set()
    sub_parent = {}
    if usable("sub_indicators"):
        tab = t["sub_indicators"]
        df = tab.df
        subs = set(df["code"]) - {""}
        sub_parent = dict(zip(df["code"], df["indicator"]))
        codes = set(t["indicators"].df["code"]) if usable("indicators") else set()
        for idx, code in df["code"].items():
            if code and code in codes:
                problems.add(error(tab.source(idx, "code"), w.say("validate.sub_same_code", code=code), code,
                                   w.say("validate.sub_same_code_hint", code=code)))
        if "min" in df.columns and "max" in df.columns:
            for idx, (lo, hi) in enumerate(zip(df["min"], df["max"])):
                try:
                    if lo != "" and hi != "" and float(lo) > float(hi):
                        problems.add(error(tab.source(idx, "min"), w.get("validate.min_max"), f"{lo} > {hi}"))
                except ValueError:
                    pass   # reported as not a number
    if usable("indicators"):
        tab = t["indicators"]
        df = tab.df
        if "formula" in df.columns:
            for idx, (code, text) in enumerate(zip(df["code"], df["formula"])):
                if not str(text).strip():
                    continue
                try:
                    f = parse(text, subs)
                except FormulaError as exc:
                    key = {"unknown": "formula_unknown", "too_long": "formula_too_long",
                           "empty": "formula_empty"}.get(exc.kind, "formula_syntax")
                    hint = w.get("validate.formula_unknown_hint") if exc.kind == "unknown" \
                        else w.get("validate.formula_syntax_hint")
                    problems.add(error(tab.source(idx, "formula"), w.say(f"validate.{key}", detail=exc.detail),
                                       text, hint))
                    continue
                del f
    if usable("areas"):
        tab = t["areas"]
        df = tab.df
        depts = set(t["departments"].df["id"]) if usable("departments") else None
        districts = set(df.loc[df["kind"] == "district", "area"])
        if "filer" in df.columns and depts is not None:
            for idx, v in df["filer"].items():
                if v and v not in depts:
                    problems.add(error(tab.source(idx, "filer"), w.say("validate.unknown_filer", value=v), v,
                                       w.get("validate.unknown_filer_hint")))
        if "district" in df.columns:
            for idx, v in df["district"].items():
                if v and v not in districts:
                    problems.add(error(tab.source(idx, "district"), w.say("validate.unknown_district", value=v), v))
        if "population" in df.columns:
            for idx, v in df["population"].items():
                try:
                    if v and float(v) < 0:
                        problems.add(error(tab.source(idx, "population"), w.get("validate.negative_population"), v))
                except ValueError:
                    pass
    if problems.errors or not (usable("indicators") and usable("areas") and usable("values")):
        return
    computed = with_computed(project)
    tab = t["indicators"]
    term = town_term(project, w)
    for n in computed.notes:
        if n.kind == "zero_division":
            problems.add(warning(tab.source(n.row, "formula"),
                                 w.say("validate.zero_division", area=n.area, year=n.year, code=n.code),
                                 hint=w.get("validate.zero_division_hint")))
        elif n.kind == "town_sum":
            diff = abs(n.value - n.expected) / (abs(n.expected) or 1.0) * 100
            problems.add(warning(tab.source(n.row, "aggregate"),
                                 w.say("validate.town_sum", year=n.year, total=_short(n.value),
                                       city_value=_short(n.expected), diff=f"{diff:.1f}", town_term=term),
                                 n.code, w.say("validate.town_sum_hint", town_term=term)))


def _short(v: float) -> str:
    if math.isnan(v):
        return ""
    return f"{v:.6g}" if abs(v) < 1e6 else f"{v:.0f}"
