"""Formulas (contract v2): parsed safely, validated by file/row/column, computed per area
and year; `sum` indicators aggregated and checked against their towns."""
from __future__ import annotations

import math

import pytest

from reportkit.load.project import load_project, open_project
from reportkit.score.formula import FormulaError, parse, with_computed
from reportkit.score.indicators import score_project
from reportkit.validate import validate

CODES = ["STYJ-01-1", "STYJ-01-2", "STYJ-01-3", "A-1", "A-1-2", "绿地-1"]
TABLES = ("indicators", "areas", "values", "departments", "recommendations")


@pytest.mark.parametrize("text, values, expected", [
    ("STYJ-01-3 / STYJ-01-2 * 100", {"STYJ-01-3": 50, "STYJ-01-2": 200}, 25.0),
    ("STYJ-01-1-STYJ-01-2", {"STYJ-01-1": 5, "STYJ-01-2": 3}, 2.0),          # '-' inside codes and as minus
    ("(A-1 + A-1-2) / 2", {"A-1": 1, "A-1-2": 2}, 1.5),                     # the longer code wins
    ("-A-1 + 10.5", {"A-1": 0.5}, 10.0),
    ("绿地-1 × 2", {"绿地-1": 3}, 6.0),                                       # full-width × accepted
])
def test_formulas_evaluate(text, values, expected):
    f = parse(text, CODES)
    assert f.evaluate(values) == pytest.approx(expected)


@pytest.mark.parametrize("text, kind", [
    ("STYJ-01-9 / STYJ-01-2", "unknown"),
    ("STYJ-01-1 ** 2", "syntax"),
    ("__import__('os').system('id')", "unknown"),
    ("STYJ-01-1.real", "unknown"),
    ("STYJ-01-1 / (STYJ-01-2", "syntax"),
    ("STYJ-01-1 % 3", "syntax"),
    ("", "empty"),
    ("(" * 300 + "1" + ")" * 300, "too_long"),
])
def test_bad_formulas_are_refused(text, kind):
    with pytest.raises(FormulaError) as exc:
        parse(text, CODES)
    assert exc.value.kind == kind


def test_division_by_zero_has_no_value():
    f = parse("STYJ-01-1 / STYJ-01-2", CODES)
    with pytest.raises(ZeroDivisionError):
        f.evaluate({"STYJ-01-1": 1, "STYJ-01-2": 0})


@pytest.fixture
def formula_project(mini):
    mini.replace("data/indicators.csv", "code,name,dimension,category,unit,direction,standard,target,departments,key,"
                 "method,source", "code,name,dimension,category,unit,direction,standard,target,departments,key,"
                 "method,source,aggregate,formula")
    text = mini.read("data/indicators.csv").splitlines()
    out = [text[0]]
    for line in text[1:]:
        code = line.split(",")[0]
        extra = {"EC-01": ",none,EC-01-1 / EC-01-2", "EC-03": ",sum,"}.get(code, ",,")
        out.append(line + extra)
    mini.write("data/indicators.csv", "\n".join(out) + "\n")
    vals = [ln for ln in mini.read("data/values.csv").splitlines()
            if not (ln.startswith("EC-01,甲市,2020") or ln.startswith("EC-01,甲镇,2020"))]
    vals += ["EC-01-1,甲市,2020,1500,,", "EC-01-2,甲市,2020,100,,", "EC-01-1,甲镇,2020,300,,",
             "EC-01-2,甲镇,2020,0,,"]
    mini.write("data/values.csv", "\n".join(vals) + "\n")
    return mini


def test_computed_per_area_with_warning_on_zero_division(formula_project):
    project, problems = open_project(formula_project.root, tables=TABLES)
    computed = with_computed(project).values
    row = computed[(computed["code"] == "EC-01") & (computed["area"] == "甲市") & (computed["year"] == 2020)]
    assert row["value"].tolist() == [15.0] and row["computed"].tolist() == [True]
    assert not ((computed["code"] == "EC-01") & (computed["area"] == "甲镇") & (computed["year"] == 2020)).any()
    zero = [p for p in problems.warnings if "除数为 0" in p.message]
    assert zero and zero[0].source.path == "data/indicators.csv" and zero[0].source.column == "formula"
    assert zero[0].source.row == 2 and "甲镇" in zero[0].message
    scores = score_project(project)
    r = scores.row("EC-01")
    assert r["value"] == 15.0 and bool(r["computed"]) and r["rating"] == "良好"
    assert not bool(scores.row("EC-02")["computed"])


def test_filed_value_wins_over_the_formula(formula_project):
    formula_project.append("data/values.csv", "EC-01,甲市,2020,14,,")
    project, _ = open_project(formula_project.root, tables=TABLES)
    r = score_project(project).row("EC-01")
    assert r["value"] == 14.0 and not bool(r["computed"])


def test_formula_errors_name_row_and_column(formula_project):
    formula_project.replace("data/indicators.csv", "EC-01-1 / EC-01-2", "EC-01-1 / EC-09-9")
    formula_project.replace("data/indicators.csv", ",sum,", ",total,")
    project, problems = load_project(formula_project.root, tables=TABLES)
    validate(project, problems, tables=TABLES)
    bad = [p for p in problems.errors if p.source.column == "formula"]
    assert bad and bad[0].source.row == 2 and "EC-09-9" in bad[0].message
    agg = [p for p in problems.errors if p.source.column == "aggregate"]
    assert agg and agg[0].source.row == 4


def test_sum_indicator_city_from_towns_and_checked(formula_project):
    vals = [ln for ln in formula_project.read("data/values.csv").splitlines()
            if not ln.startswith("EC-03,") or ",2020," not in ln]
    vals += ["EC-03,甲镇,2020,10,,", "EC-03,乙镇,2020,20,,", "EC-03,丙街道,2020,30,,"]
    formula_project.write("data/values.csv", "\n".join(vals) + "\n")
    project, _ = open_project(formula_project.root, tables=TABLES)
    r = score_project(project).row("EC-03")
    assert r["value"] == 60.0 and bool(r["computed"])            # the city value is the towns' sum
    formula_project.append("data/values.csv", "EC-03,甲市,2020,70,,")
    project, problems = open_project(formula_project.root, tables=TABLES)
    got = [p for p in problems.warnings if p.source.column == "aggregate"]
    assert got and got[0].source.row == 4 and "60" in got[0].message and "70" in got[0].message


def test_sub_indicator_code_equal_to_an_indicator_code(mini):
    mini.append("data/sub_indicators.csv", "EC-02,EC-02,收集率,%,zj")
    project, problems = load_project(mini.root, tables=TABLES)
    validate(project, problems, tables=TABLES)
    got = [p for p in problems.errors if p.source.path == "data/sub_indicators.csv" and p.source.column == "code"]
    assert got and math.isfinite(got[0].source.row)
