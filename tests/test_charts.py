"""Chart stage: baseline images, alt text, fonts, cache, determinism, errors."""
from __future__ import annotations

import dataclasses
import importlib.util
import io
import logging
import warnings
from pathlib import Path

import matplotlib
import pytest
from matplotlib.testing.compare import compare_images
from PIL import Image

from reportkit.charts import ChartSpec, alt_text, draw_png, render, spec_hash, style
from reportkit.charts.base import DRAWERS
from reportkit.charts.peers import ranked
from reportkit.charts.size import pixel_size
from reportkit.errors import ReportkitError

_spec = importlib.util.spec_from_file_location("update_baselines", Path(__file__).with_name("update_baselines.py"))
ub = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ub)

SAMPLES = {s.name: s for s in ub.samples()}
TOLERANCE = 2.0  # RMS of the pixel difference, 0–255


@pytest.fixture(scope="module")
def theme():
    return ub.baseline_theme()


def png_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


# -- baselines -------------------------------------------------------------------

CORE_KINDS = {"radar", "ratings", "trend", "peers", "towns", "tracking", "bars",
              "heatmap", "screening", "keywords", "dumbbell"}


def test_every_core_kind_is_registered_and_has_a_sample():
    assert CORE_KINDS <= set(DRAWERS)
    assert {s.kind for s in SAMPLES.values()} >= CORE_KINDS


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_matches_baseline(name, theme, tmp_path):
    baseline = ub.BASELINE_DIR / f"{name}.png"
    assert baseline.exists(), f"missing {baseline}; run `make baselines` and look at the images"
    actual = tmp_path / f"{name}.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph (or any warning) fails the test
        actual.write_bytes(draw_png(SAMPLES[name], theme))
    err = compare_images(str(baseline), str(actual), tol=TOLERANCE)
    assert err is None, err
    # the size a PDF is laid out with before the chart is drawn (charts/size.py)
    assert pixel_size(SAMPLES[name], theme) == png_size(actual.read_bytes())


def test_map_and_bars_differ(theme):
    bars = draw_png(SAMPLES["towns"], theme)
    mapped = draw_png(SAMPLES["towns-map"], theme)
    assert bars != mapped
    assert png_size(bars) != png_size(mapped)


# -- fonts and glyphs ---------------------------------------------------------------

def test_apply_theme_sets_rcparams(theme):
    with matplotlib.rc_context():
        style.apply_theme(theme)
        rc = matplotlib.rcParams
        assert rc["font.family"] == ["Noto Sans SC"]
        assert rc["axes.unicode_minus"] is False
        assert rc["svg.hashsalt"] == "reportkit"
        assert rc["font.size"] == theme.chart["font_size"]
        assert rc["figure.dpi"] == theme.chart["dpi"]


def test_no_glyph_warning_with_symbols(theme, caplog):
    spec = ChartSpec("bars", "symbols", {
        "labels": ["绿地面积㎡", "增幅％", "下降—幅度", "负值"], "values": [1234.5, 12.0, -3.25, -0.5],
        "unit": "㎡", "axis_label": "面积—比例％", "orientation": "v", "reference": -1,
        "reference_label": "参考—值"}, title="符号测试：㎡ — ％ 0123456789 −")
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("error")
        png = draw_png(spec, theme)
    assert png.startswith(b"\x89PNG")
    assert not [r for r in caplog.records if r.name.startswith("matplotlib")]


def test_character_no_font_covers_is_a_clear_error(theme, tmp_path):
    spec = ChartSpec("bars", "emoji", {"labels": ["东城😀"], "values": [1.0]})
    with pytest.raises(ReportkitError) as exc:
        draw_png(spec, theme)
    assert "😀" in exc.value.message and "emoji" in exc.value.message
    # check_specs checks every spec before any is drawn
    calls = []
    with pytest.raises(ReportkitError):
        render.draw_many([SAMPLES["trend"], spec], theme, progress=lambda i, n: calls.append(i))
    assert calls == []


def test_font_check_covers_geojson_labels_only(theme):
    gj = ub.town_geojson()
    gj["features"][0]["properties"]["area"] = "莞城😀"
    gj["features"][1]["properties"]["note"] = "😀 not drawn"
    spec = dataclasses.replace(SAMPLES["towns-map"], data={**SAMPLES["towns-map"].data, "geojson": gj})
    with pytest.raises(ReportkitError, match="😀"):
        draw_png(spec, theme)
    gj["features"][0]["properties"]["area"] = "莞城街道"
    draw_png(spec, theme)  # the unshown property does not matter


