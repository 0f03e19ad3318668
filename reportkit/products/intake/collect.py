"""`intake collect`: every check of the contract over the returned workbooks.

Errors (the value is refused): not a number; outside min/max; a percentage above
100 or a count below 0; an item the filer is not assigned; a workbook of another
project or an older template; an edited code, area or year cell (and files that
cannot be read safely).  Warnings (需核实): a change from last year beyond
[intake] jump; a likely unit slip (x100, x10,000 against last year); a value
identical to last year; town values of a `sum` indicator that do not add up to
the city value (beyond 1 %).  A warning on a row whose 备注 is filled counts as
explained: it is listed, but does not keep the filer from 已通过.

Two returns of one filer: the one whose workbook was saved last (its own
dcterms:modified, then the file name) counts; the other is reported.  A filed
value that differs from one already in data/values is a conflict: listed, never
written.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...vocab import FILED, H_AREA, H_CODE, H_VALUE, H_YEAR, INTAKE_SHEET, NOT_FILED, PASSED, RETURNED
from ...workbook import NUMBER_TEXT, cell_text
from .layout import WORKBOOK_SUFFIXES
from .plan import FORMAT, Item, Plan
from .read import Return, read_return
from .template import bounds, number_text

ERROR, WARNING = "error", "warning"
PROBLEM_COLUMNS = ["file", "sheet", "cell", "value", "level", "rule", "message", "filer", "code", "area", "year",
                   "hint"]
COLLECTED_COLUMNS = ["code", "area", "year", "value", "filer", "file", "cell"]
STATUS_COLUMNS = ["filer", "items", "filled", "errors", "warnings", "status", "name", "file"]
SLIP_FACTORS = ((100.0, "factor_100"), (10000.0, "factor_10000"), (0.01, "factor_001"), (0.0001, "factor_00001"))
SLIP_TOLERANCE = 0.35       # |log10(ratio) - log10(factor)|: within a factor of about 2.2


@dataclass(frozen=True)
class Finding:
    file: str
    sheet: str
    cell: str
    value: str
    level: str
    rule: str
    message: str
    filer: str = ""
    code: str = ""
    area: str = ""
    year: str = ""
    hint: str = ""
    explained: bool = False

    def as_row(self) -> dict:
        return {c: getattr(self, c) for c in PROBLEM_COLUMNS}


@dataclass(frozen=True)
class Accepted:
    code: str
    area: str
    year: int
    value: float
    filer: str
    file: str
    cell: str
    source: str
    note: str


@dataclass
class Collected:
    plan: Plan
    returns: list[Return]
    counted: dict[str, Return]                 # filer -> the return that counts
    findings: list[Finding]
    accepted: list[Accepted]                   # values without errors (conflicts excluded)
    conflicts: list[Accepted] = field(default_factory=list)
    unchanged: list[Accepted] = field(default_factory=list)   # equal to the value already there

    def findings_of(self, filer: str) -> list[Finding]:
        return [f for f in self.findings if f.filer == filer]

    def status_rows(self) -> list[dict]:
        rows = []
        for filer, items in self.plan.filers.items():
            mine = self.findings_of(filer)
            errors = sum(1 for f in mine if f.level == ERROR)
            warnings = sum(1 for f in mine if f.level == WARNING and f.rule != "superseded")
            open_warnings = sum(1 for f in mine if f.level == WARNING and f.rule != "superseded" and not f.explained)
            ret = self.counted.get(filer)
            # only usable values count as filled: a conflict is refused like any other error
            filled = len({(a.code, a.area, a.year) for a in self.accepted + self.unchanged if a.filer == filer})
            if ret is None:
                status = RETURNED if errors else NOT_FILED
            elif errors:
                status = RETURNED
            elif filled >= len(items) and not open_warnings:
                status = PASSED
            else:
                status = FILED
            rows.append({"filer": filer, "items": len(items), "filled": filled, "errors": errors,
                         "warnings": warnings, "status": status, "name": self.plan.names.get(filer, filer),
                         "file": ret.display if ret is not None else ""})
        return rows

    def tables(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        collected = pd.DataFrame([{"code": a.code, "area": a.area, "year": a.year, "value": a.value,
                                   "filer": a.filer, "file": a.file, "cell": a.cell}
                                  for a in self.accepted + self.unchanged], columns=COLLECTED_COLUMNS)
        problems = pd.DataFrame([f.as_row() for f in self.findings], columns=PROBLEM_COLUMNS)
        status = pd.DataFrame(self.status_rows(), columns=STATUS_COLUMNS)
        return collected, problems, status


def _number(raw) -> tuple[float | None, bool]:
    """(value, ok): a cell as a number; (None, True) when empty; (None, False) when not a number."""
    if raw is None:
        return None, True
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, (int, float)):
        v = float(raw)
        return (v, True) if math.isfinite(v) else (None, False)
    if hasattr(raw, "year"):   # a date or time
        return None, False
    text = str(raw).strip()
    if not text:
        return None, True
    if NUMBER_TEXT.match(text):
        v = float(text)
        return (v, True) if math.isfinite(v) else (None, False)
    return None, False


def _slip_factor(v: float, p: float, w) -> str:
    """"100 倍" … when v is about 100x, 10,000x, 1/100 or 1/10,000 of p, else ""."""
    if p == 0 or v == 0 or (v > 0) != (p > 0):
        return ""
    ratio = math.log10(v / p)
    for factor, key in SLIP_FACTORS:
        if abs(ratio - math.log10(factor)) < SLIP_TOLERANCE:
            return w.get(f"problems.{key}")
    return ""


def _same(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


class _Checker:
    def __init__(self, project, plan: Plan, settings, w, term: str):
        self.project, self.plan, self.settings, self.w, self.term = project, plan, settings, w, term
        self.checks = w.get("checks")
        self.findings: list[Finding] = []

    def add(self, ret: Return | None, display: str, cell: str, cell_value, level: str, rule: str, key: str,
            hint_key: str | None = None, who: str = "", item: Item | None = None, explained: bool = False,
            sheet: str | None = None, **values) -> None:
        w = self.w
        msg = w.say(f"problems.{key}", town_term=self.term, **values)
        if explained:
            msg += w.get("problems.explained")
        hint = w.say(f"problems.{hint_key}", town_term=self.term, **values) if hint_key else ""
        self.findings.append(Finding(
            display, ret.sheet if sheet is None and ret is not None else (sheet or ""), cell,
            "" if cell_value is None else cell_text(cell_value), level, rule, msg, who,
            item.code if item else values.get("code", ""), item.area if item else values.get("area", ""),
            str(item.year) if item else str(values.get("year", "")), hint, explained))

    # -- the whole file ------------------------------------------------------------------
    def file_problems(self, ret: Return) -> bool:
        """False when the file's rows cannot be used at all."""
        w, st = self.w, self.project.settings
        if ret.refusal is not None:
            kind, detail = ret.refusal
            key = kind if kind in w.get("unreadable") else "damaged"
            hint = f"unreadable.{key}_hint" if f"{key}_hint" in w.get("unreadable") else "unreadable.hint"
            self.findings.append(Finding(ret.display, "", "", "", ERROR, "unreadable",
                                         w.say(f"unreadable.{key}", detail=detail), "", hint=w.get(hint)))
            return False
        m = ret.marker
        if not m.get("filer"):
            self.add(ret, ret.display, "", None, ERROR, "foreign", "foreign_unmarked", "foreign_hint", sheet="")
            return False
        where = f"{ret.display}"
        if m.get("city") != st.city or m.get("year") != str(st.year):
            self.findings.append(Finding(
                where, META_SHEET_NAME, "B4", f"{m.get('city', '')} {m.get('year', '')}", ERROR, "foreign",
                w.say("problems.foreign_with_detail", foreign=w.say("problems.foreign", city=st.city, year=st.year),
                      detail=w.say("problems.foreign_detail", their_city=m.get("city", ""), their_year=m.get("year", ""))),
                "", hint=w.get("problems.foreign_hint")))
            return False
        filer = m["filer"]
        if filer not in self.plan.filers:
            self.findings.append(Finding(where, META_SHEET_NAME, "B3", filer, ERROR, "foreign",
                                         w.say("problems.unknown_filer", filer=filer), "",
                                         hint=w.get("problems.foreign_hint")))
            return False
        if m.get("format") != FORMAT:
            self.findings.append(Finding(where, META_SHEET_NAME, "B1", m.get("format", ""), ERROR, "stale",
                                         w.say("problems.format", theirs=m.get("format", ""), ours=FORMAT), filer,
                                         hint=w.get("problems.stale_hint")))
            return False
        if m.get("version") != self.plan.version:
            self.findings.append(Finding(where, META_SHEET_NAME, "B2", m.get("version", ""), ERROR, "stale",
                                         w.say("problems.stale", theirs=m.get("version", ""),
                                               ours=self.plan.version), filer, hint=w.get("problems.stale_hint")))
            return False
        if not ret.sheet:
            sheet = m.get("sheet") or INTAKE_SHEET
            self.findings.append(Finding(where, "", "", "", ERROR, "no_form",
                                         w.say("problems.no_form", sheet=sheet,
                                               sheets=w.get("list_sep").join(ret.sheets) or "—"), filer,
                                         hint=w.say("problems.no_form_hint", sheet=sheet)))
            return False
        if ret.missing_header:
            self.findings.append(Finding(where, ret.sheet, "A1", "", ERROR, "edited",
                                         w.say("problems.header", sheet=ret.sheet,
                                               missing=w.get("list_sep").join(ret.missing_header)), filer,
                                         hint=w.get("problems.edited_hint")))
            return False
        if ret.too_many:
            self.findings.append(Finding(where, ret.sheet, "", "", ERROR, "too_many_rows",
                                         w.say("problems.too_many_rows", sheet=ret.sheet, limit=ret.too_many,
                                               items=len(self.plan.filers[filer])), filer,
                                         hint=w.get("problems.too_many_rows_hint")))
            return False
        return True

    # -- one row -----------------------------------------------------------------------------
    def row(self, ret: Return, row, existing: dict) -> Accepted | None:
        filer = ret.filer
        c = ret.columns
        cells = {"code": f"{c[H_CODE]}{row.row}", "area": f"{c[H_AREA]}{row.row}", "year": f"{c[H_YEAR]}{row.row}",
                 "value": f"{c[H_VALUE]}{row.row}"}
        code, area = cell_text(row.code), cell_text(row.area)
        year_text = cell_text(row.year)
        if row.expected is None:
            value, _ = _number(row.value)
            if row.value is None and not row.source and not row.note:
                return None
            try:
                year = int(float(year_text))
            except ValueError:
                year = 0
            if (code, area) in self.plan.assigned(filer) and (code, area, year) in self.plan.by_key:
                self.add(ret, ret.display, cells["code"], code, ERROR, "edited", "added_row", "not_assigned_hint",
                         filer, row=row.row, code=code, area=area, year=year_text)
            else:
                self.add(ret, ret.display, cells["code"], code, ERROR, "not_assigned", "not_assigned",
                         "not_assigned_hint", filer, row=row.row, code=code, area=area, year=year_text,
                         filer=self.plan.names.get(filer, filer))
            return None
        exp_code, exp_area, exp_year = row.expected
        what = self.w.get("problems.edited_what")
        for key, got, want in (("code", code, exp_code), ("area", area, exp_area), ("year", year_text, str(exp_year))):
            if got != want:
                self.add(ret, ret.display, cells[key], got, ERROR, "edited", "edited", "edited_hint", filer,
                         what=what[key], expected=want, value=got, code=exp_code, area=exp_area, year=exp_year)
                return None
        item = self.plan.by_key.get((exp_code, exp_area, int(exp_year)))
        if item is None or item.filer != filer:
            self.add(ret, ret.display, cells["code"], code, ERROR, "not_assigned", "not_assigned",
                     "not_assigned_hint", filer, row=row.row, code=code, area=area, year=year_text,
                     filer=self.plan.names.get(filer, filer))
            return None
        value, ok = _number(row.value)
        names = dict(code=item.code, name=item.name, area=item.area, year=item.year, unit=item.unit)
        raw = cell_text(row.value) if not isinstance(row.value, float) else number_text(row.value)
        if not ok:
            hint = "not_number_hint"
            self.add(ret, ret.display, cells["value"], raw, ERROR, "not_number", "not_number",
                     # full-width digits get their own hint
                     "full_width_hint" if any(0xFF10 <= ord(ch) <= 0xFF19 for ch in raw) else hint, filer, item, value=raw,
                     **{k: v for k, v in names.items() if k != "code"}, code=item.code)
            return None
        if value is None:
            return None
        shown = number_text(value)
        unit = item.unit.strip()
        if unit in self.checks["percent_units"] and value > 100:
            self.add(ret, ret.display, cells["value"], shown, ERROR, "impossible", "percent_high", "percent_hint",
                     filer, item, value=shown, **names)
            return None
        if unit in self.checks["count_units"] and value < 0:
            self.add(ret, ret.display, cells["value"], shown, ERROR, "impossible", "count_negative", "count_hint",
                     filer, item, value=shown, **names)
            return None
        lo, hi = item.min, item.max
        if (not math.isnan(lo) and value < lo) or (not math.isnan(hi) and value > hi):
            from .template import range_text

            self.add(ret, ret.display, cells["value"], shown, ERROR, "out_of_range", "out_of_range",
                     "out_of_range_hint", filer, item, value=shown, range=range_text(*bounds(item, self.checks),
                                                                                     self.w), **names)
            return None
        acc = Accepted(item.code, item.area, item.year, value, filer, ret.display, cells["value"], row.source,
                       row.note)
        self.year_on_year(ret, acc, item, names, bool(row.note))
        return acc

    def year_on_year(self, ret: Return, acc: Accepted, item: Item, names: dict, explained: bool) -> None:
        p, v = item.previous, acc.value
        if math.isnan(p):
            return
        shown, prev = number_text(v), number_text(p)
        common = dict(value=shown, prev=prev, **names)
        if _same(v, p):
            self.add(ret, ret.display, acc.cell, shown, WARNING, "same_as_last_year", "same", "same_hint",
                     acc.filer, item, explained, **common)
            return
        if p != 0 and v != 0 and (v > 0) == (p > 0):
            ratio = math.log10(v / p)
            for factor, key in SLIP_FACTORS:
                if abs(ratio - math.log10(factor)) < SLIP_TOLERANCE:
                    self.add(ret, ret.display, acc.cell, shown, WARNING, "unit_slip", "unit_slip", "unit_slip_hint",
                             acc.filer, item, explained, factor=self.w.get(f"problems.{key}"), **common)
                    return
        if p == 0:
            return
        change = (v - p) / abs(p)
        if abs(change) > self.settings.jump:
            self.add(ret, ret.display, acc.cell, shown, WARNING, "jump", "jump", "jump_hint", acc.filer, item,
                     explained, direction=self.w.get("problems.jump_up" if change > 0 else "problems.jump_down"),
                     change=f"{abs(change) * 100:.1f}", jump=number_text(round(self.settings.jump * 100, 6)),
                     **common)


