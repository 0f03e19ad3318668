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
from .load.tables import Table, require_columns
from .model import Project, split_list

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
        enums={"direction": {"+", "-"}, "key": {"", "0", "1"}, "method": {"", "统计", "空间", "大数据", "调查"}},
        numbers=["standard", "target"],
        nonempty=["code", "name", "dimension", "category", "unit", "direction", "departments"]),
    "areas": Schema(["area", "kind"], key=["area"], enums={"kind": {"city", "town", "peer"}},
                    nonempty=["area", "kind"]),
    "values": Schema(["code", "area", "year", "value"], key=["code", "area", "year"],
                     numbers=["value"], integers=["year"], nonempty=["code", "area", "year"]),
    "departments": Schema(["id", "name", "kind"], key=["id"], nonempty=["id", "name"]),
    "recommendations": Schema(
        ["id", "problem", "indicators", "result", "countermeasure", "action", "lead", "assist"],
        key=["id"], nonempty=["id", "problem", "result", "countermeasure", "action", "lead"]),
    "tracking": Schema(["id", "status", "note", "updated"], key=["id"],
                       enums={"status": {"已开展", "正在研究", "暂未开展"}}, nonempty=["id", "status"]),
    "sub_indicators": Schema(["code", "indicator", "name", "unit", "department"], key=["code"],
                             nonempty=["code", "indicator", "name", "department"]),
    "survey_questions": Schema(["qid", "text", "dimension", "kind"], key=["qid"],
                               enums={"kind": {"likert5", "choice", "text"}}, nonempty=["qid", "text", "kind"]),
    "survey": Schema(["response_id", "submitted_at", "duration_s", "channel", "respondent", "town",
                      "hukou", "occupation", "age_group"],
                     key=["response_id"], numbers=["duration_s"], nonempty=["response_id"]),
}

MAX_MAGNITUDE = 1e15   # no indicator value, standard or target is anywhere near this

HINTS = {
    "direction": "填 + 表示越高越好，- 表示越低越好",
    "kind": "填写允许的取值之一",
    "status": "只能填 已开展 / 正在研究 / 暂未开展",
    "key": "重点指标填 1，否则留空或填 0",
    "method": "只能填 统计 / 空间 / 大数据 / 调查，或留空",
}


def _report_rows(problems: Problems, table: Table, rows, column: str, message: str, hint=None,
                 level=error) -> None:
    rows = list(rows)
    df = table.df
    for idx in rows[:MAX_PER_CHECK]:
        problems.add(level(table.source(idx, column), message, df.at[idx, column] if column in df.columns else None, hint))
    if len(rows) > MAX_PER_CHECK:
        problems.add(level(table.source(None, column),
                           f"{message}：另有 {len(rows) - MAX_PER_CHECK} 行同类问题未逐一列出"))


