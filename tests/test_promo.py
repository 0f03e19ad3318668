"""Survey campaign graphics: sizes, QR codes that scan, text that stays in its box,
figures equal to the survey summary, CJK line breaking, contrast, file hygiene."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from reportkit.commands.promo import command
from reportkit.products.promo import render_all
from reportkit.compose import promo
from reportkit.errors import ReportkitError
from reportkit.render import png

URL = "https://example.gov.cn/dg-checkup-2020/survey"

SUMMARY = {
    "collected": 87000, "valid": 79000,
    "rejected": {"重复作答": 2100, "答题过快": 3900, "数值越界": 120, "作答不完整": 1100,
                 "连续同一答案": 700, "地区无效": 80},
    "overall": 73.8611111,
    "dimensions": {"生态宜居": 77.4548, "特色鲜明": 76.5012, "交通便捷": 67.9499, "生活舒适": 71.6488,
                   "多元包容": 66.9512, "安全韧性": 79.7499, "城市活力": 77.0977},
    "questions": {"Q01": 80.1},
    "groups": {"channel": {"线上": 73.9, "线下": None}},
}
PROGRESS = promo.SurveyProgress(
    87000, (("线上", 86670), ("线下", 330)),
    (("长安镇", 6550), ("虎门镇", 6376), ("东城街道", 5057), ("塘厦镇", 5002), ("寮步镇", 4657),
     ("厚街镇", 4440), ("常平镇", 4010), ("大朗镇", 3785), ("凤岗镇", 3432), ("清溪镇", 3327)),
    dt.date(2020, 8, 31))


def campaign(**over) -> promo.Campaign:
    base = dict(city="东莞市", year=2020, organisation="东莞市住房和城乡建设局", url=URL,
                title="东莞城市体检 满意度调查", slogan="城市体检，您来打分",
                why=("您的意见将汇总分析，作为城市体检评价的依据", "帮助发现身边的城市问题，推动民生改善",
                     "匿名填写，个人信息严格保密"),
                duration="约5分钟", deadline="2020年8月31日", demo=True, questions=28,
                dimensions=tuple(SUMMARY["dimensions"]), seed="东莞市")
    base.update(over)
    return promo.Campaign(**base)


@pytest.fixture(scope="module")
def design():
    return promo.load_design()


@pytest.fixture(scope="module")
def rendered(design):
    camp = campaign()
    canvases = promo.compose_campaign(camp, design) + [
        promo.compose_progress(camp, PROGRESS, design), promo.compose_results(camp, SUMMARY, design)]
    files, out = render_all(canvases, design)
    return files, {r.canvas.name: r for r in out}


# -- sizes and files ------------------------------------------------------------
def test_exact_sizes(rendered):
    files, r = rendered
    assert r["cover"].image.size == (900, 383)
    assert r["square"].image.size == (500, 500)
    assert r["poster"].image.size == (1080, 1920)
    assert r["progress"].image.size == (1080, 1440)
    assert r["results"].image.size == (1080, 1440)
    assert r["long"].image.width == 1080 and 1920 < r["long"].image.height < 6000
    for name, rr in r.items():
        for fmt in ("png", "jpg"):
            with Image.open(io.BytesIO(files[f"promo/{name}.{fmt}"])) as im:
                assert im.size == rr.image.size


def _png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, out = 8, []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        out.append(kind)
        pos += 12 + n
    return out


def test_files_ready_for_upload(rendered):
    files, _ = rendered
    assert len(files["promo/cover.png"]) < 2 * 1024 * 1024 and len(files["promo/cover.jpg"]) < 2 * 1024 * 1024
    for rel, data in files.items():
        with Image.open(io.BytesIO(data)) as im:
            assert im.mode == "RGB", rel                      # no alpha, no palette
            assert im.info.get("icc_profile", b"")[36:40] == b"acsp", rel   # sRGB profile embedded
            if rel.endswith(".jpg"):
                assert im.format == "JPEG" and not im.info.get("progressive") and not im.info.get("progression")
                assert "exif" not in im.info
            else:
                chunks = _png_chunks(data)
                assert not {b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf"} & set(chunks), rel
                assert b"iCCP" in chunks


def test_jpeg_quality_about_90(rendered):
    files, _ = rendered
    with Image.open(io.BytesIO(files["promo/poster.jpg"])) as im:
        luma = im.quantization[0]
    # libjpeg's standard luminance table scaled for quality 90 starts 3, 2, 2, 3
    assert list(luma[:4]) == [3, 2, 2, 3]


def test_byte_identical_on_two_runs(design, rendered):
    files, _ = rendered
    camp = campaign()
    again, _ = render_all(promo.compose_campaign(camp, design) + [
        promo.compose_progress(camp, PROGRESS, design), promo.compose_results(camp, SUMMARY, design)], design)
    assert again.keys() == files.keys()
    for rel in files:
        assert again[rel] == files[rel], rel


# -- QR codes -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["poster", "long", "progress"])
def test_qr_decodes_to_survey_url(rendered, name):
    import zxingcpp

    _, r = rendered
    found = zxingcpp.read_barcodes(r[name].image)
    assert [b.text for b in found] == [URL]
    qr = r[name].qrs[0]
    assert qr.quiet >= 4
    if name in ("poster", "long"):
        assert qr.module >= 6
    # the quiet zone really is light: a ring 4 modules wide around the symbol
    x0, y0, x1, y1 = qr.bbox
    ring = r[name].image.crop((x0, y0, x1, y0 + 4 * qr.module)).convert("L")
    assert ring.getextrema()[0] > 200


def test_qr_too_small_fails_clearly():
    c = png.Canvas("t", 200, 200, "#FFFFFF")
    c.add(png.QR("qr", URL, (0, 0, 120, 120), min_module=6))
    with pytest.raises(ReportkitError, match="二维码放不下"):
        png.render(c)


# -- text in its box ---------------------------------------------------------------
def test_every_text_inside_its_box_and_the_image(rendered):
    _, r = rendered
    n = 0
    for name, rr in r.items():
        W, H = rr.image.size
        for t in rr.texts:
            x, y, w, h = t.box
            l, top, right, bottom = t.bbox
            assert x <= l and y <= top and right <= x + w and bottom <= y + h, (name, t.key, t.bbox, t.box)
            assert 0 <= l and 0 <= top and right <= W and bottom <= H, (name, t.key)
            n += 1
    assert n > 80


def test_ink_stays_in_the_recorded_bbox():
    """The recorded bbox covers every pixel the text actually changed."""
    st = png.TextStyle(size=40, min_size=20, color="#000000", bold=0.03)
    c = png.Canvas("t", 400, 200, "#FFFFFF")
    c.add(png.Text("t", "城市体检，gjpq（测试）2020。", (20, 20, 360, 160), st))
    r = png.render(c)
    ink = Image.eval(r.image.convert("L"), lambda v: 255 if v < 250 else 0).getbbox()
    l, t, right, b = r.texts[0].bbox
    assert l <= ink[0] and t <= ink[1] and ink[2] <= right and ink[3] <= b


def test_cover_title_and_visual_inside_central_square(rendered):
    _, r = rendered
    cover = r["cover"]
    x0, x1 = (900 - 383) // 2, (900 + 383) // 2 + 1
    for key in ("title", "kicker", "demo"):
        t = cover.text(key)
        assert x0 <= t.bbox[0] and t.bbox[2] <= x1, key
    sky = [e for e in cover.canvas.elements if isinstance(e, png.Skyline)][0]
    assert sky.sun_at is not None and x0 < sky.sun_at * 900 < x1


def test_long_text_shrinks_to_fit():
    st = png.TextStyle(size=60, min_size=20, color="#000000")
    text = "参与城市体检满意度调查，共建美好家园！" * 2
    lay = png.fit_text(text, st, (0, 0, 400, 200))
    assert lay.size < 60
    x0, y0, x1, y1 = lay.bbox
    assert 0 <= x0 and 0 <= y0 and x1 <= 400 and y1 <= 200
    assert "".join(lay.lines) == text.replace(" ", "")


def test_text_that_cannot_fit_raises_naming_text_and_box():
    st = png.TextStyle(size=40, min_size=30, color="#000000")
    with pytest.raises(ReportkitError) as exc:
        png.fit_text("这是一段非常非常长的宣传口号，无论如何也放不进这个小小的文本框里", st, (10, 20, 200, 50),
                     where="project.toml [campaign] slogan")
    msg = exc.value.format_message()
    assert "这是一段非常非常长的宣传口号" in msg and "200×50" in msg and "[campaign] slogan" in msg


def test_campaign_text_too_long_fails_the_build(design):
    camp = campaign(title="东莞市二〇二〇年度城市体检工作社会满意度问卷调查暨市民意见建议征集活动正式启动啦欢迎参加")
    with pytest.raises(ReportkitError, match="文字放不下"):
        png.render(promo.compose_cover(camp, design))


def test_missing_glyph_fails_clearly():
    st = png.TextStyle(size=30, min_size=20, color="#000000")
    with pytest.raises(ReportkitError, match="没有任何中文字体能显示"):
        png.fit_text("城市\U000F0000体检", st, (0, 0, 400, 100))


# -- CJK line breaking --------------------------------------------------------------
BREAK_TEXT = ("您的每一条意见，都将写入《城市体检报告》（2020年版）；请于8月31日前完成问卷！"
              "问卷约需5分钟……谢谢您的参与：访问 gov.cn 或扫码，参与“城市更新”。")


@pytest.mark.parametrize("width", [6, 7, 8, 9, 11, 12, 17, 30])
def test_cjk_line_breaking_rules(width):
    lines = png.break_lines(BREAK_TEXT, width, len)  # one unit per character
    assert lines is not None
    assert "".join(lines).replace(" ", "") == BREAK_TEXT.replace(" ", "")
    for i, line in enumerate(lines):
        assert line and len(line) <= width, lines
        if i:
            assert line[0] not in png.NO_START, (width, lines)
        if i < len(lines) - 1:
            assert line[-1] not in png.NO_END, (width, lines)
    for word in ("2020", "31", "gov.cn", "……"):
        assert any(word in line for line in lines), (word, lines)  # never split


def test_closing_punctuation_never_starts_a_line_with_real_fonts(design):
    st = design.style("body")
    for width in range(300, 900, 37):
        lay = png.fit_text(BREAK_TEXT, dataclasses.replace(st, min_size=st.size), (0, 0, width, 2000))
        for a, b in zip(lay.lines, lay.lines[1:]):
            assert b[0] not in png.NO_START and a[-1] not in png.NO_END, lay.lines


def test_unbreakable_word_wider_than_line_gives_none():
    assert png.break_lines("访问 https://example.gov.cn/very/long/path 参与", 10, len) is None


def test_no_single_character_last_line():
    lines = png.break_lines("帮助发现身边的城市问题", 10, len)
    assert all(len(line) > 1 for line in lines), lines
    lines = png.break_lines("帮助发现身边的城市问题吧！", 12, len)
    assert len(lines[-1].rstrip("！")) > 1, lines


def test_numbers_keep_their_unit():
    pieces = png.atoms("请于2020年8月31日前完成，约5分钟。")
    for unit in ("2020年", "8月", "31日", "5分"):
        assert unit in pieces
    for width in range(5, 12):
        lines = png.break_lines("请于2020年8月31日前完成", width, len)
        assert not any(line.endswith(("2020", "8", "31")) for line in lines[:-1]), lines


def test_title_breaks_between_words(design):
    st = design.style("title")
    lay = png.fit_text("参与城市体检满意度调查共建美好家园", st, (0, 0, 700, 400))
    joined = "|".join(lay.lines)
    for word in ("满意度", "城市", "体检", "美好", "家园"):
        assert word in joined.replace("|", "") and all(word not in a + b or word in a or word in b
                                                       for a, b in zip(lay.lines, lay.lines[1:])), lay.lines


# -- contrast --------------------------------------------------------------------------
def test_contrast_of_every_text_meets_wcag_aa(rendered):
    _, r = rendered
    for name, rr in r.items():
        for t in rr.texts:
            assert t.contrast >= 4.5, (name, t.key, t.color, t.background, t.contrast)
            assert png.contrast(t.color, t.background) >= 4.5


def test_contrast_formula():
    assert png.contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert png.contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_low_contrast_fails_clearly():
    c = png.Canvas("t", 400, 120, "#FFFFFF")
    c.add(png.Text("slogan", "城市体检，您来打分", (10, 10, 380, 100),
                   png.TextStyle(size=40, min_size=20, color="#C55A11")))  # accent on white: 4.3:1
    with pytest.raises(ReportkitError, match="对比度不足.*4.3"):
        png.render(c)


def test_theme_colours_checked_against_what_is_behind(design):
    """Text drawn over a coloured shape is checked against that shape, not the page."""
    c = png.Canvas("t", 400, 120, "#FFFFFF")
    c.add(png.Rect((0, 0, 400, 120), design.color("brand")),
          png.Text("t", "城市体检", (10, 10, 380, 100), design.style("body")))  # dark ink on brand blue
    with pytest.raises(ReportkitError, match="对比度不足"):
        png.render(c)


# -- figures --------------------------------------------------------------------------
def test_results_figures_equal_the_summary(rendered, design):
    _, r = rendered
    res = r["results"]
    fmt = design.fmt
    assert res.text("overall").text == fmt.score(SUMMARY["overall"]) == "73.9"
    dims = SUMMARY["dimensions"]
    best = max(dims, key=dims.get)
    worst = min(dims, key=dims.get)
    assert res.text("best.name").text == best == "安全韧性"
    assert res.text("best.score").text == fmt.score(dims[best]) + "分"
    assert res.text("worst.name").text == worst == "多元包容"
    assert res.text("worst.score").text == fmt.score(dims[worst]) + "分"
    shown = {res.text(f"dim.{i}.name").text: res.text(f"dim.{i}.value").text for i in range(len(dims))}
    assert shown == {k: fmt.score(v) for k, v in dims.items()}
    assert "87,000" in res.text("subtitle").text and "79,000" in res.text("subtitle").text


def test_progress_figures(rendered):
    _, r = rendered
    p = r["progress"]
    assert p.text("collected").text == "87,000"
    assert p.text("channel.线上").text == "线上：86,670份（99.6%）"
    assert p.text("channel.线下").text == "线下：330份（0.4%）"
    assert [p.text(f"town.{i}.name").text for i in range(10)] == [t for t, _ in PROGRESS.towns]
    assert p.text("town.0.value").text == "6,550份"
    assert p.text("subtitle").text == "数据截至2020年8月31日"


def test_survey_progress_counts_rows():
    import pandas as pd

    class Stub:
        towns = ["甲镇", "乙镇", "丙镇"]
        survey = pd.DataFrame({
            "channel": ["线上"] * 5 + ["线下"] * 2 + [""],
            "town": ["乙镇", "乙镇", "甲镇", "乙镇", "外地", "甲镇", "丙镇", "乙镇"],
            "submitted_at": ["2020-07-01 08:00:00"] * 7 + ["2020-07-03 21:10:00"]})

    prog = promo.survey_progress(Stub(), top=2)
    assert prog.collected == 8
    assert prog.channels == (("线上", 5), ("线下", 2))
    assert prog.towns == (("乙镇", 4), ("甲镇", 2))
    assert prog.as_of == dt.date(2020, 7, 3)


def test_demo_mark_on_every_image(rendered, design):
    _, r = rendered
    for name, rr in r.items():
        assert rr.text("demo").text == "示例数据", name
    not_demo = png.render(promo.compose_square(campaign(demo=False), design))
    assert "示例数据" not in not_demo.strings()


def test_campaign_wording_is_drawn(rendered):
    _, r = rendered
    poster = r["poster"].strings()
    camp = campaign()
    for s in (camp.title, camp.slogan, *camp.why, camp.duration, camp.deadline):
        assert s in poster
    assert camp.title in r["cover"].strings() and camp.title in r["long"].strings()


# -- the command, end to end on the mini project -----------------------------------------
def test_command_end_to_end(mini, tmp_path):
    mini.append("project.toml", '[campaign]\ntitle = "甲市城市体检满意度调查"\nslogan = "您的声音，让城市更美好"\n'
                                 'why = ["说出您的真实感受", "帮助找准城市短板"]\nduration = "约3分钟"\n'
                                 'deadline = 2020-09-30\n')
    out = tmp_path / "out"
    res = CliRunner().invoke(command, ["--project", str(mini.root), "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output + str(res.exception)
    names = sorted(p.name for p in (out / "promo").iterdir())
    assert names == sorted(f"{n}.{f}" for n in promo.IMAGES for f in ("png", "jpg"))
    with Image.open(out / "promo" / "cover.png") as im:
        assert im.size == (900, 383) and im.mode == "RGB"
    first = {p.name: p.read_bytes() for p in (out / "promo").iterdir()}
    res = CliRunner().invoke(command, ["--project", str(mini.root), "--out", str(out), "--quiet"])
    assert res.exit_code == 0
    assert first == {p.name: p.read_bytes() for p in (out / "promo").iterdir()}


def test_command_results_match_run_survey(mini):
    from reportkit.products.promo import build_promo
    from reportkit.load.project import open_project
    from reportkit.score.survey import run_survey

    project, _ = open_project(mini.root)
    summary = run_survey(project).summary
    files, rendered = build_promo(project, summary)
    d = promo.load_design(project.root)
    res = {r.canvas.name: r for r in rendered}["results"]
    assert res.text("overall").text == d.fmt.score(summary["overall"])
    prog = {r.canvas.name: r for r in rendered}["progress"]
    assert prog.text("collected").text == d.fmt.int(len(project.survey)) == d.fmt.int(summary["collected"])
    # no [campaign] in the mini project: promo.toml's defaults, filled with the city
    assert {r.canvas.name: r for r in rendered}["poster"].text("title").text == "甲市城市体检满意度调查"


def test_command_error_is_clear_not_a_traceback(mini, tmp_path):
    mini.append("project.toml", '[campaign]\nslogan = "' + "城市体检" * 40 + '"\n')
    res = CliRunner().invoke(command, ["--project", str(mini.root), "--out", str(tmp_path / "o"), "--quiet"])
    assert res.exit_code == 2
    assert "文字放不下" in res.output and "[campaign] slogan" in res.output
    assert not (tmp_path / "o" / "promo").exists()  # nothing half-written


def test_demo_campaign_fits(design):
    """The embedded demo's wording fits every box (no survey needed)."""
    from reportkit.load.project import load_project

    root = Path(__file__).resolve().parent.parent / "content"
    if not (root / "project.toml").exists():
        pytest.skip("demo project not present")
    project, problems = load_project(root, tables=("survey_questions",))
    camp = promo.campaign_from_project(project, design)
    assert camp.title and camp.why and camp.demo
    for canvas in promo.compose_campaign(camp, design):
        r = png.render(canvas)
        assert camp.title in r.strings()