META_SHEET_NAME = "reportkit"


def collect(project, paths: list[Path], displays: list[str] | None = None, settings=None, w=None,
            cache: dict | None = None, used: dict | None = None) -> Collected:
    """Read and check every returned workbook; nothing is written.  `cache` maps a file's
    key (read.file_key) to what an earlier run read from it (read.dump_return); entries
    for files read now are added to it, and `used` gets the entry of every file of this
    run (the command writes them through the Writer)."""
    from .read import dump_return, file_key, load_return

    from . import town_term, wording
    from .plan import make_plan
    from .settings import intake_settings

    w = w or wording(project.root)
    settings = settings or intake_settings(project.settings)
    plan = make_plan(project)
    term = town_term(project, w)
    checker = _Checker(project, plan, settings, w, term)
    displays = displays or [str(p) for p in paths]
    returns: list[Return] = []
    usable: list[Return] = []
    for path, display in zip(paths, displays):
        suffix = path.suffix.lower()
        if suffix == ".csv":
            checker.findings.append(Finding(display, "", "", "", ERROR, "unreadable", w.get("unreadable.csv"),
                                            hint=w.get("unreadable.text_hint")))
            continue
        if suffix not in WORKBOOK_SUFFIXES:
            checker.findings.append(Finding(display, "", "", "", WARNING, "unreadable",
                                            w.say("unreadable.other", suffix=suffix or display)))
            continue
        ret = None
        key = None
        if cache is not None and path.is_file() and not path.is_symlink():
            key = file_key(path)
            if key in cache:
                ret = load_return(cache[key], path, display)
        if ret is None:
            ret = read_return(path, display)
            if key is not None:
                cache[key] = dump_return(ret)
        if key is not None and used is not None:
            used[key] = cache[key]
        returns.append(ret)
        if checker.file_problems(ret):
            usable.append(ret)

    # the newest return of each filer counts
    by_filer: dict[str, list[Return]] = {}
    for ret in usable:
        by_filer.setdefault(ret.filer, []).append(ret)
    counted: dict[str, Return] = {}
    for filer, group in by_filer.items():
        group.sort(key=lambda r: (r.stamp, r.display))
        counted[filer] = group[-1]
        for old in group[:-1]:
            checker.findings.append(Finding(
                old.display, "", "", "", WARNING, "superseded",
                w.say("problems.superseded", filer=plan.names.get(filer, filer), newer=group[-1].display,
                      newer_stamp=group[-1].stamp or "—", stamp=old.stamp or "—"),
                filer, hint=w.get("problems.superseded_hint")))
    # an unusable return (stale, form missing …) of a filer whose newer return is usable: superseded
    stamps = {r.display: r.stamp for r in returns}
    kept = []
    for f in checker.findings:
        good = counted.get(f.filer)
        if f.filer and good is not None and f.file != good.display and f.rule != "superseded" \
                and (stamps.get(f.file, ""), f.file) < (good.stamp, good.display):
            kept.append(Finding(f.file, "", "", "", WARNING, "superseded",
                                w.say("problems.superseded", filer=plan.names.get(f.filer, f.filer),
                                      newer=good.display, newer_stamp=good.stamp or "—",
                                      stamp=stamps.get(f.file) or "—"),
                                f.filer, hint=w.get("problems.superseded_hint")))
        else:
            kept.append(f)
    checker.findings = list(dict.fromkeys(kept))

    vals = project.values
    have = vals.dropna(subset=["value"])
    existing = {(c, a, int(y)): float(v) for c, a, y, v in zip(have["code"], have["area"], have["year"], have["value"])
                if not pd.isna(y)}
    accepted: list[Accepted] = []
    conflicts: list[Accepted] = []
    unchanged: list[Accepted] = []
    for filer in plan.filers:
        ret = counted.get(filer)
        if ret is None:
            continue
        for row in ret.rows:
            acc = checker.row(ret, row, existing)
            if acc is None:
                continue
            old = existing.get((acc.code, acc.area, acc.year))
            if old is None:
                accepted.append(acc)
            elif _same(old, acc.value):
                unchanged.append(acc)
            else:
                conflicts.append(acc)
                item = plan.by_key[(acc.code, acc.area, acc.year)]
                checker.add(ret, acc.file, acc.cell, number_text(acc.value), ERROR, "conflict", "conflict",
                            "conflict_hint", filer, item, code=acc.code, name=item.name, area=acc.area,
                            year=acc.year, unit=item.unit, value=number_text(acc.value), existing=number_text(old),
                            factor=_slip_factor(acc.value, old, w))
    _town_sums(project, plan, checker, accepted + unchanged, counted)
    _sub_town_sums(project, plan, checker, accepted + unchanged, counted)
    # a refused value is not also "to confirm": one cell, one statement
    refused = {(f.file, f.cell) for f in checker.findings if f.level == ERROR and f.cell}
    checker.findings = [f for f in checker.findings
                        if not (f.level == WARNING and f.cell and (f.file, f.cell) in refused)]
    order = {f: i for i, f in enumerate(plan.filers)}
    checker.findings.sort(key=lambda f: (order.get(f.filer, len(order)), f.file, f.level != ERROR,
                                         _cell_order(f.cell)))
    return Collected(plan, returns, counted, checker.findings, accepted, conflicts, unchanged)


