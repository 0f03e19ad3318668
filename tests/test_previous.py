"""The previous checkup (v2 `previous`): loading it, what became of last year's problems and
recommendations, the report's chapter, the sheets' line, narratives citing last_checkup, and
every way `previous` can be wrong."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from docx import Document as DocxDocument

from reportkit.analyse.years import (DROPPED, IMPROVED_KEY, PERSISTING, RESOLVED, UNRATED, WORSE, classify,
                                     compare_years)
from reportkit.cli import main
from reportkit.errors import Problems
from reportkit.load.project import open_project
from reportkit.previous import follow_chain, load_previous
from reportkit.score.indicators import score_project
from years_factory import make_years

pymupdf = pytest.importorskip("pymupdf")


def load(cur):
    project, problems = open_project(cur.root)
    prev = load_previous(project, problems)
    return project, problems, prev


def comparison(cur):
    project, problems, prev = load(cur)
    assert prev is not None, [p.format() for p in problems.errors]
    scores = score_project(project)
    return project, scores, prev.comparison(project, scores)


def validate(project_dir):
    return CliRunner().invoke(main, ["validate", "--project", str(project_dir)])


# -- statuses -------------------------------------------------------------------------

def test_every_problem_of_last_year_gets_its_status(tmp_path):
    cur, _ = make_years(tmp_path)
    _, _, cmp = comparison(cur)
    status = dict(zip(cmp.problems["code"], cmp.problems["status"]))
    assert status == {"EC-01": IMPROVED_KEY, "EC-02": RESOLVED, "EC-03": PERSISTING, "TR-02": WORSE,
                      "TR-03": UNRATED, "EC-09": DROPPED}
    row = cmp.problem("EC-01")
    assert (row["prev_rating"], row["rating"]) == ("短板", "预警")
    assert (row["prev_value"], row["value"]) == (13.1, 14.0)
    assert cmp.problem("TR-02")[["prev_rating", "rating"]].tolist() == ["预警", "短板"]
    counts = cmp.counts()
    assert counts == {"resolved": 1, "improved": 1, "persisting": 1, "worse": 1, "unrated": 1, "dropped": 1}
    assert math.isclose(cmp.resolution_rate, 1 / 6)
    # TR-01 was 无参照 last year: not a problem; none of this year's problems is new
    assert "TR-01" not in set(cmp.problems["code"])
    assert cmp.new_problems == ()


@pytest.mark.parametrize("prev_rating, rating, before, after, comparable, expected", [
    ("短板", "良好", 10, 20, True, RESOLVED),
    ("短板", "预警", 10, 10, True, IMPROVED_KEY),
    ("预警", "短板", 10, 10, True, WORSE),
    ("短板", "短板", 10.0, 10.2, True, IMPROVED_KEY),     # +2% > flat band
    ("短板", "短板", 10.0, 10.05, True, PERSISTING),      # +0.5%: within the flat band
    ("短板", "短板", 10.0, 9.5, True, WORSE),
    ("短板", "短板", 10.0, 15.0, False, PERSISTING),      # definition changed: ratings only
    ("预警", "无数据", 10.0, math.nan, True, UNRATED),
    ("预警", None, 10.0, math.nan, True, DROPPED),
])
def test_classify(prev_rating, rating, before, after, comparable, expected):
    assert classify(prev_rating, rating, before, after, "+", 0.01, comparable) == expected


def test_a_lower_is_better_indicator_improves_when_it_falls():
    assert classify("短板", "短板", 30.0, 27.0, "-", 0.01) == IMPROVED_KEY
    assert classify("短板", "短板", 30.0, 33.0, "-", 0.01) == WORSE


def test_changed_unit_is_compared_by_rating_only(tmp_path):
    cur, prev = make_years(tmp_path)
    prev.replace("data/indicators.csv", "EC-02,城市生活污水集中收集率,生态宜居,基础指标,%,+,70,",
                 "EC-02,城市生活污水集中收集率,生态宜居,基础指标,‰,+,700,")
    prev.replace("data/values.csv", "EC-02,甲市,2019,60,,", "EC-02,甲市,2019,600,,")
    _, _, cmp = comparison(cur)
    row = cmp.problem("EC-02")
    assert row["status"] == RESOLVED and row["changed"] == ("unit",) and not row["comparable"]
    assert (row["prev_unit"], row["unit"], row["prev_value"]) == ("‰", "%", 600.0)
    assert list(cmp.changed["code"]) == ["EC-02"]
    # a renamed indicator whose rating stays is "persisting" whatever its value did
    prev.replace("data/indicators.csv", "EC-03,新建建筑中绿色建筑占比", "EC-03,绿色建筑占新建建筑比例")
    prev.replace("data/values.csv", "EC-03,甲市,2019,40,,", "EC-03,甲市,2019,39.7,,")
    _, _, cmp = comparison(cur)
    row = cmp.problem("EC-03")
    assert row["changed"] == ("name",) and row["status"] == PERSISTING
    assert row["prev_name"] == "绿色建筑占新建建筑比例" and row["name"] == "新建建筑中绿色建筑占比"


def test_recommendations_continue_by_id(tmp_path):
    cur, _ = make_years(tmp_path)
    _, _, cmp = comparison(cur)
    recs = cmp.recommendations.set_index("id")
    assert list(recs.index) == ["R01", "R02", "R09"]
    assert recs.loc["R01", "continues"] and recs.loc["R02", "continues"] and not recs.loc["R09", "continues"]
    assert recs.loc["R01", ["status", "updated", "note"]].tolist() == ["已开展", "2020-03-31", "已建成口袋公园5个"]
    assert recs.loc["R02", "status"] == ""          # never reported back
    assert recs.loc["R09", "status"] == "已开展" and recs.loc["R09", "lead"] == "市住房城乡建设局"
    assert (cmp.continued, cmp.dropped) == (2, 1)
    assert cmp.new_recommendations == ("R03",)
    assert cmp.status_counts(["已开展", "正在研究", "暂未开展", ""]) == {"已开展": 2, "正在研究": 0, "暂未开展": 0,
                                                                      "": 1}


# -- the report's chapter and the sheets ---------------------------------------------------

NARRATIVE = """---
title: 上一年度问题整治
section: previous
order: 1
---
{{ indicator('EC-01').name }}由{{ indicator('EC-01').last_checkup.year }}年的{{ indicator('EC-01').last_checkup }}（{{ indicator('EC-01').last_checkup.rating }}）变为{{ indicator('EC-01') }}，{{ indicator('EC-01').last_checkup.status }}。{% if indicator('EC-02').has_last_checkup %}污水收集率上年为{{ indicator('EC-02').last_checkup.value }}。{% endif %}见{{ table('previous-problems') }}。
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("years")
    cur, prev = make_years(root)
    cur.write("narratives/05-previous.md", NARRATIVE)
    out = root / "out"
    r = CliRunner().invoke(main, ["report", "--project", str(cur.root), "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    pdf = pymupdf.open(out / "report.pdf")
    text = re.sub(r"\s+", "", "".join(p.get_text() for p in pdf))
    doc = DocxDocument(str(out / "report.docx"))
    parts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return {"cur": cur, "prev": prev, "out": out, "pdf": text, "docx": re.sub(r"\s+", "", "".join(parts)),
            "doc": doc, "toc": [t for _, t, _ in pdf.get_toc()]}


def test_report_has_the_chapter_with_every_problem(report):
    assert "二、上一年度问题整治情况" in report["toc"]
    for text in (report["pdf"], report["docx"]):
        assert "上一年度问题整治情况" in text
        assert "2019年城市体检共评价出短板指标4项、预警指标2项，提出策略建议3项" in text
        assert "已解决1项、有所改善1项、仍未解决1项、有所恶化1项、本年无法评价1项、本年未纳入1项" in text
        assert "问题解决率为16.7%" in text
        assert "表2-1" in text and "2019年短板与预警指标整治情况" in text
        # the narrative cites last year's figures
        assert "人均公园绿地面积由2019年的13.1平方米/人（短板）变为14.0平方米/人，有所改善" in text
        assert "污水收集率上年为60.0" in text
        assert "2019年策略建议落实情况" in text
        assert "2项在2020年继续实施（建议编号相同），1项不再列入2020年策略建议；2020年新提出策略建议1项" in text
        assert "\u2063" not in text and "【?】" not in text


def test_chapter_table_rows(report):
    doc = report["doc"]
    table = next(t for t in doc.tables if any("变化情况" in c.text for c in t.rows[0].cells))
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["EC-02"][3:] == ["60.0", "短板", "75.0", "良好", "已解决"]
    assert rows["EC-01"][3:] == ["13.1", "短板", "14.0", "预警", "有所改善"]
    assert rows["EC-03"][-1] == "仍未解决" and rows["TR-02"][-1] == "有所恶化"
    assert rows["TR-03"][-1] == "本年无法评价" and rows["EC-09"][-1] == "本年未纳入"
    assert rows["EC-09"][5] == "—"
    recs = next(t for t in doc.tables if any("落实状态" in c.text for c in t.rows[0].cells))
    by_id = {r.cells[0].text: [c.text for c in r.cells] for r in recs.rows[1:]}
    assert by_id["R01"][3] == "已开展" and by_id["R01"][-1] == "继续实施"
    assert by_id["R02"][3] == "未反馈"
    assert by_id["R09"][-1] == "不再列入"


def test_chapter_chart_is_drawn(report):
    png = report["out"] / "figures" / "previous-changes.png"
    assert png.is_file() and png.stat().st_size > 10_000


def test_report_without_previous_has_no_chapter(tmp_path):
    from conftest import MINI
    from reportkit.compose.context import ComposeContext
    from reportkit.compose.report import compose_report
    from reportkit.document import dump
    from reportkit.theme import load_theme

    project, _ = open_project(MINI)
    scores = score_project(project)
    doc = compose_report(ComposeContext(project, scores, load_theme(), tmp_path))
    assert "上一年度问题整治情况" not in dump(doc)


def test_changed_unit_is_noted_in_the_report(tmp_path):
    from reportkit.compose.context import ComposeContext
    from reportkit.compose.report import compose_report
    from reportkit.document import dump
    from reportkit.theme import load_theme

    cur, prev = make_years(tmp_path)
    prev.replace("data/indicators.csv", "EC-02,城市生活污水集中收集率,生态宜居,基础指标,%,+,70,",
                 "EC-02,城市生活污水集中收集率,生态宜居,基础指标,‰,+,700,")
    prev.replace("data/values.csv", "EC-02,甲市,2019,60,,", "EC-02,甲市,2019,600,,")
    project, problems, _ = load(cur)
    scores = score_project(project)
    doc = compose_report(ComposeContext(project, scores, load_theme(), tmp_path))
    table = next(t for t in doc.tables() if t.key == "previous-problems")
    assert "EC-02：单位由“‰”调整为“%”，数值不作直接比较，变化情况按评价等级判断" in table.note
    text = dump(doc)
    assert "EC-02 | 城市生活污水集中收集率* | ‰→% | 600 | 短板 | 75.0 | 良好 | 已解决" in text


def test_sheets_show_last_years_status(tmp_path):
    from reportkit.compose.sheets import compose_sheets
    from reportkit.document import dump
    from reportkit.theme import load_theme

    cur, _ = make_years(tmp_path)
    project, _, _ = load(cur)
    built = compose_sheets(project, score_project(project), load_theme(), tmp_path / "figures")
    zj = next(s for s in built.sheets if s.key == "zj")
    text = dump(zj.doc)
    assert "2019年落实 | 已开展（2020-03-31）：已建成口袋公园5个" in text   # R01 continues
    jt = next(s for s in built.sheets if s.key == "jt")
    assert "2019年落实 | 未反馈" in dump(jt.doc)                        # R02 continues, never reported
    # R03 is new this year: no line for it
    sw = next(s for s in built.sheets if s.key == "sw")
    assert "2019年落实" not in dump(sw.doc)


# -- what can be wrong with `previous` --------------------------------------------------------

def test_previous_that_does_not_validate_is_named(tmp_path):
    cur, prev = make_years(tmp_path)
    prev.replace("data/values.csv", "EC-01,甲市,2019,13.1,,", "EC-01,甲市,2019,13.1万,,")
    r = validate(cur.root)
    assert r.exit_code == 2
    assert "project.toml，设置项 previous：上一年度体检项目“../2019”校验未通过（1 个错误" in r.output
    assert "../2019/data/values.csv，第 3 行，列 value：“value”不是数字" in r.output
    # the report's build stops at the same place, before anything is drawn or written
    from reportkit.build import prepare
    from reportkit.errors import ReportkitError

    with pytest.raises(ReportkitError) as exc:
        prepare(cur.root, tmp_path / "out", ("report",))
    assert any(p.source.path == "../2019/data/values.csv" for p in exc.value.problems)
    assert not (tmp_path / "out").exists()


def test_previous_pointing_at_itself(tmp_path):
    cur, _ = make_years(tmp_path)
    cur.replace("project.toml", 'previous = "../2019"', 'previous = "."')
    r = validate(cur.root)
    assert r.exit_code == 2 and "previous 指向了本项目自身" in r.output
    cur.replace("project.toml", 'previous = "."', 'previous = "../2020/"')
    r = validate(cur.root)
    assert r.exit_code == 2 and "previous 指向了本项目自身" in r.output


def test_previous_forming_a_loop(tmp_path):
    cur, prev = make_years(tmp_path)
    prev.replace("project.toml", 'survey_url = "https://example.org/survey"',
                 'survey_url = "https://example.org/survey"\nprevious = "../2020"')
    r = validate(cur.root)
    assert r.exit_code == 2
    assert "上一年度体检项目“../2019”的 previous（“../2020”）又指回本项目，形成循环" in r.output
    r = CliRunner().invoke(main, ["sheets", "--project", str(cur.root), "--out", str(tmp_path / "o"), "--quiet",
                                  "--workers", "1"])
    assert r.exit_code == 2 and "形成循环" in r.output


def test_a_longer_loop_is_found_where_the_chain_is_followed(tmp_path):
    cur, prev = make_years(tmp_path)
    older = tmp_path / "2018"
    import shutil

    shutil.copytree(prev.root, older)
    (older / "project.toml").write_text((older / "project.toml").read_text(encoding="utf-8").replace(
        "year = 2019", "year = 2018").replace('survey_url = "https://example.org/survey"',
                                              'survey_url = "https://example.org/survey"\nprevious = "../2020"'),
        encoding="utf-8")
    prev.replace("project.toml", 'survey_url = "https://example.org/survey"',
                 'survey_url = "https://example.org/survey"\nprevious = "../2018"')
    # the report follows one level only: 2020 -> 2019 is fine
    project, problems, loaded = load(cur)
    assert loaded is not None and not problems.errors
    # following the whole chain (the assessment) finds 2020 -> 2019 -> 2018 -> 2020
    problems = Problems()
    chain = follow_chain(cur.root, problems, "2020")
    assert [label for _, label in chain] == ["2020", "2019", "2018"]
    assert len(problems.errors) == 1
    assert "previous 形成循环：2020 → 2019 → 2018 → 2020" in problems.errors[0].format()
    assert problems.errors[0].source.path == "2018/project.toml"


def test_previous_missing_folder(tmp_path):
    cur, _ = make_years(tmp_path)
    cur.replace("project.toml", 'previous = "../2019"', 'previous = "../2018"')
    r = validate(cur.root)
    assert r.exit_code == 2
    assert "project.toml，设置项 previous：上一年度体检项目的文件夹“../2018”不存在（值：'../2018'）" in r.output


def test_previous_must_be_an_earlier_year(tmp_path):
    cur, prev = make_years(tmp_path)
    prev.replace("project.toml", "year = 2019", "year = 2020")
    r = validate(cur.root)
    assert r.exit_code == 2 and "体检年度为 2020 年，应早于本项目的 2020 年" in r.output


def test_previous_of_the_wrong_type(tmp_path):
    cur, _ = make_years(tmp_path)
    cur.replace("project.toml", 'previous = "../2019"', "previous = 2019")
    r = validate(cur.root)
    assert r.exit_code == 2 and "设置项 previous：“previous”应为文字" in r.output


def test_last_checkup_without_previous_is_a_problem_with_file_and_line(mini):
    mini.append("narratives/10-eco.md", "上年为{{ indicator('EC-01').last_checkup.value }}。")
    r = validate(mini.root)
    assert r.exit_code == 2
    line = len(mini.read("narratives/10-eco.md").splitlines())
    assert f"narratives/10-eco.md，第 {line} 行：引用了上一年度体检数据（last_checkup），但 project.toml 没有设置 previous" \
        in r.output


def test_last_checkup_of_a_code_last_year_did_not_have(tmp_path):
    cur, prev = make_years(tmp_path)
    cur.write("narratives/05-previous.md", NARRATIVE.replace("indicator('EC-01').last_checkup.year",
                                                             "indicator('TR-04').last_checkup.year"))
    cur.append("data/indicators.csv", "TR-04,新指标,交通便捷,基础指标,%,+,,50,jt,,统计,")
    r = validate(cur.root)
    assert r.exit_code == 2
    assert "narratives/05-previous.md，第 6 行：指标编号“TR-04”不在上一年度（2019年）体检的指标体系中" in r.output
    # guarded by has_last_checkup, the same citation is fine
    cur.write("narratives/05-previous.md", NARRATIVE.replace(
        "{{ indicator('EC-01').name }}由{{ indicator('EC-01').last_checkup.year }}年",
        "{% if indicator('TR-04').has_last_checkup %}{{ indicator('TR-04').last_checkup.year }}{% endif %}"))
    r = validate(cur.root)
    assert r.exit_code == 0, r.output


def test_previous_and_current_are_compared_from_the_same_code(tmp_path):
    """The previous project's scores are the ones `reportkit score` gives for it."""
    cur, prev = make_years(tmp_path)
    project, _, loaded = load(cur)
    own, _ = open_project(prev.root)
    pd.testing.assert_frame_equal(loaded.scores.table, score_project(own).table)
    cmp = compare_years(loaded.project, loaded.scores, project, score_project(project))
    assert cmp.prev_year == 2019 and cmp.year == 2020


def test_new_problems_are_told_apart_from_last_years_unknowns(tmp_path):
    from reportkit.compose.context import ComposeContext
    from reportkit.compose.report import compose_report
    from reportkit.document import dump
    from reportkit.theme import load_theme

    cur, prev = make_years(tmp_path)
    prev.replace("data/values.csv", "TR-02,甲市,2019,21,,", "TR-02,甲市,2019,19,,")      # 良好 in 2019
    prev.replace("data/values.csv", "EC-03,甲市,2019,40,,", "EC-03,甲市,2019,,,")        # 无数据 in 2019
    project, _, _ = load(cur)
    scores = score_project(project)
    text = dump(compose_report(ComposeContext(project, scores, load_theme(), tmp_path)))
    assert "另有1项指标由2019年的良好转为2020年的短板或预警：通勤时间超过45分钟的人口比例。" in text
    assert "另有1项指标2019年无法评价或未纳入指标体系，2020年评为短板或预警：新建建筑中绿色建筑占比。" in text


def test_chart_alt_texts_say_every_value():
    from reportkit.charts import ChartSpec, alt_text

    spec = ChartSpec("changes", "c", {"labels": ["甲", "乙"], "before": [40.0, 70.0], "after": [100.0, None],
                                      "status": ["resolved", "unrated"],
                                      "status_labels": {"resolved": "已解决", "unrated": "本年无法评价"},
                                      "before_label": "2019年", "after_label": "2020年", "unit": "分",
                                      "axis_label": "指标得分", "missing_label": "本年无得分"})
    assert alt_text(spec) == "指标得分：甲：2019年40.0分，2020年100.0分（已解决）；乙：2019年70.0分，2020年本年无得分（本年无法评价）。"
    spec = ChartSpec("series", "s", {"years": [2019, 2020], "series": [{"name": "总体", "values": [70.0, None]}],
                                     "unit": "分", "axis_label": "满意度"})
    assert alt_text(spec) == "满意度（分）：总体：2019 70.0、2020 —。"


def test_previous_that_no_file_system_can_hold(tmp_path):
    cur, _ = make_years(tmp_path)
    cur.replace("project.toml", 'previous = "../2019"', 'previous = "../20\\u00001"')
    r = validate(cur.root)
    assert r.exit_code == 2 and "上一年度体检项目的文件夹" in r.output and "不存在" in r.output
