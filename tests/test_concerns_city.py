"""Concerns, choices and hot issues on a city of another shape than the demo
(tests/city_factory.py: the four-level system 住房 / 小区（社区） / 街区 / 城区（城市）)."""
from __future__ import annotations

import dataclasses

import pytest

from city_factory import CHOICE, DIMS, OTHER_CHOICE, make_city
from reportkit.load.project import open_project
from reportkit.score.indicators import score_project
from reportkit.score.survey import run_survey


def _open(root):
    project, _ = open_project(root)
    return project, run_survey(project), score_project(project)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return _open(make_city(tmp_path_factory.mktemp("city") / "p"))


def test_themes_find_the_projects_own_dimensions(city):
    _, survey, _ = city
    t = survey.concerns.themes.set_index("theme")
    expect = {"交通拥堵": "城区（城市）", "停车难": "小区（社区）", "住房质量与物业": "住房", "公园绿地不足": "街区",
              "看病就医": "街区", "内涝积水": "城区（城市）"}
    for theme, dim in expect.items():
        assert t.at[theme, "dimension"] == dim, theme
    assert set(t.loc[t["concern"] > 0, "dimension"]) - {""} <= set(DIMS)
    assert "CQ-01" in t.at["交通拥堵", "indicators"] and "SQ-01" in t.at["停车难", "indicators"]


def test_every_day_jams_count_as_traffic_and_fillers_are_no_keywords(city):
    _, survey, _ = city
    con = survey.concerns
    quotes = con.quotes["交通拥堵"]
    assert "每天都堵，上班要一个小时" in quotes
    words = set(con.keywords["word"])
    assert not words & {"很大", "晚上", "地方", "只能", "时候", "每天", "临时"}
    assert {"车位", "物业", "电梯", "公园"} <= words


def test_improvement_choice_is_counted_beside_open_text(city):
    _, survey, _ = city
    con = survey.concerns
    assert set(con.choice_respondents) == {CHOICE[0]}            # not the residence-length question
    assert OTHER_CHOICE[0] not in set(con.choices["qid"])
    assert con.choice_respondents[CHOICE[0]] == 228               # 240 minus every 20th
    ch = con.choices.set_index("option")
    assert ch.at["停车设施", "theme"] == "停车难" and ch.at["物业管理", "theme"] == "住房质量与物业"
    assert ch.at["买菜购物", "theme"] == "社区服务与配套"
    assert ch["count"].is_monotonic_decreasing
    t = con.themes.set_index("theme")
    assert t.at["停车难", "choices"] == ch.at["停车设施", "count"]
    assert t.at["停车难", "concern"] == pytest.approx((t.at["停车难", "share"] + t.at["停车难", "choice_share"]) / 2)


def test_near_duplicates_are_one_quote(city):
    _, survey, _ = city
    quotes = survey.concerns.quotes["住房质量与物业"]
    assert sum("电梯经常坏" in q for q in quotes) == 1


def test_hot_issues_of_the_other_city(city):
    from reportkit.analyse.hot_issues import hot_issues

    _, survey, scores = city
    hot = hot_issues(scores, survey)
    assert len(hot.top) == 5 and hot.reason == ""
    assert set(hot.top["dimension"]) <= set(DIMS)
    assert {"交通拥堵", "停车难"} <= set(hot.top["problem"])


def test_no_answers_gives_a_reason_not_an_empty_table(tmp_path):
    from reportkit.analyse.hot_issues import NO_ANSWERS, hot_issues

    _, survey, scores = _open(make_city(tmp_path / "p", text_share=0.0, choice=False))
    hot = hot_issues(scores, survey)
    assert len(hot.top) == 0 and hot.reason == NO_ANSWERS
    text = _chapter_text(tmp_path / "p")
    assert "无法识别热点问题" in text and "排出以下" not in text


def test_answers_that_fit_no_theme_give_a_reason(tmp_path):
    from reportkit.analyse.hot_issues import NO_MATCH, hot_issues

    _, survey, scores = _open(make_city(tmp_path / "p", choice=False, answers=[("谢谢你们辛苦了，继续加油", 1)]))
    assert hot_issues(scores, survey).reason == NO_MATCH
    assert "未排出热点问题" in _chapter_text(tmp_path / "p")


def test_project_override_pins_and_adds_themes(tmp_path):
    own = ('[[themes]]\nname = "停车难"\npatterns = ["停车", "车位"]\ndimension = "城区（城市）"\n\n'
           '[[themes]]\nname = "物业服务差"\npatterns = ["物业"]\nindicators = ["电梯"]\n\n'
           '[quotes]\nper_theme = 1\n')
    _, survey, _ = _open(make_city(tmp_path / "p", concerns_toml=own))
    con = survey.concerns
    t = con.themes.set_index("theme")
    assert t.at["停车难", "dimension"] == "城区（城市）"          # pinned by the project
    assert t.at["物业服务差", "dimension"] == "住房" and t.at["物业服务差", "mentions"] > 0
    assert "交通拥堵" in t.index                                  # built-in themes kept
    assert all(len(q) <= 1 for q in con.quotes.values())          # its settings replace the built-in ones
    _, only, _ = _open(make_city(tmp_path / "q", concerns_toml="replace_themes = true\n" + own))
    assert set(only.concerns.themes["theme"]) == {"停车难", "物业服务差"}


def _plain(obj) -> str:
    if isinstance(obj, str):
        return obj
    if isinstance(obj, (list, tuple)):
        return "".join(_plain(x) for x in obj)
    if dataclasses.is_dataclass(obj):
        return "".join(_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                       if f.name not in ("path", "key", "anchor", "role", "style", "align", "widths", "size"))
    return ""


def _chapter_text(root) -> str:
    from reportkit.compose.context import ComposeContext
    from reportkit.compose.survey_chapter import survey_chapter
    from reportkit.theme import load_theme

    project, survey, scores = _open(root)
    ctx = ComposeContext(project, scores, load_theme(project.root), root / "figures", survey=survey)
    return _plain(ctx.resolve(survey_chapter(ctx)))


def test_survey_chapter_of_the_other_city(tmp_path):
    text = _chapter_text(make_city(tmp_path / "p"))
    assert "。。" not in text and "，，" not in text and "{" not in text
    flat = text.replace(" ", "")
    # the question as asked; multiple choice, as both the questionnaire and the answers say
    assert "“您认为所在街道最需要改善的方面是？”为多选题，共有228人作答" in flat
    assert "多选题各项比例之和可超过100%" in flat
    assert "停车设施" in text and "排出以下五个热点问题" in text
    # the options of no theme are reported as chosen ("其他"), not ranked with the themes
    assert "“其他”（" in flat and "未对应到具体关注主题" in flat
    for dim in ("城区（城市）", "小区（社区）", "住房"):
        assert dim in text
