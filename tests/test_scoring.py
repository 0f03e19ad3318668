"""Indicator rating, score, trend and progress rules (contract: "Indicator rating")."""
import math

import pytest

from reportkit.load.project import open_project
from reportkit.score.indicators import (choose_reference, indicator_score, progress, rate, score_project,
                                        trend)

NAN = math.nan


@pytest.mark.parametrize("value,ref,direction,expected", [
    (100, 100, "+", "良好"),          # exactly on the reference
    (100.0001, 100, "+", "良好"),
    (99.999, 100, "+", "预警"),
    (90, 100, "+", "预警"),           # exactly on the 10 % band
    (89.999, 100, "+", "短板"),
    (100, 100, "-", "良好"),
    (110, 100, "-", "预警"),          # exactly on the band, lower-is-better
    (110.001, 100, "-", "短板"),
    (95, 100, "-", "良好"),
    (0.3, 0.3, "+", "良好"),          # float edge: 0.3 is not exactly representable
    (0.27, 0.3, "+", "预警"),         # 0.3 * 0.9 = 0.27 on the edge
    (0.33, 0.3, "-", "预警"),         # 0.3 * 1.1 = 0.33 on the edge
    (NAN, 100, "+", "无数据"),
    (NAN, NAN, "+", "无数据"),
    (50, NAN, "+", "无参照"),
])
def test_rating_edges(value, ref, direction, expected):
    assert rate(value, ref, direction, 0.10) == expected


def test_warning_band_override():
    assert rate(85, 100, "+", 0.15) == "预警"
    assert rate(85, 100, "+", 0.10) == "短板"


def test_reference_choice():
    assert choose_reference(15, 12, [1, 2]) == (15, "target")
    assert choose_reference(NAN, 12, [1, 2]) == (12, "standard")
    assert choose_reference(NAN, NAN, [3, 1, 2]) == (2, "peer_median")
    assert choose_reference(NAN, NAN, [3, 1, 2, 10]) == (2.5, "peer_median")
    ref, kind = choose_reference(NAN, NAN, [])
    assert math.isnan(ref) and kind == "none"


@pytest.mark.parametrize("value,ref,direction,expected", [
    (100, 100, "+", 100), (120, 100, "+", 100), (90, 100, "+", 60), (95, 100, "+", 80),
    (45, 100, "+", 30), (0, 100, "+", 0), (-5, 100, "+", 0),
    (110, 100, "-", 60), (105, 100, "-", 80), (200, 100, "-", 0), (80, 100, "-", 100),
])
def test_score_formula(value, ref, direction, expected):
    assert indicator_score(value, ref, direction, 0.10) == pytest.approx(expected)


def test_score_is_monotonic_and_continuous():
    xs = [i / 10 for i in range(0, 1300)]
    up = [indicator_score(x, 100, "+") for x in xs]
    assert all(a <= b + 1e-9 for a, b in zip(up, up[1:]))
    down = [indicator_score(x, 100, "-") for x in xs]
    assert all(a >= b - 1e-9 for a, b in zip(down, down[1:]))
    assert indicator_score(89.99999, 100, "+") == pytest.approx(60, abs=1e-3)
    assert math.isnan(indicator_score(NAN, 100, "+"))
    assert math.isnan(indicator_score(5, NAN, "+"))


@pytest.mark.parametrize("value,prev,direction,expected", [
    (101, 100, "+", "持平"),      # exactly 1 %
    (99, 100, "+", "持平"),
    (101.5, 100, "+", "改善"),
    (98, 100, "+", "恶化"),
    (98, 100, "-", "改善"),
    (102, 100, "-", "恶化"),
    (0, 0, "+", "持平"),
    (1, 0, "+", "改善"),
    (NAN, 100, "+", ""),
    (100, NAN, "+", ""),
])
def test_trend(value, prev, direction, expected):
    assert trend(value, prev, direction, 0.01) == expected


def test_progress_statcan_method():
    # base 100 (2017) -> 110 (2020), target 150 by 2025: observed 3.23 %/yr, needed 5.20 %/yr
    ratio, label = progress(2017, 100, 2020, 110, 2025, 150, "+")
    assert ratio == pytest.approx(((1.1 ** (1 / 3)) - 1) / ((1.5 ** (1 / 8)) - 1))
    assert label == "需加快"
    assert progress(2017, 100, 2020, 160, 2025, 150, "+")[1] == "已达成"
    assert progress(2017, 100, 2020, 95, 2025, 150, "+")[1] == "倒退"
    assert progress(2017, 100, 2020, 101, 2025, 150, "+")[1] == "进展有限"
    assert progress(2017, 100, 2020, 125, 2025, 150, "+")[1] == "按期可达"
    # lower is better
    assert progress(2017, 40, 2020, 30, 2025, 20, "-")[1] == "按期可达"
    # met in the base year, no longer met: deteriorating, not "on track"
    assert progress(2017, 31.2, 2020, 28.4, 2025, 30, "+")[1] == "倒退"
    assert progress(2017, 18, 2020, 21, 2025, 20, "-")[1] == "倒退"


def test_score_project_on_mini(mini):
    project, _ = open_project(mini.root)
    s = score_project(project)
    t = s.table.set_index("code")
    assert t.loc["EC-01", "reference_kind"] == "target" and t.loc["EC-01", "rating"] == "预警"
    assert t.loc["EC-02", "reference_kind"] == "standard" and t.loc["EC-02", "rating"] == "良好"
    # peer median of 50, 44, 30 = 44; 40.2 is within 10 %
    assert t.loc["EC-03", "reference"] == 44 and t.loc["EC-03", "rating"] == "预警"
    assert t.loc["TR-01", "rating"] == "无参照"
    assert t.loc["TR-03", "rating"] == "无数据"
    # trend falls back to the latest earlier year with a value (2019 missing -> 2018)
    assert t.loc["EC-02", "previous_year"] == 2018 and t.loc["EC-02", "trend"] == "改善"
    assert t.loc["TR-02", "trend"] == "恶化"          # lower is better, 20 -> 23
    assert t.loc["EC-01", "rank"] == 2 and t.loc["EC-01", "rank_of"] == 3
    d = s.dimensions.set_index("dimension")
    assert d.loc["生态宜居", "indicators"] == 3
    assert d.loc["生态宜居", "score"] == pytest.approx((t.loc["EC-01", "score"] + 100 + t.loc["EC-03", "score"]) / 3, abs=0.01)
    assert d.loc["交通便捷", ["良好", "预警", "短板", "无数据", "无参照"]].tolist() == [0, 0, 1, 1, 1]
    towns = s.towns[s.towns["code"] == "TR-02"]
    assert towns["area"].tolist() == ["丙街道", "乙镇", "甲镇"]  # lower is better
    assert towns["rank"].tolist() == [1, 2, 3]


def test_nothing_about_the_demo_is_hard_coded(mini):
    """Another city, other dimensions and years: scoring follows the data."""
    mini.replace("project.toml", 'city = "甲市"', 'city = "乙市"')
    mini.replace("data/areas.csv", "甲市,city\n", "甲市,peer\n")
    mini.replace("data/areas.csv", "乙市,peer\n", "乙市,city\n")
    project, _ = open_project(mini.root)
    s = score_project(project)
    assert s.city == "乙市"
    assert s.table.set_index("code").loc["EC-01", "value"] == 16