# -- alt text ----------------------------------------------------------------------

@pytest.mark.parametrize("name, needles", [
    ("trend", ["东莞市2016—2020年人均公园绿地面积分别为13.8、14.1、无数据、14.6、15.2",
               "规划目标为15.0平方米/人", "数值越高越好"]),
    ("peers", ["2020年城市道路网密度", "深圳市9.41", "东莞市6.12", "无锡市无数据", "东莞市居第6位（共6个城市有数据）",
               "对标城市中位数为6.80"]),
    ("radar", ["生态宜居82.5", "多元包容91.4", "居民满意度：生态宜居76.1", "满分100分"]),
    ("ratings", ["生态宜居良好5项、预警1项、短板1项", "合计良好30项"]),
    ("towns", ["东坑镇23.6", "洪梅镇无数据", "全市为15.2平方米/人", "规划目标为15.0平方米/人", "优于全市18个，差于全市15个"]),
    ("tracking", ["共34项建议", "已开展18项（53%）", "市自然资源局已开展5项、正在研究2项"]),
    ("bars", ["本地户籍74.6分", "个体经营者样本不足", "全市为72.0分"]),
    ("bars-vertical", ["满意20,931份"]),
])
def test_alt_text_mentions_values(name, needles):
    alt = alt_text(SAMPLES[name])
    for needle in needles:
        assert needle in alt, f"{needle!r} not in {alt!r}"
    assert alt.endswith("。")


def test_a_rating_no_indicator_has_is_not_in_the_legend(theme):
    spec = ChartSpec("ratings", "r", {"labels": ["住房", "街区"],
                                      "counts": {"良好": [1, 2], "短板": [2, 0], "无数据": [0, 0], "无参照": [0, 0]}})
    alt = alt_text(spec)
    assert "合计良好3项、短板2项。" in alt and "无数据" not in alt and "无参照" not in alt
    fig = draw_figure(spec, theme)
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    assert [t.get_text() for lg in legends for t in lg.get_texts()] == ["良好", "短板"]


# -- numbers -------------------------------------------------------------------------

@pytest.mark.parametrize("value, decimals, text", [
    (1234567.891, 1, "1,234,567.9"), (0.456, 2, "0.46"), (-0.01, 1, "0.0"), (12, 0, "12"),
    (None, 1, "—"), (float("nan"), 1, "—"),
])
def test_fmt(value, decimals, text):
    assert style.fmt(value, decimals) == text


def test_ranked_follows_direction():
    nan = float("nan")
    assert [a for a, _ in ranked(["a", "b", "c", "d"], [2.0, nan, 5.0, 1.0], "+")] == ["c", "a", "d", "b"]
    assert [a for a, _ in ranked(["a", "b", "c", "d"], [2.0, nan, 5.0, 1.0], "-")] == ["d", "a", "c", "b"]


# -- layout ----------------------------------------------------------------------------

def test_town_bars_grow_with_count(theme):
    full = SAMPLES["towns"]
    few = dataclasses.replace(full, data={**full.data, "areas": ub.TOWNS[:5], "values": ub.town_values()[:5]})
    w_full, h_full = png_size(draw_png(full, theme))
    w_few, h_few = png_size(draw_png(few, theme))
    assert w_full == w_few == int(theme.chart["width_cm"] / 2.54 * theme.chart["dpi"])  # Agg truncates
    # 34 bars at ≥ 0.42 cm each (plus margins) at 100 dpi
    assert h_full >= 34 * 0.42 / 2.54 * theme.chart["dpi"]
    assert h_few < h_full / 2


def test_explicit_size_is_honoured(theme):
    spec = dataclasses.replace(SAMPLES["trend"], size=(8.0, 6.0))
    assert png_size(draw_png(spec, theme)) == (int(8 / 2.54 * 100), int(6 / 2.54 * 100))


# -- determinism and errors -------------------------------------------------------------