def _cell_order(cell: str) -> tuple:
    import re

    m = re.match(r"([A-Z]+)(\d+)$", cell or "")
    return (int(m.group(2)), m.group(1)) if m else (0, cell or "")


def merged_values(project, accepted: list[Accepted]) -> pd.DataFrame:
    """data/values with the accepted values filled in (as floats), for checks and scoring."""
    vals = project.values[["code", "area", "year", "value"]].copy()
    if accepted:
        add = pd.DataFrame([{"code": a.code, "area": a.area, "year": a.year, "value": a.value} for a in accepted])
        add["year"] = add["year"].astype("Int64")
        keys = set(zip(add["code"], add["area"], add["year"].astype(int)))
        drop = [(c, a, int(y)) in keys if not pd.isna(y) else False
                for c, a, y in zip(vals["code"], vals["area"], vals["year"])]
        vals = pd.concat([vals[[not d for d in drop]], add], ignore_index=True)
    return vals


def _town_sums(project, plan: Plan, checker: _Checker, accepted: list[Accepted], counted) -> None:
    """A `sum` indicator whose towns (filed or computed) do not add up to its city value."""
    from ...score.formula import compute

    towns = project.towns
    if not towns or not accepted:
        return
    ind = project.df("indicators")
    if "aggregate" not in ind.columns:
        return
    sums = [c for c, a in zip(ind["code"], ind["aggregate"]) if a.strip().lower() == "sum"]
    if not sums:
        return
    result = compute(project, merged_values(project, accepted))
    cells = {(a.code, a.area, a.year): a for a in accepted}
    forms = result.formulas
    names = dict(zip(ind["code"], ind["name"]))
    units = dict(zip(ind["code"], ind["unit"]))
    for note in result.notes:
        if note.kind != "town_sum" or note.code not in sums:
            continue
        parts = forms[note.code].operands if note.code in forms else (note.code,)
        hit = None
        for area in [project.city_area] + list(towns):
            for code in parts:
                hit = cells.get((code, area, note.year))
                if hit is not None:
                    break
            if hit is not None:
                break
        if hit is None:
            continue
        ret = counted.get(hit.filer)
        diff = abs(note.value - note.expected) / (abs(note.expected) or 1.0) * 100
        checker.add(ret, hit.file, hit.cell, number_text(hit.value), WARNING, "town_sum", "town_sum",
                    "town_sum_hint", hit.filer, None, code=note.code, name=names.get(note.code, ""),
                    area=note.area, year=note.year, unit=units.get(note.code, ""),
                    total=number_text(round(note.value, 6)), city_value=number_text(round(note.expected, 6)),
                    diff=f"{diff:.1f}")