def test_campaign_from_project_toml(mini, design):
    from reportkit.load.project import load_project

    mini.append("project.toml", '[campaign]\ntitle = "甲市城市体检问卷"\nwhy = """第一句\n第二句"""\n'
                                 'deadline = 2020-09-30\n')
    project, _ = load_project(mini.root, tables=("survey_questions",))
    camp = promo.campaign_from_project(project, design)
    assert camp.title == "甲市城市体检问卷"
    assert camp.why == ("第一句", "第二句")
    assert camp.deadline == "2020年9月30日"            # a TOML date, written the Chinese way
    assert camp.slogan == design.data["campaign_defaults"]["slogan"]  # not given: promo.toml default
    assert camp.demo and camp.url == "https://example.org/survey"


def test_optional_artwork_replaces_the_drawn_visual(mini, tmp_path, design):
    from reportkit.load.project import load_project

    art = mini.path("figures/promo-keyvisual.png")
    art.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (600, 200), "#8EA9C1").save(art)
    project, _ = load_project(mini.root, tables=("survey_questions",))
    path = promo.artwork_path(project.root, design)
    assert path == art
    canvas = promo.compose_cover(promo.campaign_from_project(project, design), design, path)
    assert any(isinstance(e, png.Artwork) for e in canvas.elements)
    assert not any(isinstance(e, png.Skyline) for e in canvas.elements)
    r = png.render(canvas)
    assert r.image.getpixel((450, 370)) == (0x8E, 0xA9, 0xC1)


