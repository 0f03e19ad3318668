"""Every check of a loaded project against the input contract -> Problems.

Checks are declared per table (required columns, key, enumerations, numbers,
references) and run column-wise so that the 87,000-row survey stays fast.
Each problem names the file, the row as Excel shows it, the column and the
offending value, and says what to do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import Problems, Source, error, warning
from .load.encoded import column_codes
from .load.tables import Table, require_columns
from .messages import join, msg
from .model import Project, split_list
from .vocab import METHODS, TRACKING_STATUSES

NUMBER_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{4}/\d{1,2}/\d{1,2}$")
MAX_PER_CHECK = 50  # list at most this many rows per check, then summarise


@dataclass
class Schema:
    required: list[str]
    key: list[str] = field(default_factory=list)
    enums: dict[str, set[str]] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)       # may be empty
    nonempty: list[str] = field(default_factory=list)
    integers: list[str] = field(default_factory=list)


SCHEMAS: dict[str, Schema] = {
    "indicators": Schema(
        ["code", "name", "dimension", "category", "unit", "direction", "departments"],
        key=["code"],
        enums={"direction": {"+", "-"}, "key": {"", "0", "1"}, "method": {"", *METHODS},
               "aggregate": {"", "sum", "mean", "none"}},
        numbers=["standard", "target"],
        nonempty=["code", "name", "dimension", "category", "unit", "direction", "departments"]),
    "areas": Schema(["area", "kind"], key=["area"], enums={"kind": {"city", "town", "peer", "district"}},
                    numbers=["population"], nonempty=["area", "kind"]),
    "values": Schema(["code", "area", "year", "value"], key=["code", "area", "year"],
                     numbers=["value"], integers=["year"], nonempty=["code", "area", "year"]),
    "departments": Schema(["id", "name", "kind"], key=["id"], nonempty=["id", "name"]),
    "recommendations": Schema(
        ["id", "problem", "indicators", "result", "countermeasure", "action", "lead", "assist"],
        key=["id"], nonempty=["id", "problem", "result", "countermeasure", "action", "lead"]),
    "tracking": Schema(["id", "status", "note", "updated"], key=["id"],
                       enums={"status": set(TRACKING_STATUSES)}, nonempty=["id", "status"]),
    "sub_indicators": Schema(["code", "indicator", "name", "unit", "department"], key=["code"],
                             enums={"level": {"", "city", "town"}}, numbers=["min", "max"],
                             nonempty=["code", "indicator", "name", "department"]),
    "survey_questions": Schema(["qid", "text", "dimension", "kind"], key=["qid"],
                               enums={"kind": {"likert5", "choice", "text"}}, nonempty=["qid", "text", "kind"]),
    "survey": Schema(["response_id", "submitted_at", "duration_s", "channel", "respondent", "town",
                      "hukou", "occupation", "age_group"],
                     key=["response_id"], numbers=["duration_s"], nonempty=["response_id"]),
}

MAX_MAGNITUDE = 1e15   # no indicator value, standard or target is anywhere near this


def _hint(col: str) -> str | None:
    """What to write in an enumerated column (messages [validate.hints], [check])."""
    if col == "status":
        return msg("validate.hints.status", values=" / ".join(TRACKING_STATUSES))
    if col == "method":
        return msg("validate.hints.method", values=" / ".join(METHODS))
    if col in ("direction", "kind", "key"):
        return msg(f"validate.hints.{col}")
    if col in ("aggregate", "level"):
        return msg(f"check.hint_{col}")
    return None


def _report_rows(problems: Problems, table: Table, rows, column: str, message: str, hint=None,
                 level=error) -> None:
    rows = list(rows)
    df = table.df
    for idx in rows[:MAX_PER_CHECK]:
        problems.add(level(table.source(idx, column), message, df.at[idx, column] if column in df.columns else None, hint))
    if len(rows) > MAX_PER_CHECK:
        problems.add(level(table.source(None, column),
                           msg("validate.more_rows", message=message, n=len(rows) - MAX_PER_CHECK)))


def check_table(table: Table, schema: Schema, problems: Problems) -> bool:
    df = table.df
    if not require_columns(table, schema.required, problems):
        return False
    for col in schema.nonempty:
        bad = df.index[df[col] == ""]
        _report_rows(problems, table, bad, col, msg("validate.empty", col=col))
    for col, allowed in schema.enums.items():
        if col not in df.columns:
            continue
        invalid = ~df[col].isin(allowed)
        if col in schema.nonempty:  # empty cells were reported above already
            invalid &= df[col] != ""
        bad = df.index[invalid]
        shown = join(sorted(a for a in allowed if a)) + (msg("validate.or_empty") if "" in allowed else "")
        _report_rows(problems, table, bad, col, msg("validate.enum", col=col, shown=shown), _hint(col))
    for col in schema.numbers:
        if col not in df.columns:
            continue
        s = df[col]
        # each distinct text checked once: a million durations have few distinct values
        codes, uniq = column_codes(s.to_numpy(dtype=object))
        u = pd.Series(uniq, dtype=object)
        ok = u.astype(str).str.match(NUMBER_RE).to_numpy(dtype=bool)
        filled = (u != "").to_numpy(dtype=bool)
        bad = df.index[(filled & ~ok)[codes]]
        hint = msg("validate.number_hint") if col != "duration_s" else msg("validate.duration_hint")
        if len(bad) and s[bad].str.contains(r"[\uff10-\uff19]").any():  # full-width digits
            hint += msg("validate.full_width_digits")
        _report_rows(problems, table, bad, col, msg("validate.not_number", col=col), hint)
        num = pd.to_numeric(u.where(ok, "0"), errors="coerce")
        huge = df.index[(filled & ok & ~(np.isfinite(num) & (num.abs() <= MAX_MAGNITUDE)).to_numpy(dtype=bool))[codes]]
        _report_rows(problems, table, huge, col, msg("validate.huge", col=col), msg("validate.huge_hint"))
    for col in schema.integers:
        if col not in df.columns:
            continue
        s = df[col]
        bad = df.index[(s != "") & ~s.str.fullmatch(r"(19|20|21)[0-9]{2}")]
        _report_rows(problems, table, bad, col, msg("validate.year", col=col), msg("validate.year_hint"))
    if schema.key and all(k in df.columns for k in schema.key):
        keyed = df[schema.key]
        nonempty = (keyed != "").all(axis=1)
        dup = keyed.duplicated(keep="first") & nonempty
        first = {}
        for idx in df.index[keyed.duplicated(keep=False) & nonempty] if dup.any() else ():
            k = tuple(keyed.loc[idx])
            first.setdefault(k, idx)
        for idx in list(df.index[dup])[:MAX_PER_CHECK]:
            k = tuple(keyed.loc[idx])
            problems.add(error(table.source(idx, schema.key[0]),
                               msg("validate.duplicate", key='+'.join(schema.key), row=table.excel_row(first[k])),
                               " / ".join(k), msg("validate.duplicate_hint")))
    return True


def _check_refs(problems: Problems, table: Table, column: str, known: set[str], what: str,
                is_list: bool = False, hint: str | None = None) -> None:
    df = table.df
    if column not in df.columns or known is None:
        return
    bad = []
    if not is_list:   # vectorised: a million values rows are checked at once
        s = df[column]
        hits = df.index[(s != "") & ~s.isin(known)]
        bad = [(idx, [df.at[idx, column]]) for idx in hits[:MAX_PER_CHECK + 1]]
        extra = len(hits) - len(bad)
    else:
        extra = 0
    for idx, cell in (df[column].items() if is_list else ()):
        if cell == "":
            continue
        items = split_list(cell) if is_list else [cell]
        unknown = [x for x in items if x not in known]
        if unknown:
            bad.append((idx, unknown))
    for idx, unknown in bad[:MAX_PER_CHECK]:
        problems.add(error(table.source(idx, column), msg("validate.unknown_ref", what=what, items=join(unknown)),
                           df.at[idx, column], hint))
    if len(bad) + extra > MAX_PER_CHECK:
        problems.add(error(table.source(None, column),
                           msg("validate.more_unknown_refs", n=len(bad) + extra - MAX_PER_CHECK, what=what)))


def validate(project: Project, problems: Problems | None = None,
             tables: tuple[str, ...] | None = None) -> Problems:
    problems = problems if problems is not None else Problems()
    ok: dict[str, bool] = {}
    for name, table in project.tables.items():
        if name in SCHEMAS:
            ok[name] = check_table(table, SCHEMAS[name], problems)
    t = project.tables

    def usable(name):
        return name in t and ok.get(name, False)

    # None = that table was not loaded (a command that reads part of the project) or is
    # unusable: references into it are not checked, rather than all reported as unknown.
    codes = set(t["indicators"].df["code"]) if usable("indicators") else None
    areas = set(t["areas"].df["area"]) if usable("areas") else None
    depts = set(t["departments"].df["id"]) if usable("departments") else None
    recs = set(t["recommendations"].df["id"]) if usable("recommendations") else None

    if usable("areas"):
        tab = t["areas"]
        cities = tab.df.index[tab.df["kind"] == "city"]
        if len(cities) != 1:
            problems.add(error(tab.source(None, "kind"),
                               msg("validate.one_city", n=len(cities)),
                               hint=msg("check.hint_one_city", town=project.settings.terms.town)))
        _check_area_columns(project, tab, depts, problems)
    if usable("indicators"):
        tab = t["indicators"]
        _check_refs(problems, tab, "departments", depts, msg("validate.what_department"), True, msg("validate.department_hint"))
    if usable("values"):
        tab = t["values"]
        value_codes = codes
        if codes is not None and usable("sub_indicators"):
            value_codes = codes | set(t["sub_indicators"].df["code"])   # sub-indicators' values live here too
        _check_refs(problems, tab, "code", value_codes, msg("validate.what_indicator"), hint=msg("validate.indicator_hint"))
        _check_refs(problems, tab, "area", areas, msg("validate.what_area"), hint=msg("validate.area_hint"))
    if usable("recommendations"):
        tab = t["recommendations"]
        _check_refs(problems, tab, "indicators", codes, msg("validate.what_indicator"), True)
        _check_refs(problems, tab, "lead", depts, msg("validate.what_department"))
        _check_refs(problems, tab, "assist", depts, msg("validate.what_department"), True)
    if usable("tracking"):
        tab = t["tracking"]
        _check_refs(problems, tab, "id", recs, msg("validate.what_recommendation"), hint=msg("validate.recommendation_hint"))
        bad = tab.df.index[(tab.df["updated"] != "") & ~tab.df["updated"].str.match(DATE_RE)]
        _report_rows(problems, tab, bad, "updated", msg("validate.bad_date"), msg("validate.bad_date_hint"))
    if usable("sub_indicators"):
        tab = t["sub_indicators"]
        _check_refs(problems, tab, "indicator", codes, msg("validate.what_indicator"))
        _check_refs(problems, tab, "department", depts, msg("validate.what_department"))
    if usable("survey_questions") and "survey" in t:
        qtab, stab = t["survey_questions"], t["survey"]
        for qid in qtab.df["qid"]:
            if qid and qid not in stab.df.columns:
                problems.add(error(Source(stab.display, 1, qid), msg("validate.no_question_column", qid=qid),
                                   hint=msg("validate.no_question_column_hint")))
        if usable("indicators"):
            dims = set(t["indicators"].df["dimension"])
            qd = qtab.df
            bad = qd.index[(qd["kind"] == "likert5") & ~qd["dimension"].isin(dims)]
            _report_rows(problems, qtab, bad, "dimension", msg("validate.question_dimension"),
                         msg("validate.question_dimension_hint"))
    from .validate_parts import check_parts

    check_parts(project, problems, usable)

    from .safety.checks import check as check_hostile

    check_hostile(project, problems, usable)   # reserved qids, columns never published, control characters
    _warnings(project, problems, usable)
    return problems


def _check_area_columns(project: Project, tab: Table, depts: set[str] | None, problems: Problems) -> None:
    """Contract v2 columns of data/areas beyond validate_parts.check_parts (unknown filers and
    districts, negative populations): a `district` only on town rows, a `filer` only on
    town and district rows, a population above 0."""
    df = tab.df
    town = df["kind"] == "town"
    if "district" in df.columns:
        _report_rows(problems, tab, df.index[(df["district"] != "") & ~town], "district",
                     msg("check.district_not_town"), msg("check.district_not_town_hint"))
    if "filer" in df.columns:
        _report_rows(problems, tab, df.index[(df["filer"] != "") & ~town & (df["kind"] != "district")], "filer",
                     msg("check.filer_not_town"), level=warning)
    if "population" in df.columns:
        s = df["population"]
        ok = s.str.match(NUMBER_RE)
        num = pd.to_numeric(s.where(ok, ""), errors="coerce")
        _report_rows(problems, tab, df.index[ok & (num == 0)], "population", msg("check.population_positive"),
                     msg("check.population_hint"))

def _warnings(project: Project, problems: Problems, usable) -> None:
    if not (usable("indicators") and usable("areas") and usable("values")):
        return
    if problems.errors:
        return
    t = project.tables
    year = project.settings.year
    from .score.formula import with_computed

    vals = with_computed(project).values
    inds = project.indicators
    peers = set(project.peers)
    cur = vals[(vals["year"] == year) & vals["value"].notna()]
    city_has = set(cur.loc[cur["area"] == project.city_area, "code"])
    peer_has = set(cur.loc[cur["area"].isin(peers), "code"])
    tab = t["indicators"]
    for idx, row in inds.iterrows():
        if pd.isna(row["target"]) and pd.isna(row["standard"]) and row["code"] not in peer_has:
            problems.add(warning(tab.source(idx, "target"),
                                 msg("validate.no_reference", code=row['code'], year=year),
                                 hint=msg("validate.no_reference_hint")))
        if row["code"] not in city_has:
            problems.add(warning(tab.source(idx, "code"),
                                 msg("validate.no_city_value", code=row['code'], city_area=project.city_area, year=year)))
    _plausibility(project, problems)
    towns_with = set(vals.loc[vals["value"].notna(), "area"])
    atab = t["areas"]
    for idx, row in project.areas.iterrows():
        if row["kind"] == "town" and row["area"] not in towns_with:
            problems.add(warning(atab.source(idx, "area"), msg("check.town_without_values", town=project.settings.terms.town, area=row["area"])))


def _plausibility(project: Project, problems: Problems) -> None:
    """templates/checks.toml [plausibility]: a share over its maximum, a count that is not
    a whole number -- warnings on the cell of data/values that holds the value."""
    import re

    from .wording import load_toml

    rules = load_toml("checks.toml", project.root)["plausibility"]
    inds = project.indicators.set_index("code")
    share = re.compile(rules["share_name"])
    shares = {c for c, r in inds.iterrows() if r["unit"] == rules["share_unit"] and share.search(str(r["name"]))}
    counts = {c for c, r in inds.iterrows() if r["unit"] in set(rules["count_units"])}
    if not shares and not counts:
        return
    tab = project.tables["values"]
    v = project.values
    top = float(rules["share_max"])
    over = v.index[v["code"].isin(shares) & (v["value"] > top + 1e-9)]
    frac = v.index[v["code"].isin(counts) & v["value"].notna() & ((v["value"] - v["value"].round()).abs() > 1e-9)]
    for idx, key, hint in ((over, "check.share_over", "check.share_over_hint"),
                           (frac, "check.count_fraction", "check.count_fraction_hint")):
        for i in idx:
            row = v.loc[i]
            ind = inds.loc[row["code"]]
            value = tab.df.at[i, "value"] if i in tab.df.index and "value" in tab.df.columns else row["value"]
            problems.add(warning(tab.source(i, "value"),
                                 msg(key, code=row["code"], name=ind["name"], area=row["area"], year=int(row["year"]),
                                     value=value, unit=ind["unit"], max=f"{top:g}"),
                                 hint=msg(hint, max=f"{top:g}")))