def additive(unit: str, aggregate: str, checks: dict) -> bool:
    """Whether town values of a sub-indicator add up to the city's: its `aggregate`
    (sum / mean / none) when given, else by unit: rates, shares, speeds, prices and
    ratios (a unit with "/", a percentage, [checks] not_additive_units) do not."""
    agg = (aggregate or "").strip().lower()
    if agg:
        return agg == "sum"
    unit = (unit or "").strip()
    return bool(unit) and "/" not in unit and unit not in checks["percent_units"] \
        and unit not in checks.get("not_additive_units", [])


TOWN_SUM_TOLERANCE = 0.01


def _decimals(v: float) -> int:
    text = number_text(v)
    return min(4, len(text.split(".")[1])) if "." in text else 0


def _sub_town_sums(project, plan: Plan, checker: _Checker, accepted: list[Accepted], counted) -> None:
    """A sub-indicator of level `town` filed for every town and for the city: the
    towns must add up to the city's value within 1 % (when its unit is additive).
    Values already in data/values count too; the warning is named at the city's
    cell when filed in this round, else at the first town's."""
    towns = list(project.towns or [])
    sub = project.df("sub_indicators")
    if not towns or not accepted or not len(sub) or "level" not in sub.columns:
        return
    city = project.city_area
    have = project.values.dropna(subset=["value"])
    values = {(c, a, int(y)): float(v) for c, a, y, v in zip(have["code"], have["area"], have["year"], have["value"])
              if not pd.isna(y)}
    cells = {}
    for a in accepted:
        values[(a.code, a.area, a.year)] = a.value
        cells[(a.code, a.area, a.year)] = a
    aggs = sub["aggregate"] if "aggregate" in sub.columns else [""] * len(sub)
    years = sorted({a.year for a in accepted})
    for code, name, unit, level, agg in zip(sub["code"], sub["name"], sub["unit"], sub["level"], aggs):
        if str(level).strip() != "town" or not additive(str(unit), str(agg), checker.checks):
            continue
        for year in years:
            whole = values.get((code, city, year))
            parts = [values.get((code, t, year)) for t in towns]
            if whole is None or any(p is None for p in parts) or whole == 0:
                continue
            total = sum(parts)
            diff = (total - whole) / abs(whole)
            if abs(diff) <= TOWN_SUM_TOLERANCE + 1e-12:
                continue
            hit = cells.get((code, city, year))
            if hit is None:      # the city's value was not filed (or was refused) in this round
                continue
            digits = max(_decimals(v) for v in parts + [whole])
            checker.add(counted.get(hit.filer), hit.file, hit.cell, number_text(hit.value), WARNING, "town_sum",
                        "town_sum", "town_sum_hint", hit.filer, plan.by_key.get((code, hit.area, year)),
                        code=code, name=name, area=hit.area, year=year, unit=unit,
                        total=number_text(round(total, digits)), city_value=number_text(whole),
                        diff=f"{diff * 100:+.1f}")


def values_after_write(project, col: Collected) -> pd.DataFrame:
    """data/values as it will be written: its own rows and columns, the accepted values
    filled into empty rows of the same key or appended, source = the filer, note = 备注."""
    t = project.table("values")
    df = t.df.copy()
    for c in ("note", "source"):
        if c not in df.columns:
            df[c] = ""
    pos = {(c, a, y): i for i, (c, a, y) in enumerate(zip(df["code"], df["area"], df["year"]))}
    new = []
    for a in col.accepted:
        key = (a.code, a.area, str(a.year))
        text = str(int(a.value)) if float(a.value).is_integer() else repr(float(a.value))
        if key in pos:
            i = pos[key]
            df.iat[i, df.columns.get_loc("value")] = text
            df.iat[i, df.columns.get_loc("source")] = a.filer
            if a.note:
                df.iat[i, df.columns.get_loc("note")] = a.note
        else:
            row = {c: "" for c in df.columns}
            row.update({"code": a.code, "area": a.area, "year": str(a.year), "value": text, "source": a.filer,
                        "note": a.note})
            new.append(row)
    if new:
        df = pd.concat([df, pd.DataFrame(new, columns=df.columns)], ignore_index=True)
    return df