def test_campaign_start_with_no_answers_still_makes_campaign_images(tmp_path):
    """Before anyone has answered, promo makes every image but the results one."""
    import shutil

    from click.testing import CliRunner

    from reportkit.cli import main

    src = Path(__file__).resolve().parent / "fixtures" / "mini"
    project = tmp_path / "p"
    shutil.copytree(src, project)
    survey = project / "data" / "survey.csv"
    survey.write_text(survey.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["promo", "--project", str(project), "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    names = {p.stem for p in (out / "promo").glob("*.png")}
    assert {"cover", "poster", "progress"} <= names and "results" not in names


# -- the progress image stops inviting once collection is over ---------------------------
def test_progress_stops_inviting_after_the_deadline(design):
    import zxingcpp

    end = dt.date(2020, 8, 31)
    open_ = png.render(promo.compose_progress(campaign(end=end), dataclasses.replace(PROGRESS, as_of=dt.date(2020, 8, 20)),
                                              design, today=dt.date(2020, 8, 21)))
    assert "还没参与？扫码填写问卷" in open_.strings()
    assert any(isinstance(e, png.QR) for e in open_.canvas.elements)
    # the answers reach the last day: the final tally, whatever the build date
    final = png.render(promo.compose_progress(campaign(end=end), PROGRESS, design, today=dt.date(2020, 1, 1)))
    # the build date is past the last day, the answers stop earlier
    late = png.render(promo.compose_progress(campaign(end=end), dataclasses.replace(PROGRESS, as_of=dt.date(2020, 8, 2)),
                                             design, today=dt.date(2020, 9, 1)))
    for r in (final, late):
        strings = r.strings()
        assert not any(isinstance(e, png.QR) for e in r.canvas.elements) and not zxingcpp.read_barcodes(r.image)
        assert not any("扫码" in s or "参与？" in s for s in strings)
        assert r.text("closed").text == "问卷收集已于2020年8月31日结束"
        assert r.text("title").text == "问卷收集情况" and r.text("collected.label").text == "共收集问卷"
    # no deadline at all: always the invitation
    assert "还没参与？扫码填写问卷" in png.render(promo.compose_progress(
        campaign(deadline=""), PROGRESS, design, today=dt.date(2030, 1, 1))).strings()


def test_campaign_end_comes_from_the_deadline(design):
    from reportkit.config import parse_date

    assert parse_date("2024年7月31日") == parse_date("2024-07-31") == parse_date("2024/7/31") == dt.date(2024, 7, 31)
    assert parse_date(dt.date(2024, 7, 31)) == dt.date(2024, 7, 31)
    assert parse_date("七月底") is None and parse_date("2024年2月30日") is None and parse_date(None) is None


def test_default_campaign_wording_promises_nothing_the_report_does_not_do(design):
    why = design.data["campaign_defaults"]["why"]
    assert why and not any("每一条" in w or "都将写入" in w for w in why)