def test_byte_identical_and_independent_of_global_rcparams(theme):
    first = draw_png(SAMPLES["peers"], theme)
    with matplotlib.rc_context({"lines.linewidth": 9, "font.size": 30, "axes.facecolor": "red"}):
        second = draw_png(SAMPLES["peers"], theme)
    assert first == second


def test_unknown_kind(theme, tmp_path):
    spec = ChartSpec("pie", "x", {})
    with pytest.raises(ReportkitError, match="pie"):
        draw_png(spec, theme)
    with pytest.raises(ReportkitError, match="未知的图表类型"):
        render.draw_many([spec], theme)


@pytest.mark.parametrize("spec, message", [
    (ChartSpec("trend", "t", {"years": [2019, 2020], "values": [1.0]}), "长度不一致"),
    (ChartSpec("bars", "b", {"labels": ["甲"]}), "缺少字段 values"),
    (ChartSpec("ratings", "r", {"labels": ["甲"], "counts": {"优秀": [1]}}), "未知的评级 优秀"),
    (ChartSpec("radar", "d", {"labels": ["甲", "乙"], "values": [1, 2]}), "至少需要 3 个维度"),
    (ChartSpec("towns", "m", {"areas": ["甲"], "values": [1.0], "geojson": {
        "type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                   "geometry": {"type": "Point", "coordinates": [0, 0]}}]}}),
     "缺少属性 area"),
])
def test_bad_data_is_a_clear_error(spec, message, theme):
    with pytest.raises(ReportkitError, match=message) as exc:
        draw_png(spec, theme)
    assert spec.name in exc.value.message


def test_duplicate_names_rejected(theme, tmp_path):
    a = SAMPLES["trend"]
    b = dataclasses.replace(a, data={**a.data, "values": [1, 2, 3, 4, 5]})
    with pytest.raises(ReportkitError, match="同一个文件名"):
        render.draw_many([a, b], theme)


# -- drawing many charts: cache, the build's worker pool ----------------------------------

def test_cache_hit_does_not_redraw(theme, tmp_path, monkeypatch):
    calls = []
    real = render.draw_png
    monkeypatch.setattr(render, "draw_png", lambda spec, th: calls.append(spec.name) or real(spec, th))
    specs = [SAMPLES["trend"], SAMPLES["bars"]]
    seen = []
    cache = tmp_path / "cache"
    out = render.draw_many(specs, theme, cache, progress=lambda i, n: seen.append((i, n)))
    assert sorted(calls) == ["bars", "trend"]
    assert seen == [(1, 2), (2, 2)]
    assert list(out.png) == ["trend", "bars"] and out.hits == 0
    name = f"{spec_hash(specs[0], theme.data)}.png"
    assert out.new_cache[name] == out.png["trend"]
    assert not cache.exists()                      # nothing is written here: the build's writer does
    cache.mkdir()
    for n, png in out.new_cache.items():
        (cache / n).write_bytes(png)

    calls.clear()
    again = render.draw_many(specs, theme, cache)
    assert calls == [] and again.hits == 2 and again.new_cache == {}
    assert again.png == out.png

    other = dataclasses.replace(theme, data={**theme.data, "colors": {**theme.colors, "primary": "#000000"}})
    render.draw_many(specs, other, cache)
    assert sorted(calls) == ["bars", "trend"]  # a theme change invalidates the cache


def test_pool_matches_in_process(theme, tmp_path):
    from reportkit.workers import Workers

    specs = [SAMPLES[n] for n in ("trend", "peers", "bars", "bars-vertical", "ratings")]
    with Workers(2, theme, None, warm=False) as pool:
        pngs, cache, rendered = pool.run(specs, [], {})
        for spec in specs:
            assert pngs[spec.name] == draw_png(spec, theme), spec.name
        assert sorted(cache) == sorted(f"{spec_hash(s, theme.data)}.png" for s in specs)
        # a data error inside a worker comes back as the same clear ReportkitError
        bad = ChartSpec("trend", "bad-trend", {"years": [2019, 2020], "values": [1.0]})
        fresh = [dataclasses.replace(s, name=f"{s.name}-2", data={**s.data, "decimals": 3}) for s in specs[:3]]
        with pytest.raises(ReportkitError, match="bad-trend.*长度不一致"):
            pool.run(fresh + [bad], [], {})


def test_town_totals_are_not_rated_against_the_city_target(theme):
    spec = ChartSpec("towns", "towns-total", {
        "indicator": "村级工业园改造面积", "unit": "亩", "areas": ["甲镇", "乙镇", "丙镇"],
        "values": [600.0, 300.0, 100.0], "city_value": 1000.0, "reference": 800.0,
        "reference_label": "规划目标", "direction": "+"})
    alt = alt_text(spec)
    assert "合计1,000亩" in alt and "差于全市" not in alt and "规划目标" not in alt and "由大到小" in alt
    rated = dataclasses.replace(spec, data={**spec.data, "additive": False})
    assert "差于全市3个" in alt_text(rated)
    per_capita = dataclasses.replace(spec, data={**spec.data, "per_capita": [60.0, 10.0, 5.0],
                                                 "city_per_capita": 20.0})
    assert "优于全市1个，差于全市2个" in alt_text(per_capita) and "规划目标" not in alt_text(per_capita)
    assert draw_png(spec, theme) != draw_png(rated, theme)


# -- legibility: value labels vs reference lines, panels, notes ---------------------------

def draw_figure(spec, theme):
    """The drawer's Figure under the house style, laid out as when saved."""
    from reportkit.charts.style import rc_params

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(rc_params(theme))
        fig = DRAWERS[spec.kind](spec, theme)
        fig.draw_without_rendering()
    return fig


def label_line_clearance(fig) -> list[tuple[str, float]]:
    """(label, clearance in points) of every value label against every reference line it
    could meet: the label's glyphs against vertical lines (labels beside bars) or
    horizontal ones (labels above bars and points); negative = the line runs through it."""
    renderer = fig._get_renderer()
    out = []
    for ax in fig.axes:
        xs, ys = style._reference_positions(ax)
        for ann in ax.texts:
            if not callable(getattr(ann, "anncoords", None)):
                continue  # not a value label (e.g. a reference line's own label)
            box = ann.get_window_extent(renderer)
            off_x, off_y = ann.xyann
            if abs(off_x) >= abs(off_y):
                spans, lines = (box.x0, box.x1), xs
            else:
                spans, lines = style._ink_rows(ann, box, renderer), ys
            for pos, half in lines:
                gap = max(spans[0] - (pos + half), (pos - half) - spans[1])
                out.append((ann.get_text(), gap * 72 / fig.dpi))
    return out


NEAR_LINE = [
    ChartSpec("peers", "near-v", {  # labels 17.4 / 17.3 / 17.9 would sit on the 18.0 line
        "indicator": "人均公园绿地面积", "unit": "平方米/人", "areas": ["甲市", "乙市", "丙市", "丁市", "戊市"],
        "values": [19.6, 17.9, 17.4, 17.3, 14.9], "city": "丙市", "reference": 18.0,
        "reference_label": "规划目标", "direction": "+"}),
    ChartSpec("towns", "near-h", {  # two lines close together, labels just short of both
        "indicator": "平均车速", "unit": "公里/小时", "areas": [f"{i}号镇" for i in range(12)],
        "values": [42.3, 31.7, 30.4, 29.8, 29.2, 28.9, 28.6, 27.6, 26.8, 26.1, 25.4, 22.5],
        "city_value": 28.4, "reference": 30.0, "reference_label": "规划目标", "direction": "+"}),
    ChartSpec("bars", "near-bars", {
        "labels": [f"{i}号镇" for i in range(10)], "values": [79.3, 75.0, 74.2, 73.9, 73.3, 72.7, 71.7, 70.8, 69.4, 67.9],
        "reference": 73.9, "reference_label": "全市", "max": 100}),
    ChartSpec("trend", "near-trend", {"years": [2018, 2019, 2020], "values": [29.1, 29.8, 31.2],
                                      "reference": 30.0, "reference_label": "规划目标"}),
]


@pytest.mark.parametrize("spec", NEAR_LINE + [SAMPLES[n] for n in ("peers", "towns", "bars", "trend")],
                         ids=lambda s: s.name)
def test_reference_lines_never_run_through_value_labels(spec, theme):
    clearances = label_line_clearance(draw_figure(spec, theme))
    assert clearances
    crossed = [(t, round(g, 1)) for t, g in clearances if g < 1.0]
    assert not crossed, crossed


def test_a_label_on_the_line_is_moved_just_past_it(theme):
    fig = draw_figure(NEAR_LINE[0], theme)
    ax = fig.axes[0]
    (line_y, _), = style._reference_positions(ax)[1]
    labels = {t.get_text(): t.get_window_extent() for t in ax.texts
              if callable(getattr(t, "anncoords", None))}
    for moved in ("17.9", "17.4", "17.3"):
        assert labels[moved].y0 > line_y  # above the line, not on it
        assert labels[moved].y0 - line_y < 20 * fig.dpi / 72  # and only just
    # moved labels sit as far above the line as a label sits above its bar
    assert labels["17.4"].y0 == pytest.approx(labels["17.3"].y0, abs=0.5)
    assert labels["14.9"].y1 < line_y  # a label well below the line stays at its bar


def test_screening_bar_is_a_separate_panel(theme):
    fig = draw_figure(SAMPLES["screening"], theme)
    top, gap, bottom = fig.axes
    assert not top.axison and not gap.axison and bottom.axison
    assert top.get_title(loc="left") == "回收问卷 87,000 份"
    assert bottom.get_title(loc="left") == "无效问卷 8,000 份，按首个不符合的规则"
    renderer = fig._get_renderer()
    space = top.get_position().y0 - bottom.title.get_window_extent(renderer).y1 / fig.bbox.height
    assert space * fig.get_figheight() * 2.54 > 0.4  # centimetres between the panels


def test_towns_without_value_are_named_under_the_chart(theme):
    spec = SAMPLES["towns"]
    fig = draw_figure(spec, theme)
    assert fig.get_supxlabel() == "无数据：洪梅镇"
    ax = fig.axes[0]
    assert len(ax.patches) == len(ub.TOWNS) - 1  # no empty bar that reads as zero
    assert "洪梅镇" not in [t.get_text() for t in ax.get_yticklabels()]
    assert "；洪梅镇无数据" in alt_text(spec)
    full = dataclasses.replace(spec, data={**spec.data, "values": [v or 10.0 for v in spec.data["values"]]})
    assert draw_figure(full, theme).get_supxlabel() == ""


def test_missing_note_breaks_between_names():
    from reportkit.charts.towns import missing_note

    towns = ["东莞滨海湾新区", "洪梅镇", "望牛墩镇", "大岭山镇", "樟木头镇"]
    note = missing_note(towns, 16)
    lines = note.split("\n")
    assert len(lines) > 1 and all(len(x) <= 16 for x in lines)
    assert note.replace("\n", "") == "无数据：" + "、".join(towns)
    assert missing_note(["甲镇"], 40) == "无数据：甲镇"


def test_town_total_equal_to_the_city_value_is_said_once(theme):
    spec = ChartSpec("towns", "towns-total", {
        "indicator": "村级工业园改造面积", "unit": "亩", "areas": ["甲镇", "乙镇", "丙镇"],
        "values": [600.0, 300.0, 100.0], "city_value": 1000.0, "direction": "+"})
    legend = [t.get_text() for t in draw_figure(spec, theme).axes[0].get_legend().get_texts()]
    assert legend == ["全市合计 1,000"]
    alt = alt_text(spec)
    assert "；全市合计1,000亩。" in alt and "全市为" not in alt
    other = dataclasses.replace(spec, data={**spec.data, "city_value": 1100.0})
    legend = [t.get_text() for t in draw_figure(other, theme).axes[0].get_legend().get_texts()]
    assert legend == ["合计 1,000，全市 1,100"]
    assert "；合计1,000亩；全市为1,100亩" in alt_text(other)


def test_a_zero_length_bar_shows_its_colour_in_its_label(theme):
    from matplotlib.colors import to_hex

    spec = ChartSpec("bars", "z", {"labels": ["甲指标", "乙指标", "丙指标"], "values": [0, 50, 0],
                                   "colors": ["rating-短板", "rating-短板", "primary"], "orientation": "h"})
    fig = draw_figure(spec, theme)
    ax = fig.axes[0]
    colours = {t.get_text(): to_hex(t.get_color()) for t in ax.get_yticklabels()}
    red = theme.colors["rating"]["短板"].lower()
    assert colours["甲指标"] == red                       # no bar to show it: the label does
    assert colours["乙指标"] != red and colours["丙指标"] != red   # its bar shows it; the base colour
