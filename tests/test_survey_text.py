"""The survey chapter and the survey images say what the figures say, for any city: a printed
tie is a tie (持平, every tied item named, the same in the report and on the results image),
a grouping of one category is no comparison, nothing rejected is one sentence, a count axis
counts in whole numbers.  On the four-level city of tests/city_factory.py, where 住房,
小区（社区） and 城区（城市） all score 50.0, two pairs of towns tie, nothing is rejected and
every questionnaire is 线上, 其他 and 30-44岁."""
from __future__ import annotations

import dataclasses

import matplotlib
import pytest

from city_factory import TOWNS, make_city
from reportkit.document import Figure, Table
from reportkit.load.project import open_project
from reportkit.score.indicators import score_project
from reportkit.score.survey import run_survey
from reportkit.terms import project_terms
from survey_factory import make_project, response


from test_concerns_city import _plain  # noqa: E402  (the text of composed blocks)


def _walk(blocks):
    for b in blocks:
        yield b
        for f in ("blocks", "items", "paragraphs"):
            inner = getattr(b, f, None)
            if isinstance(inner, tuple):
                for x in inner:
                    yield from _walk(x if isinstance(x, tuple) else (x,))


def _chapter(root):
    from reportkit.compose.context import ComposeContext
    from reportkit.compose.survey_chapter import survey_chapter
    from reportkit.theme import load_theme

    project, _ = open_project(root)
    survey, scores = run_survey(project), score_project(project)
    ctx = ComposeContext(project, scores, load_theme(project.root), root / "figures", survey=survey)
    blocks = ctx.resolve(survey_chapter(ctx))
    return project, survey, scores, ctx, blocks, _plain(blocks).replace(" ", "")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return _chapter(make_city(tmp_path_factory.mktemp("city") / "p"))


def _figures(blocks) -> dict:
    return {b.key: b for b in _walk(blocks) if isinstance(b, Figure)}


def _tables(blocks) -> dict:
    return {b.key: b for b in _walk(blocks) if isinstance(b, Table)}


# --- #2 local vs migrant: a printed 0.0 is 持平 ---------------------------------------------
def test_a_printed_zero_gap_is_level_not_lower(city):
    text = city[-1]
    assert "外来人口与本地户籍居民相比，街区低9.3分，住房、小区（社区）和城区（城市）持平。" in text
    assert "低0.0" not in text and "高0.0" not in text


# --- #4 ties named, judged as printed ---------------------------------------------------------
def test_tied_dimensions_are_all_named(city):
    assert "各维度中，街区满意度最高（75.0分），住房、小区（社区）和城区（城市）最低（均为50.0分）。" in city[-1]


def test_tied_towns_are_all_named(city):
    _, survey, *_ = city
    towns = survey.groups("town").set_index("value")["overall"].astype(float).round(1)
    assert towns["石门镇"] == towns["河口镇"] and towns["青溪街道"] == towns["柳塘镇"]   # the fixture's ties
    assert ("6个乡镇（街道）中，满意度最高的是石门镇和河口镇（均为57.8分），"
            "最低的是青溪街道和柳塘镇（均为54.7分）。") in city[-1]


def test_tied_groups_of_a_gap_are_all_named(city):
    text = city[-1]
    assert "乡镇（街道）·街区（石门镇、河口镇81.3，青溪街道、柳塘镇68.8，相差12.5分）" in text
    rows = [_plain(r) for r in _tables(city[4])["survey-gaps"].rows]
    assert any("石门镇、河口镇（81.3）" in r and "青溪街道、柳塘镇（68.8）" in r for r in rows)


def test_every_level_and_single_item_sentences(tmp_path):
    from reportkit.compose.survey_chapter import _highest_lowest
    from reportkit.fmt import Formatter
    from reportkit.wording import load_toml

    L = load_toml("survey.toml")["chapter"]
    fmt = Formatter()
    level = _highest_lowest(fmt, L, {"甲": 60.04, "乙": 59.96, "丙": 60.0}, "overall", overall="60.0")
    assert level.endswith("满意度均为 60.0 分。") and "最高" not in level and "最低" not in level
    one = _highest_lowest(fmt, L, {"甲镇": 71.26}, "towns", n=1)
    assert one == "甲镇的满意度为 71.3 分。"
    two = _highest_lowest(fmt, L, {"甲镇": 71.26, "乙镇": 71.34, "丙镇": 70.0}, "towns", n=3)
    assert "最高的是甲镇和乙镇（均为 71.3 分），最低的是丙镇（70.0 分）" in two


def test_results_image_names_what_the_report_names(city):
    from reportkit.compose import promo
    from reportkit.render import png

    project, survey, *_ , text = city
    d = promo.load_design(project.root, terms=project_terms(project))
    camp = promo.campaign_from_project(project, d)
    res = png.render(promo.compose_results(camp, survey.summary, d))
    worst = res.text("worst.name").text.replace("\n", "")
    assert worst == "住房、小区（社区）和城区（城市）" and f"{worst}最低（均为50.0分）" in text
    assert res.text("worst.score").text == "均为50.0分"
    assert res.text("best.name").text == "街区" and "街区满意度最高（75.0分）" in text
    # every tied dimension's bar in the colour of 最需提升
    bars = {res.text(f"dim.{i}.name").text for i in range(4)}
    assert bars == {"住房", "小区（社区）", "街区", "城区（城市）"}


