"""Contract v2 vocabulary and settings: [terms], [feedback], [intake]; the v2 columns of
areas and sub_indicators; who files the data (the report's collection sentence)."""
from __future__ import annotations

import datetime as dt

import pytest

from reportkit.errors import Problems
from reportkit.load.project import load_project, open_project
from reportkit.terms import apply_terms, splice
from reportkit.validate import validate


def problems_of(root) -> Problems:
    project, problems = load_project(root)
    if project is not None:
        validate(project, problems)
    return problems


def messages(problems: Problems) -> list[tuple[str, str, str]]:
    return [(p.level, p.source.column or "", p.message) for p in problems.items]


# -- [terms] ---------------------------------------------------------------------------
def test_town_term_defaults_and_is_spliced_everywhere(mini):
    project, _ = open_project(mini.root)
    assert project.settings.terms.town == "街道（镇）"
    mini.append("project.toml", '[terms]\ntown = "乡镇（街道）"')
    project, _ = open_project(mini.root)
    assert project.settings.terms.town == "乡镇（街道）"
    from reportkit.compose.report import wording
    from reportkit.products.promo import build_promo  # noqa: F401  (the promo design loads through it)
    from reportkit.compose.promo import load_design
    from reportkit.score.survey import load_config
    from reportkit.terms import project_terms
    from reportkit.tracking import sheet_wording

    terms = project_terms(project)
    texts = [str(wording(mini.root, terms)), str(sheet_wording(mini.root, terms).data),
             str(load_config(mini.root, terms).chapter), str(load_config(mini.root, terms).details),
             str(load_design(mini.root, terms=terms).labels)]
    for text in texts:
        assert "terms.town" not in text and "园镇" not in text and "街道（镇）" not in text
    assert "各乡镇（街道）满意度" in texts[2] and "乡镇（街道）指标情况表" in texts[1]


def test_splice_leaves_unknown_terms_for_the_renderer():
    assert splice("各{{ terms.town }}与{{terms.town}}", {"town": "镇"}) == "各镇与镇"
    assert splice("{{ terms.county }}", {"town": "镇"}) == "{{ terms.county }}"
    data = {"a": ["{{ terms.town }}", 3], "b": {"c": "本{{ terms.town }}"}}
    assert apply_terms(data, {"town": "乡"}) == {"a": ["乡", 3], "b": {"c": "本乡"}}


def test_narratives_may_cite_the_term(mini):
    mini.append("project.toml", '[terms]\ntown = "镇（街道）"')
    mini.write("narratives/90-term.md", "---\ntitle: 术语\nsection: overview\n---\n各{{ terms.town }}分别填报。\n")
    from reportkit.compose.context import ComposeContext
    from reportkit.narrative import render_narrative
    from reportkit.score.indicators import score_project
    from reportkit.theme import load_theme

    project, _ = open_project(mini.root)
    ctx = ComposeContext(project, score_project(project), load_theme(project.root), mini.root / "fig")
    n = next(n for n in project.narratives if n.title == "术语")
    from reportkit.document import plain

    text = "".join(plain(b.inlines) for b in render_narrative(n, ctx.narr) if hasattr(b, "inlines"))
    assert text == "各镇（街道）分别填报。"


@pytest.mark.parametrize("value", ['"街道 镇"', '"{街道}"', '""', '"' + "镇" * 17 + '"', "3"])
def test_bad_town_term_is_an_error(mini, value):
    mini.append("project.toml", f"[terms]\ntown = {value}")
    found = messages(problems_of(mini.root))
    assert any(lvl == "error" and col == "terms.town" for lvl, col, _ in found), found


# -- [feedback] and [intake] -------------------------------------------------------------
def test_feedback_and_intake_settings(mini):
    project, _ = open_project(mini.root)
    fb = project.settings.feedback
    assert (fb.deadline, fb.contact, fb.phone, fb.issuer) == ("", "", "", "甲市住房和城乡建设局")
    mini.append("project.toml", '[feedback]\ndeadline = 2021-04-30\ncontact = "王工"\nphone = "0000-1234567"\n'
                                'issuer = "甲市城市体检办公室"\n[intake]\ndeadline = "2020年8月15日"\njump = 0.5')
    project, problems = open_project(mini.root)
    fb = project.settings.feedback
    assert fb.deadline == dt.date(2021, 4, 30) and fb.contact == "王工" and fb.issuer == "甲市城市体检办公室"
    assert project.settings.extra["intake"] == {"deadline": "2020年8月15日", "jump": 0.5}
    assert not [p for p in problems.warnings if p.source.path == "project.toml"]