def check_table(table: Table, schema: Schema, problems: Problems) -> bool:
    df = table.df
    if not require_columns(table, schema.required, problems):
        return False
    for col in schema.nonempty:
        bad = df.index[df[col] == ""]
        _report_rows(problems, table, bad, col, f"“{col}”不能为空")
    for col, allowed in schema.enums.items():
        if col not in df.columns:
            continue
        invalid = ~df[col].isin(allowed)
        if col in schema.nonempty:  # empty cells were reported above already
            invalid &= df[col] != ""
        bad = df.index[invalid]
        shown = "、".join(sorted(a for a in allowed if a)) + ("（或留空）" if "" in allowed else "")
        _report_rows(problems, table, bad, col, f"“{col}”的取值无效，应为 {shown}", HINTS.get(col))
    for col in schema.numbers:
        if col not in df.columns:
            continue
        s = df[col]
        codes, uniq = pd.factorize(s, use_na_sentinel=False)   # a million durations have few distinct values
        ok = pd.Series(pd.Series(uniq, dtype=object).astype(str).str.match(NUMBER_RE).to_numpy(dtype=bool)[codes],
                       index=s.index)
        bad = df.index[(s != "") & ~ok]
        hint = "只填数字：不要带单位、百分号、千分位逗号或文字" if col != "duration_s" else "答题时长应为秒数"
        if len(bad) and s[bad].str.contains(r"[０-９]").any():
            hint += "；请使用半角数字（0-9），不要使用全角数字"
        _report_rows(problems, table, bad, col, f"“{col}”不是数字", hint)
        num = pd.to_numeric(s.where(ok, "0"), errors="coerce")
        huge = df.index[(s != "") & ok & ~(np.isfinite(num) & (num.abs() <= MAX_MAGNITUDE))]
        _report_rows(problems, table, huge, col, f"“{col}”的数值超出范围", "请检查是否误输入了过大的指数")
    for col in schema.integers:
        if col not in df.columns:
            continue
        s = df[col]
        bad = df.index[(s != "") & ~s.str.fullmatch(r"(19|20|21)[0-9]{2}")]
        _report_rows(problems, table, bad, col, f"“{col}”应为四位年份", "如 2020")
    if schema.key and all(k in df.columns for k in schema.key):
        keyed = df[schema.key]
        nonempty = (keyed != "").all(axis=1)
        dup = keyed.duplicated(keep="first") & nonempty
        first = {}
        for idx in df.index[keyed.duplicated(keep=False) & nonempty]:
            k = tuple(keyed.loc[idx])
            first.setdefault(k, idx)
        for idx in list(df.index[dup])[:MAX_PER_CHECK]:
            k = tuple(keyed.loc[idx])
            problems.add(error(table.source(idx, schema.key[0]),
                               f"重复的{'+'.join(schema.key)}：与第 {table.excel_row(first[k])} 行相同",
                               " / ".join(k), "每个键只能出现一次；请删除或合并重复行"))
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
        problems.add(error(table.source(idx, column), f"引用了不存在的{what}：{'、'.join(unknown)}",
                           df.at[idx, column], hint))
    if len(bad) + extra > MAX_PER_CHECK:
        problems.add(error(table.source(None, column),
                           f"另有 {len(bad) + extra - MAX_PER_CHECK} 行引用了不存在的{what}"))


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
                               f"kind 为 city 的行应恰好有 1 行，现有 {len(cities)} 行",
                               hint="用一行 city 表示本市；园镇（街道）填 town，对标城市填 peer"))
    if usable("indicators"):
        tab = t["indicators"]
        _check_refs(problems, tab, "departments", depts, "部门编号", True, "部门编号须在 data/departments 中登记")
    if usable("values"):
        tab = t["values"]
        _check_refs(problems, tab, "code", codes, "指标编号", hint="指标编号须在 data/indicators 中登记")
        _check_refs(problems, tab, "area", areas, "地区", hint="地区须在 data/areas 中登记")
    if usable("recommendations"):
        tab = t["recommendations"]
        _check_refs(problems, tab, "indicators", codes, "指标编号", True)
        _check_refs(problems, tab, "lead", depts, "部门编号")
        _check_refs(problems, tab, "assist", depts, "部门编号", True)
    if usable("tracking"):
        tab = t["tracking"]
        _check_refs(problems, tab, "id", recs, "策略建议编号", hint="编号须与 data/recommendations 的 id 一致")
        bad = tab.df.index[(tab.df["updated"] != "") & ~tab.df["updated"].str.match(DATE_RE)]
        _report_rows(problems, tab, bad, "updated", "日期格式无效", "请写成 2021-03-31")
    if usable("sub_indicators"):
        tab = t["sub_indicators"]
        _check_refs(problems, tab, "indicator", codes, "指标编号")
        _check_refs(problems, tab, "department", depts, "部门编号")
    if usable("survey_questions") and "survey" in t:
        qtab, stab = t["survey_questions"], t["survey"]
        for qid in qtab.df["qid"]:
            if qid and qid not in stab.df.columns:
                problems.add(error(Source(stab.display, 1, qid), f"问卷数据缺少题目“{qid}”对应的列",
                                   hint="每道题（data/survey_questions 的 qid）在问卷数据中都应有一列"))
        if usable("indicators"):
            dims = set(t["indicators"].df["dimension"])
            qd = qtab.df
            bad = qd.index[(qd["kind"] == "likert5") & ~qd["dimension"].isin(dims)]
            _report_rows(problems, qtab, bad, "dimension", "满意度题目的维度不在指标体系的维度中",
                         "likert5 题目的 dimension 须与 data/indicators 的 dimension 一致")
    from .safety.checks import check as check_hostile

    check_hostile(project, problems, usable)   # reserved qids, columns never published, control characters
    _warnings(project, problems, usable)
    return problems


def _warnings(project: Project, problems: Problems, usable) -> None:
    if not (usable("indicators") and usable("areas") and usable("values")):
        return
    if problems.errors:
        return
    t = project.tables
    year = project.settings.year
    vals = project.values
    inds = project.indicators
    peers = set(project.peers)
    cur = vals[(vals["year"] == year) & vals["value"].notna()]
    city_has = set(cur.loc[cur["area"] == project.city_area, "code"])
    peer_has = set(cur.loc[cur["area"].isin(peers), "code"])
    tab = t["indicators"]
    for idx, row in inds.iterrows():
        if pd.isna(row["target"]) and pd.isna(row["standard"]) and row["code"] not in peer_has:
            problems.add(warning(tab.source(idx, "target"),
                                 f"指标 {row['code']} 没有规划目标、标准值，也没有对标城市 {year} 年的数据，将评为“无参照”",
                                 hint="补充 target 或 standard 列，或对标城市数据"))
        if row["code"] not in city_has:
            problems.add(warning(tab.source(idx, "code"),
                                 f"指标 {row['code']} 没有 {project.city_area} {year} 年的数值，将评为“无数据”"))
    towns_with = set(vals.loc[vals["value"].notna(), "area"])
    atab = t["areas"]
    for idx, row in project.areas.iterrows():
        if row["kind"] == "town" and row["area"] not in towns_with:
            problems.add(warning(atab.source(idx, "area"), f"园镇（街道）“{row['area']}”没有任何指标数值"))
