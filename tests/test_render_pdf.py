"""PDF back-end: Document → HTML → WeasyPrint.  Small inline Documents, checked
with pymupdf on what a reader gets: text, fonts, outline, metadata, pages."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

pymupdf = pytest.importorskip("pymupdf")
pytest.importorskip("weasyprint")

from reportkit.document import (  # noqa: E402
    Box, Cell, Cover, Document, Figure, Footnote, Heading, LineBreak, Link, ListBlock, Meta, Notes,
    PageBreak, Paragraph, Quote, Section, Span, Table, Toc, plain, text,
)
from reportkit.errors import ReportkitError  # noqa: E402
from reportkit.render.html import heading_label, render_html  # noqa: E402
from reportkit.render.pdf import heading_pages, render_pdf, render_pdf_pages  # noqa: E402
from reportkit.theme import load_theme  # noqa: E402
from reportkit.write import build_time  # noqa: E402

BODY = ("城市体检是通过综合评价城市发展建设状况、有关政策措施实施效果，发现问题短板并推动解决“城市病”的重要手段。"
        "本年度体检围绕生态宜居、健康舒适、安全韧性、交通便捷等八个方面，共采集指标五十七项（46+5+6）。")
CLOSING = "，。、）」』》；：！？"


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def theme():
    return load_theme()


@pytest.fixture(scope="module")
def chart_png(tmp_path_factory) -> Path:
    from PIL import Image, ImageDraw

    path = tmp_path_factory.mktemp("figs") / "chart.png"
    im = Image.new("RGB", (1200, 600), "white")
    draw = ImageDraw.Draw(im)
    for i in range(6):
        draw.rectangle([100 + i * 170, 500 - 60 * (i + 1), 200 + i * 170, 500], fill=(31, 78, 121))
    im.save(path)
    return path


def long_table(n: int) -> Table:
    header = ((Cell(text("序号")), Cell(text("问题")), Cell(text("策略建议")), Cell(text("责任部门"))),)
    rows = tuple((Cell(text(str(i + 1))), Cell(text("公园绿地服务半径覆盖率偏低，部分园镇存在明显短板。")),
                  Cell(text("加快推进口袋公园建设，提升绿地可达性。")), Cell(text("市城管局")))
                 for i in range(n))
    return Table(header, rows, caption="体检结果与策略建议一览表", number="表9-1", widths=(0.6, 4, 5, 1.5), size="small")


def report_doc(chart: Path) -> Document:
    rating = ("良好", "预警", "短板")
    table = Table(
        header=((Cell(text("指标")), Cell(text("单位")), Cell(text("数值")), Cell(text("评价"))),),
        rows=tuple((Cell(text(f"人均公园绿地面积{i}")), Cell(text("平方米/人")), Cell(text(f"{12.5 + i:.1f}")),
                    Cell(text(rating[i % 3]), role=f"rating-{rating[i % 3]}")) for i in range(6)),
        caption="生态宜居指标评价", number="表1-1", widths=(4, 2, 1.5, 1.5),
        align=("left", "center", "right", "center"), note="注：数据为示例。")
    blocks = (
        Cover("东莞市2020年城市体检自体检报告", "（示例数据版）", ("东莞市自然资源局", "2021年3月"), "示例数据"),
        Toc(levels=2),
        Heading(1, "总体情况", number="一、", anchor="ch1"),
        Paragraph(text("本章概述体检的总体结论。"), style="lead"),
        Heading(2, "体检工作组织", number="（一）", anchor="ch1-1"),
        Paragraph((Span("城市体检工作由"), Span("市自然资源局", bold=True), Span("牵头，"),
                   Span("各部门", italic=True), Span("协同，指标达标率为"), Span("85.3%", role="rating-良好"),
                   Span("。"), Footnote(text("数据来源：东莞市统计局《2020年统计年鉴》。")),
                   Span("面积单位为km"), Span("2", sup=True), Span("，代码"), Span("STYJ-01", code=True),
                   Span("。"), LineBreak(), Link("问卷链接", "https://example.org/survey")), style="body"),
        Paragraph(text("字" * 35 + "，" + "文" * 36 + "。" + "后续文字。")),
        Heading(3, "工作方法", number="1.", anchor="ch1-1-1"),
        Paragraph(text(BODY)),
        table,
        Figure(chart, "各园镇公园绿地服务半径覆盖率", number="图1-1",
               alt="柱状图：六个园镇的覆盖率自左向右递增。", width=0.8, note="资料来源：示例。"),
        Heading(2, "附：术语说明", numbered=False, anchor="terms", toc=False),
        ListBlock(((Paragraph(text("良好：达到标准值。")),),
                   (Paragraph(text("短板：明显低于标准值。")),
                    ListBlock(((Paragraph(text("需重点关注")),),), ordered=True))), ordered=False),
        Quote((Paragraph(text("城市体检是推动城市高质量发展的重要抓手。")),)),
        Box((Paragraph(text("本报告数据均为示例。")),), title="说明", role="warning"),
        Notes((text("数据截至2020年底。"), text("人口按常住人口计。"))),
        Heading(1, "生态宜居", number="二、", anchor="ch2"),
        Paragraph(text(BODY + BODY), style="body"),
        Paragraph(text("说明文字。"), style="note"),
        Paragraph(text("居中文字"), style="center"),
        PageBreak(),
        Paragraph(text("东莞市自然资源局"), style="signature"),
        Section((Heading(1, "体检结果与策略建议一览表", number="三、", anchor="list"), long_table(40))),
    )
    meta = Meta("东莞市2020年城市体检自体检报告", author="东莞市自然资源局", subject="城市体检自体检报告",
                keywords=("城市体检", "东莞"), header="东莞市城市体检报告（页眉）", demo=True)
    return Document(meta, blocks)


def sheet_doc(chart: Path) -> Document:
    blocks = (
        Heading(1, "城市体检结果反馈单", numbered=False, anchor="title", toc=False),
        Paragraph(text(BODY)),
        Heading(2, "牵头指标体检结果", number="一、", anchor="s1"),
        Table(((Cell(text("指标")), Cell(text("评价"))),),
              tuple((Cell(text(f"指标{i}")), Cell(text("良好"), role="rating-良好")) for i in range(8)),
              caption="牵头指标评价", number="表1"),
        Figure(chart, "变化趋势", number="图1", alt="折线图：逐年上升。", width=0.6),
        Box((Paragraph(text("请核对后反馈。")), Paragraph(text("对体检结果的意见：")),
             Paragraph(text("填报人及联系电话："))), title="部门反馈意见", role="feedback"),
    )
    meta = Meta("城市体检结果反馈单（市城管局）", author="东莞市自然资源局",
                header="东莞市城市管理和综合执法局 · 2020年度城市体检", demo=False)
    return Document(meta, blocks, kind="sheet")


@pytest.fixture(scope="module")
def report(theme, chart_png):
    doc = report_doc(chart_png)
    logger = logging.getLogger("weasyprint")
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        data, pages = render_pdf_pages(doc, theme)
    finally:
        logger.removeHandler(handler)
    pdf = pymupdf.open(stream=data, filetype="pdf")
    return {"doc": doc, "data": data, "pages": pages, "pdf": pdf, "warnings": records,
            "text": [p.get_text() for p in pdf]}


@pytest.fixture(scope="module")
def sheet(theme, chart_png):
    doc = sheet_doc(chart_png)
    data = render_pdf(doc, theme)
    return {"doc": doc, "data": data, "pdf": pymupdf.open(stream=data, filetype="pdf")}


def page_of(report, needle: str) -> int:
    """1-based page whose text holds `needle` (whitespace ignored)."""
    for i, t in enumerate(report["text"], start=1):
        if squash(needle) in squash(t):
            return i
    raise AssertionError(f"{needle!r} not found in any page")


# --- content ------------------------------------------------------------------
def test_no_weasyprint_warnings(report):
    assert [r.getMessage() for r in report["warnings"]] == []


def test_every_heading_and_paragraph_is_extractable(report):
    alltext = re.sub("[①-⑳]", "", squash("".join(report["text"])))  # footnote calls left out
    for h in report["doc"].headings():
        assert squash(heading_label(h)) in alltext, h
    for b in report["doc"].walk():
        if isinstance(b, Paragraph):
            assert squash(plain(b.inlines)) in alltext, b
    assert "数据来源：东莞市统计局《2020年统计年鉴》。" in alltext  # the footnote
    assert "数据截至2020年底。" in alltext                       # end notes


def test_fonts_are_embedded_noto_subsets(report):
    names = {f[3] for page in report["pdf"] for f in page.get_fonts()}
    assert any(re.fullmatch(r"[A-Z]{6}\+NotoSerifSC-Regular", n) for n in names), names
    assert any(re.fullmatch(r"[A-Z]{6}\+NotoSansSC-Regular", n) for n in names), names
    assert any(re.fullmatch(r"[A-Z]{6}\+NotoSansSC-Regular-Bold", n) for n in names), names
    assert all("NotoS" in n for n in names), names  # nothing from system fonts
    page = report["pdf"][page_of(report, "本章概述体检的总体结论") - 1]
    spans = [s for b in page.get_text("dict")["blocks"] for l in b.get("lines", []) for s in l["spans"]]

    def font_of(needle):
        return next(s["font"] for s in spans if needle in s["text"])

    assert "NotoSansSC" in font_of("总体情况")        # heading: sans
    assert "NotoSerifSC" in font_of("城市体检工作由")  # body: serif
    assert "NotoSansSC" in font_of("市自然资源局")      # bold span: sans, not synthetic bold
    # headings and bold spans are set in a real Bold face, embedded beside the Regular ones
    assert font_of("总体情况").endswith("-Bold") and font_of("市自然资源局").endswith("-Bold")
    assert not font_of("城市体检工作由").endswith("-Bold")


def test_outline_lists_every_heading_with_its_level(report):
    toc = report["pdf"].get_toc()
    outline = [(level, squash(title)) for level, title, _ in toc]
    for h in report["doc"].headings():
        assert (h.level, squash(heading_label(h))) in outline, h
    # bookmarks point at the page the heading is on
    pages = {squash(title): page for _, title, page in toc}
    for h in report["doc"].headings():
        assert pages[squash(heading_label(h))] == report["pages"][h.anchor]


def toc_rows(page) -> list[str]:
    """The TOC page as text rows (words on one baseline joined), leader dots dropped."""
    rows: dict[int, list] = {}
    for w in page.get_text("words"):
        rows.setdefault(round(w[3]), []).append(w)
    return [re.sub(r"\.{2,}", "|", "".join(w[4] for w in sorted(ws, key=lambda w: w[0])))
            for _, ws in sorted(rows.items())]


def test_toc_lists_headings_with_page_numbers(report):
    rows = toc_rows(report["pdf"][1])
    assert "目录" in squash("".join(rows))
    for h in report["doc"].headings():
        label = squash(heading_label(h))
        listed = [r for r in rows if r.startswith(label + "|")]
        if h.toc and h.level <= 2:
            # the printed number: the body is numbered from its own first page (page 3 here)
            assert listed == [f"{label}|{report['pages'][h.anchor] - 2}"], (h, rows)
        else:
            assert not listed, h   # level 3 and toc=False headings stay out


def test_heading_pages_agree(report, theme):
    assert heading_pages(report["data"]) == report["pages"]
    assert heading_pages(report["doc"], theme) == report["pages"]
    assert report["pages"]["ch1"] == 3 and report["pages"]["ch2"] > report["pages"]["ch1"]


def test_chapters_start_a_new_page(report):
    for anchor in ("ch1", "ch2"):
        h = next(h for h in report["doc"].headings() if h.anchor == anchor)
        page = report["pdf"][report["pages"][anchor] - 1]
        blocks = [b for b in page.get_text("blocks") if b[4].strip()]
        body = [b for b in blocks if b[1] > 80]  # below the running header
        assert squash(heading_label(h)) in squash(body[0][4])


# --- pages --------------------------------------------------------------------
def test_metadata(report):
    meta = report["pdf"].metadata
    assert meta["title"] == "东莞市2020年城市体检自体检报告"
    assert meta["author"] == "东莞市自然资源局"
    assert meta["subject"] == "城市体检自体检报告"
    assert meta["keywords"] == "城市体检, 东莞"
    assert meta["creationDate"].startswith("D:" + build_time().strftime("%Y%m%d%H%M%S"))
    assert meta["modDate"] == meta["creationDate"]
    pdf = report["pdf"]
    assert pdf.xref_get_key(pdf.pdf_catalog(), "Lang") == ("string", "zh-CN")
    assert pdf.xref_get_key(pdf.pdf_catalog(), "StructTreeRoot")[0] == "xref"  # tagged


def test_page_count_and_footers(report):
    pdf, texts = report["pdf"], report["text"]
    n = pdf.page_count
    # cover, TOC, chapter 1 (≥ 1 page), chapter 2 + forced break, the 40-row list (≥ 2 pages)
    assert 7 <= n <= 12
    assert report["pages"]["list"] + 1 < n + 1
    cover = squash(texts[0])
    assert "—" not in cover and "东莞市城市体检报告（页眉）" not in cover
    # the contents page is numbered I; the body from its first page on 1, 2, … (not the cover)
    assert squash(texts[1]).endswith("—I—")
    body = report["pages"]["ch1"]
    for i in range(body, n + 1):
        t = squash(texts[i - 1])
        assert f"—{i - body + 1}—" in t, i
        assert "东莞市城市体检报告（页眉）" in t, i
    for t in texts:
        assert "示例数据" in t  # demo mark on every page, cover included


def test_landscape_section(report):
    pdf = report["pdf"]
    start = report["pages"]["list"]
    assert pdf[start - 1].rect.width > pdf[start - 1].rect.height
    assert pdf[start - 2].rect.width < pdf[start - 2].rect.height
    # the long table continues on the next landscape page with its header repeated
    nxt = pdf[start]
    assert nxt.rect.width > nxt.rect.height
    assert "责任部门" in nxt.get_text() and "—" in nxt.get_text()


def test_table_caption_above_and_figure_caption_below(report):
    page = report["pdf"][page_of(report, "表1-1生态宜居指标评价") - 1]
    cap = page.search_for("生态宜居指标评价")[0]
    head = page.search_for("平方米/人")[0]
    assert cap.y1 < head.y0
    fig_page = report["pdf"][page_of(report, "图1-1各园镇公园绿地服务半径覆盖率") - 1]
    img = fig_page.get_image_rects(fig_page.get_images()[0][0])[0]
    figcap = fig_page.search_for("各园镇公园绿地服务半径覆盖率")[0]
    assert figcap.y0 > img.y1
    # 0.8 of the 444pt text width
    assert abs(img.width - 0.8 * 444) < 3


def test_footnote_at_foot_of_its_page(report):
    page = report["pdf"][page_of(report, "城市体检工作由") - 1]
    note = page.search_for("数据来源：东莞市统计局")[0]
    call = page.search_for("城市体检工作由")[0]
    assert note.y0 > page.rect.height * 0.7 > call.y1


def test_no_line_starts_with_closing_punctuation(report):
    lines = []
    for page in report["pdf"]:
        for b in page.get_text("dict")["blocks"]:
            for l in b.get("lines", []):
                t = "".join(s["text"] for s in l["spans"]).strip()
                if t:
                    lines.append(t)
    bad = [l for l in lines if l[0] in CLOSING]
    assert bad == []
    # the stress paragraph really reached the end of a line at its comma
    assert any(l.endswith("，") or l.endswith("字，") for l in lines) or \
        any(l.startswith("字，") for l in lines)


def test_html_alt_text_escaping_and_lang(theme, chart_png):
    doc = Document(Meta("标题<测试>&"), (
        Paragraph(text("<b>不是标签</b> & 符号")),
        Figure(chart_png, "图题", number="图1", alt="替代文字：柱状图。"),
    ))
    html = render_html(doc, theme)
    assert '<html lang="zh-CN"' in html
    assert 'alt="替代文字：柱状图。"' in html
    assert "&lt;b&gt;不是标签&lt;/b&gt; &amp; 符号" in html
    assert "<title>标题&lt;测试&gt;&amp;</title>" in html


def test_image_alt_text_in_tagged_pdf(report):
    pdf = report["pdf"]
    alts = [pdf.xref_get_key(x, "Alt") for x in range(1, pdf.xref_length())]
    assert ("string", "柱状图：六个园镇的覆盖率自左向右递增。") in alts


def test_two_renders_are_byte_identical(report, theme, chart_png):
    assert render_pdf(report_doc(chart_png), theme) == report["data"]


def test_bytes_do_not_depend_on_where_the_project_lives(theme, chart_png, tmp_path):
    def render_from(folder: Path) -> bytes:
        folder.mkdir()
        (folder / "chart.png").write_bytes(chart_png.read_bytes())
        doc = Document(Meta("测试"), (Paragraph(text(BODY)), Figure(Path("chart.png"), "图题", number="图1", alt="柱状图")))
        return render_pdf(doc, theme, project_root=folder)

    assert render_from(tmp_path / "a") == render_from(tmp_path / "项目b")


# --- sheets -------------------------------------------------------------------
def test_sheet_is_compact_without_toc(sheet):
    pdf = sheet["pdf"]
    assert 1 <= pdf.page_count <= 4
    first = squash(pdf[0].get_text())
    assert "目录" not in first
    assert "东莞市城市管理和综合执法局·2020年度城市体检" in first
    assert f"第1页/共{pdf.page_count}页" in first
    assert "示例数据" not in first
    # smaller margins than the report: text starts further left
    x0 = min(b[0] for b in pdf[0].get_text("blocks"))
    assert x0 < 28 / 25.4 * 72 - 5
    assert "填报人及联系电话：" in squash("".join(p.get_text() for p in pdf))


# --- failures -----------------------------------------------------------------
def test_character_no_font_covers_is_a_clear_error(theme):
    doc = Document(Meta("测试"), (Paragraph(text("古文字\U00013000")),))
    with pytest.raises(ReportkitError, match="没有任何中文字体能显示"):
        render_pdf(doc, theme)


def test_missing_image_is_a_clear_error(theme, tmp_path):
    doc = Document(Meta("测试"), (Figure(tmp_path / "nope.png", "缺图", number="图1"),))
    with pytest.raises(ReportkitError, match="找不到图片文件"):
        render_pdf(doc, theme)


def test_rating_pills_are_drawn_in_the_rating_colours(theme):
    """Cells with a rating role are filled with that rating's colour (read from the pixels)."""
    rows = tuple((Cell(text(r), role=f"rating-{r}"),) for r in ("良好", "短板"))
    doc = Document(Meta(title="颜色"), (Table(((Cell(text("评价")),),), rows, caption="评价"),))
    pdf = pymupdf.open(stream=render_pdf(doc, theme), filetype="pdf")
    pix = pdf[0].get_pixmap(dpi=100)
    seen = {pix.pixel(x, y) for x in range(0, pix.width, 2) for y in range(0, pix.height // 2, 2)}

    def near(hex_color):
        want = tuple(int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
        return any(all(abs(a - b) <= 12 for a, b in zip(p[:3], want)) for p in seen)

    assert near(theme.rating_color("良好")) and near(theme.rating_color("短板"))


def test_chart_images_are_embedded_pixel_for_pixel(theme, tmp_path):
    """RGB chart PNGs are copied into the PDF without re-encoding; the pixels must survive."""
    from PIL import Image

    from reportkit.charts import ChartSpec, draw_png

    png = tmp_path / "c.png"
    png.write_bytes(draw_png(ChartSpec("bars", "c", {"labels": ["甲", "乙"], "values": [3, 5]}), theme))
    src = Image.open(png)
    assert src.mode == "RGB"
    doc = Document(Meta(title="图"), (Figure(png, "示例图", "图1-1", alt="甲3，乙5"),))
    pdf = pymupdf.open(stream=render_pdf(doc, theme), filetype="pdf")
    xref = pdf[0].get_images()[0][0]
    pix = pymupdf.Pixmap(pdf, xref)
    assert (pix.width, pix.height) == src.size
    assert pix.samples == src.tobytes()


def test_png_stream_patch_matches_weasyprint():
    """render/pdf.py replaces one static method of WeasyPrint's RasterImage (public
    options cannot skip the PNG re-encoding).  It applies only to the pinned release
    whose patched code hashes match; an upgrade must fail here, loudly, so that the
    patch is re-read against the new code (or dropped)."""
    import weasyprint

    from reportkit.render import pdf

    assert weasyprint.__version__ == pdf.PATCHED_WEASYPRINT, "WeasyPrint upgraded: re-check render/pdf.py"
    assert pdf.patched_sources() == pdf.PATCHED_SOURCE_SHA256, "WeasyPrint's RasterImage changed"
    assert pdf.png_patch_applies()


def test_no_line_starts_with_a_footnote_call_or_the_stop_after_it(theme):
    """禁则: the call, the character before it and the punctuation after it are one run,
    wherever the paragraph's line ends fall (20 lengths of text before the call)."""
    paras = tuple(Paragraph((Span("城" * n + "等建议"), Footnote(text("相关建议的落实情况见后文。")),
                             Span("。下一句继续说明。"))) for n in range(30, 50))
    pdf = pymupdf.open(stream=render_pdf(Document(Meta(title="脚注测试", lang="zh-CN"), paras), theme),
                       filetype="pdf")
    lines = [line for page in pdf for line in page.get_text().splitlines()]
    calls = [line for line in lines if re.match(r"[①-⑳]\S", line)]   # a call at a line start
    stops = [line for line in lines if line[:1] in "。，"]
    assert not calls and not stops, (calls, stops)
    bodies = [line for line in lines if re.match(r"[①-⑳] 相关建议", line)]
    assert len(bodies) == 20                                            # every note is still there
    assert sum(bool(re.search(r"议[①-⑳]。", line)) for line in lines) == 20   # each run on one line


def test_a_paragraph_ending_with_a_colon_stays_with_what_it_introduces(theme):
    """Wherever the page ends, the sentence that opens a table ("…如下：") is on the page
    where the table starts, never the last line of the page before."""
    for n in range(30, 42):
        blocks = tuple(Paragraph((Span("正文内容" * 9),)) for _ in range(n)) + (
            Paragraph((Span("各项指标明细如下："),)),
            Table(((Cell((Span("表头甲"),)), Cell((Span("表头乙"),))),),
                  tuple((Cell((Span(f"甲{i}"),)), Cell((Span(f"乙{i}"),))) for i in range(6)), "明细"))
        pdf = pymupdf.open(stream=render_pdf(Document(Meta(title="引导句测试", lang="zh-CN"), blocks), theme),
                           filetype="pdf")
        lead = [k for k, page in enumerate(pdf) if "各项指标明细如下：" in page.get_text()]
        head = [k for k, page in enumerate(pdf) if "表头甲" in page.get_text()]
        assert lead and head and lead[0] == head[0], (n, lead, head)