def test_feedback_typos_and_types_are_reported(mini):
    mini.append("project.toml", '[feedback]\ndeadlin = 2021-04-30\nphone = 12345')
    found = messages(problems_of(mini.root))
    assert ("warning", "feedback.deadlin") in [(lvl, col) for lvl, col, _ in found]
    assert ("error", "feedback.phone") in [(lvl, col) for lvl, col, _ in found]


# -- v2 columns ---------------------------------------------------------------------------
def test_area_columns_are_checked(mini):
    mini.write("data/areas.csv", "area,kind,district,filer,population\n甲市,city,,,30\n东区,district,,zj,\n"
                                 "甲镇,town,东区,zj,5.2\n乙镇,town,西区,zz,1.1\n丙街道,town,,,-3\n乙市,peer,东区,,\n"
                                 "丙市,peer,,,\n丁市,peer,,,\n")
    found = messages(problems_of(mini.root))
    by_col = {}
    for lvl, col, m in found:
        by_col.setdefault(col, []).append((lvl, m))
    assert any("kind 为 district" in m for _, m in by_col["district"])           # 乙镇 → 西区
    assert any("只有 kind 为 town" in m for _, m in by_col["district"])          # a peer with a district
    assert [lvl for lvl, m in by_col["filer"] if "zz" in m] == ["error"]        # not a department
    assert any("负数" in m for _, m in by_col["population"])


def test_districts_are_not_towns(mini):
    mini.write("data/areas.csv", "area,kind,district,filer\n甲市,city,,\n东区,district,,\n甲镇,town,东区,zj\n"
                                 "乙镇,town,东区,\n丙街道,town,,\n乙市,peer,,\n丙市,peer,,\n丁市,peer,,\n")
    project, problems = open_project(mini.root)
    assert project.towns == ["甲镇", "乙镇", "丙街道"] and "东区" not in project.peers
    assert not problems.errors


def test_sub_indicator_columns_and_values(mini):
    mini.write("data/sub_indicators.csv", "code,indicator,name,unit,department,level,min,max\n"
                                          "EC-01-1,EC-01,公园绿地面积,公顷,zj,town,0,100\n"
                                          "EC-01-2,EC-01,常住人口,万人,zr,county,5,1\n"
                                          "EC-01,EC-01,重复编号,个,zr,city,,\n")
    found = messages(problems_of(mini.root))
    assert any(col == "level" and lvl == "error" for lvl, col, _ in found)          # county
    assert any(col == "min" and "max" in m for _, col, m in found)                  # 5 > 1
    assert any(col == "code" and "EC-01" in m and "相同" in m for _, col, m in found)   # EC-01
    # sub-indicator values live in values like any other, and are not scored
    mini.write("data/sub_indicators.csv", "code,indicator,name,unit,department,level\n"
                                          "EC-01-1,EC-01,公园绿地面积,公顷,zj,town\n")
    mini.append("data/values.csv", "EC-01-1,甲镇,2020,31.5,,zj")
    project, problems = open_project(mini.root)
    from reportkit.score.indicators import score_project

    assert "EC-01-1" not in set(score_project(project).table["code"])


# -- who files -------------------------------------------------------------------------------
def test_filers_follow_sub_indicators_and_areas(mini):
    from reportkit.filers import filer_ids, filer_kinds

    project, _ = open_project(mini.root)
    assert filer_ids(project) == ["zj", "zr", "sw", "jt"] and filer_kinds(project) == [(4, "市直部门")]
    mini.append("data/departments.csv", "gov-a,甲镇人民政府,镇人民政府\ngov-d,东区人民政府,区人民政府")
    mini.write("data/areas.csv", "area,kind,district,filer\n甲市,city,,\n东区,district,,gov-d\n甲镇,town,,gov-a\n"
                                 "乙镇,town,东区,gov-d\n丙街道,town,东区,gov-d\n乙市,peer,,\n丙市,peer,,\n丁市,peer,,\n")
    mini.replace("data/sub_indicators.csv", "EC-01-1,EC-01,公园绿地面积,公顷,zj",
                 "EC-01-1,EC-01,公园绿地面积,公顷,zj,town")
    mini.replace("data/sub_indicators.csv", "code,indicator,name,unit,department", "code,indicator,name,unit,department,level")
    mini.replace("data/sub_indicators.csv", "常住人口,万人,zr", "常住人口,万人,zr,city")
    mini.replace("data/sub_indicators.csv", "通勤时间超过45分钟人数,万人,jt", "通勤时间超过45分钟人数,万人,jt,city")
    project, problems = open_project(mini.root)
    assert not problems.errors
    # 甲镇 files for itself; 东区's government files for 乙镇 and 丙街道
    assert filer_ids(project) == ["zj", "zr", "sw", "jt", "gov-a", "gov-d"]
    assert filer_kinds(project) == [(4, "市直部门"), (1, "镇人民政府"), (1, "区人民政府")]