def test_results_image_of_level_dimensions_has_no_worst(city):
    from reportkit.compose import promo
    from reportkit.render import png

    project, survey, *_ = city
    d = promo.load_design(project.root, terms=project_terms(project))
    camp = promo.campaign_from_project(project, d)
    summary = dict(survey.summary, dimensions={k: 50.0 for k in survey.summary["dimensions"]})
    res = png.render(promo.compose_results(camp, summary, d))
    keys = {t.key for t in res.canvas.elements if hasattr(t, "key")}
    assert "worst.name" not in keys and "best.name" not in keys
    assert res.text("level.label").text == "各方面满意度相同"
    assert res.text("level.name").text == "住房、小区（社区）、街区和城区（城市）"
    assert res.text("level.score").text == "均为50.0分"


# --- #7 nothing rejected ----------------------------------------------------------------------
def test_nothing_rejected_is_one_sentence(city):
    *_, blocks, text = city
    assert "本次调查共回收问卷240份，按预先确定的规则逐条筛选，全部问卷均符合筛选规则，有效问卷240份，有效率100.0%。" in text
    assert "按首个不符合的规则归类" not in text
    assert "survey-screening" not in _figures(blocks) and "survey-screening" not in _tables(blocks)


def _with_rejections(root):
    rows = [response(i, occupation="产业工人" if i % 10 else "教师") for i in range(120)]
    rows[5]["duration_s"] = "20"             # one questionnaire answered too fast
    return _chapter(make_project(root, rows))


def test_screening_and_hatching_when_there_is_something_to_show(tmp_path):
    *_, ctx, blocks, text = _with_rejections(tmp_path / "p")
    assert "答题过快1份" in text and "survey-screening" in _tables(blocks)
    figs = _figures(blocks)
    assert "survey-screening" in figs
    # 教师: 12 questionnaires, fewer than 30: a hatched cell, and the note that explains it
    assert "灰色斜线格为样本不足" in _plain(figs["survey-heatmap"])
    # the count axis of the rejected questionnaires: whole numbers only
    from reportkit.charts.base import DRAWERS
    from reportkit.charts.style import rc_params

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(rc_params(ctx.theme))
        fig = DRAWERS["screening"](ctx.specs["survey-screening"], ctx.theme)
        fig.draw_without_rendering()
    ticks = [t for t in fig.axes[-1].get_xticks() if 0 <= t <= fig.axes[-1].get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks


# --- #11 groupings of one category ----------------------------------------------------------
def test_groupings_of_one_category_are_not_compared(city):
    *_, blocks, text = city
    assert "按户籍和乡镇（街道）分组计算满意度。" in text
    assert "职业、年龄段和填答渠道的有效问卷各为同一类别（分别为“其他”“30-44岁”“线上”），不作比较。" in text
    heat = _figures(blocks)["survey-heatmap"]
    assert "灰色斜线格" not in _plain(heat)          # no cell is hatched
    rows = [_plain(r) for r in _tables(blocks)["survey-groups"].rows]
    assert len(rows) == 2 and "本地户籍" in rows[0] and "外来人口" in rows[1]


# --- #5 concern themes ------------------------------------------------------------------------
def test_school_run_traffic_is_no_school_places_complaint(city):
    _, survey, *_ = city
    con = survey.concerns
    t = con.themes.set_index("theme")
    assert t.at["入学难", "mentions"] == 0                       # the 7 school-run jams
    assert "小孩上学的时候路上太堵了" in con.quotes["交通拥堵"]      # ...are traffic
    # school places are tied to the school indicator, kindergartens to the kindergarten one
    assert (t.at["入学难", "dimension"], t.at["入学难", "indicators"]) == ("街区", "JQ-01")
    assert (t.at["入园难", "dimension"], t.at["入园难", "indicators"]) == ("小区（社区）", "SQ-03")
    assert t.at["入学难", "choices"] > 0                          # 学校教育 chosen


# --- #12 keyword fragments ----------------------------------------------------------------
def test_keywords_of_the_city_hold_no_fragments(city):
    _, survey, *_ = city
    words = set(survey.concerns.keywords["word"])
    assert not words & {"小时", "要排", "像样", "门口", "路上", "路边"}, words
    assert {"停车", "车位", "物业", "电梯", "公园", "看病"} <= words


# --- #21 / #23 / #33 one channel, every town ------------------------------------------------
def test_one_channel_is_named_as_the_way_of_collection(city):
    from reportkit.compose.report import ReportComposer

    project, survey, scores, ctx, *_ = city
    text = _plain(ctx.resolve(ReportComposer(ctx).overview())).replace(" ", "")
    assert "社会满意度调查于2024年6月1日至6月28日开展，采用线上方式，共回收问卷240份" in text
    assert "线上（240份）" not in text


def test_progress_image_of_one_channel_and_every_town(city):
    from reportkit.compose import promo
    from reportkit.render import png

    project, *_ = city
    d = promo.load_design(project.root, terms=project_terms(project))
    camp = promo.campaign_from_project(project, d)
    prog = promo.survey_progress(project)
    assert prog.channels[0] == ("线上", 240) and prog.town_count == len(TOWNS)
    res = png.render(promo.compose_progress(camp, prog, d))
    keys = {t.key for t in res.canvas.elements if hasattr(t, "key")}
    assert "channel.heading" not in keys and "channel.线上" not in keys
    assert res.text("town.heading").text == "各乡镇（街道）问卷数"
    # the towns take the place the channels had
    assert res.text("town.heading").box[1] == d.box("progress", "by_channel")[1]
    # more towns than are shown: the heading says it is a selection
    few = dataclasses.replace(prog, towns=prog.towns[:4])
    res = png.render(promo.compose_progress(camp, few, d))
    assert res.text("town.heading").text == "问卷数最多的4个乡镇（街道）"
