"""The Word back-end: styles, numbering, fields, captions, sections, metadata, bytes."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from lxml import etree
from PIL import Image

from reportkit import document as d
from reportkit.render.docx import default_template, render_docx
from reportkit.write import build_time
from reportkit.theme import load_theme

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


# --- building documents ----------------------------------------------------------------
def png(path: Path, w=400, h=200, color=(31, 78, 121)) -> Path:
    Image.new("RGB", (w, h), color).save(path)
    return path


def P(s: str, style="body", **kw) -> d.Paragraph:
    return d.Paragraph((d.Span(s, **kw),), style)


def row(*texts) -> tuple[d.Cell, ...]:
    return tuple(d.Cell((d.Span(t),)) for t in texts)


def sample(tmp_path: Path, demo=False) -> d.Document:
    img1 = png(tmp_path / "fig1.png")
    img2 = png(tmp_path / "fig2.png", 300, 300, (197, 90, 17))
    rating = d.Cell((d.Span("短板"),), role="rating-短板", align="center")
    table = d.Table(
        header=((d.Cell((d.Span("指标"),)), d.Cell((d.Span("数值"),)), d.Cell((d.Span("评价"),))),),
        rows=((d.Cell((d.Span("人均公园绿地面积"),)), d.Cell((d.Span("12.5"),)), rating),
              (d.Cell((d.Span("合计"),), colspan=2, bold=True), d.Cell((d.Span("—"),)))),
        caption="生态宜居指标", number="表1-1", seq=(1, 1), widths=(3, 1, 1),
        align=("left", "right", "center"), key="tab-eco", note="资料来源：市统计局。")
    wide = d.Table(header=((d.Cell((d.Span("序号"),)), d.Cell((d.Span("问题"),))),),
                   rows=tuple((d.Cell((d.Span(str(i)),)), d.Cell((d.Span(f"问题{i}"),)))
                              for i in range(1, 4)),
                   caption="体检结果与策略建议一览表", number="表2-1", seq=(2, 1), size="small")
    blocks = (
        d.Cover("东莞市2020年城市体检报告", "自体检", ("东莞市自然资源局", "2021年3月"),
                "示例数据" if demo else ""),
        d.Toc("目录", 2),
        d.PageBreak(),
        d.Heading(1, "前言", numbered=False, anchor="preface"),
        P("本报告依据住房和城乡建设部城市体检工作要求编制。", "lead"),
        d.PageBreak(),
        d.Heading(1, "总体评价", "一、", anchor="h001"),
        d.Paragraph((d.Span("城市体检共评价 "), d.Span("57", bold=True), d.Span(" 项指标，其中"),
                     d.Span("短板", role="rating-短板"), d.Span(" 3 项"),
                     d.Footnote((d.Span("指标体系见附录一。"),)), d.Span("。m"),
                     d.Span("2", sup=True), d.LineBreak(), d.Span("H"), d.Span("2", sub=True),
                     d.Span("O，代码 "), d.Span("STYJ-01", code=True), d.Span("，详见"),
                     d.Link("住房和城乡建设部网站", "https://www.mohurd.gov.cn/"),
                     d.Span("与"), d.Link("第二章", "#h004"), d.Span("。"))),
        d.Heading(2, "指标体系", "（一）", anchor="h002"),
        table,
        d.Heading(3, "生态宜居", "1.", anchor="h003"),
        d.Figure(img1, "人均公园绿地面积变化", "图1-1", (1, 1), alt="折线图：2016—2020年逐年上升。",
                 width=0.8, key="fig-park", note="注：2020年为快报数。"),
        d.Table((row("年份", "数值"),), (row("2019", "11.8"), row("2020", "12.5")),
                caption="逐年数值", number="表1-2", seq=(1, 2)),
        d.Heading(4, "细项", "（1）", anchor="h003a"),
        d.ListBlock(((P("第一项"),), (P("第二项"), d.ListBlock(((P("子项甲"),), (P("子项乙"),)),
                                                            ordered=True)),), ordered=True),
        d.ListBlock(((P("要点"),), (P("另一要点"),))),
        d.Quote((P("城市是生命体、有机体。"),)),
        d.Box((P("本报告使用示例数据。", "note"),), "示例数据", "warning"),
        d.Heading(1, "问题与建议", "二、", anchor="h004"),
        d.Heading(2, "结果清单", "（一）", anchor="h005"),
        d.Section((wide,), "landscape"),
        d.Figure(img2, "满意度", "图2-1", (2, 1), alt="饼图：满意 60%。"),
        d.Notes(((d.Span("注释一。"),),)),
        d.Box((P("落实情况：", "body"),), "部门反馈", "feedback"),
        P("东莞市城市体检工作领导小组办公室", "signature"),
        d.Heading(1, "附录一　指标说明", numbered=False, anchor="app1"),
        P("略。", "small"),
        P("居中文字", "center"),
    )
    meta = d.Meta("东莞市2020年城市体检报告", author="东莞市自然资源局", subject="城市体检",
                  keywords=("城市体检", "东莞市"), header="东莞市2020年城市体检报告", demo=demo)
    return d.Document(meta, blocks, "report")


@pytest.fixture(scope="module")
def theme():
    return load_theme()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, theme):
    tmp = tmp_path_factory.mktemp("docx")
    doc = sample(tmp)
    data = render_docx(doc, theme, default_template("report"))
    return doc, data, tmp


def xml_of(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def body_text(el) -> str:
    """Visible text of an element (w:t only; field instructions left out)."""
    return "".join(t.text or "" for t in el.iter(f"{{{W}}}t"))


# --- tests ---------------------------------------------------------------------------
def test_template_styles_have_east_asian_fonts(theme):
    word = open_docx(str(default_template("report")))
    names = {s.name.lower() for s in word.styles}
    for n in ["Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4",
              "Unnumbered Heading", "Caption", "TOC 1", "TOC 2", "TOC 3", "Report Table", "Quote",
              "List Bullet", "List Number", "footnote text", "Box", "Box Feedback", "Table Note"]:
        assert n.lower() in names, n
    styles = word.styles.element

    def ea(style_id):
        st = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        return st.find("w:rPr/w:rFonts", NS).get(qn("w:eastAsia"))
    assert ea("Normal") == theme.word["body_east_asia"]
    for lvl in range(1, 5):
        assert ea(f"Heading{lvl}") == theme.word["heading_east_asia"]
    assert ea("Caption") == theme.word["heading_east_asia"]
    normal = styles.find("w:style[@w:styleId='Normal']", NS)
    assert normal.find("w:pPr/w:ind", NS).get(qn("w:firstLineChars")) == "200"
    assert normal.find("w:pPr/w:spacing", NS).get(qn("w:line")) == "360"
    # heading styles carry numbering that exists in numbering.xml, in the Chinese formats
    numbering = word.part.numbering_part.element
    fmts = []
    for lvl in range(1, 5):
        st = styles.find(f"w:style[@w:styleId='Heading{lvl}']", NS)
        num_id = st.find("w:pPr/w:numPr/w:numId", NS).get(qn("w:val"))
        num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
        abs_id = num.find("w:abstractNumId", NS).get(qn("w:val"))
        lv = numbering.find(f"w:abstractNum[@w:abstractNumId='{abs_id}']/w:lvl[@w:ilvl='{lvl - 1}']", NS)
        fmts.append((lv.find("w:numFmt", NS).get(qn("w:val")), lv.find("w:lvlText", NS).get(qn("w:val"))))
    assert fmts == [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."),
                    ("decimal", "（%4）")]


def test_headings_use_numbered_styles(rendered):
    doc, data, _ = rendered
    word = open_docx(io.BytesIO(data))
    heads = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith(("Heading", "Unnumbered"))]
    assert heads == [("Unnumbered Heading", "前言"), ("Heading 1", "总体评价"), ("Heading 2", "指标体系"),
                     ("Heading 3", "生态宜居"), ("Heading 4", "细项"), ("Heading 1", "问题与建议"),
                     ("Heading 2", "结果清单"), ("Unnumbered Heading", "附录一　指标说明")]
    # numbered headings take their label from list numbering (no numPr override, no literal text)
    for p in word.paragraphs:
        if p.style.name.startswith("Heading"):
            assert p._p.find("w:pPr/w:numPr", NS) is None
    bms = [b.get(qn("w:name")) for b in xml_of(data, "word/document.xml").iterfind(".//w:bookmarkStart", NS)]
    assert "_Toc_h001" in bms and "_Toc_preface" in bms
    assert all(len(b) <= 40 for b in bms)


def test_numbering_mismatch_falls_back_to_literal_label(tmp_path, theme):
    blocks = (d.Heading(1, "甲", "一、"), d.Heading(1, "乙", "三、"), d.Heading(1, "丙", "二、"))
    data = render_docx(d.Document(d.Meta("t"), blocks), theme, default_template("report"))
    word = open_docx(io.BytesIO(data))
    heads = [p for p in word.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in heads] == ["甲", "三、乙", "丙"]
    assert heads[1]._p.find("w:pPr/w:numPr/w:numId", NS).get(qn("w:val")) == "0"
    assert heads[2]._p.find("w:pPr/w:numPr", NS) is None   # Word counts 二、 here


def test_toc_field_and_cached_entries(rendered):
    doc, data, _ = rendered
    root = xml_of(data, "word/document.xml")
    instr = [t.text for t in root.iterfind(".//w:instrText", NS)]
    assert any(re.fullmatch(r'\s*TOC \\o "1-2" \\h \\z \\u\s*', i) for i in instr)
    word = open_docx(io.BytesIO(data))
    toc = [p for p in word.paragraphs if re.fullmatch(r"toc \d", p.style.name.lower())]
    texts = [p.text.split("\t")[0] for p in toc if p.text]
    expected = ["前言", "一、总体评价", "（一）指标体系", "二、问题与建议", "（一）结果清单", "附录一　指标说明"]
    assert texts == expected
    assert {p.style.name.lower() for p in toc} == {"toc 1", "toc 2"}
    assert sum("PAGEREF _Toc_" in i for i in instr) == len(expected)
    tab = toc[0]._p.find("w:pPr/w:tabs/w:tab", NS)
    assert tab.get(qn("w:leader")) == "dot" and tab.get(qn("w:val")) == "right"
    # cached page estimates are numbers, in order
    pages = [int(p.text.split("\t")[1]) for p in toc if "\t" in p.text]
    assert pages == sorted(pages) and pages[0] == 1   # the body is numbered from its first page
    settings = xml_of(data, "word/settings.xml")
    assert settings.find("w:updateFields", NS).get(qn("w:val")) == "true"


def test_captions_have_seq_fields(rendered):
    _, data, _ = rendered
    word = open_docx(io.BytesIO(data))
    caps = [p for p in word.paragraphs if p.style.name == "Caption"]
    assert [p.text for p in caps] == ["表1-1 生态宜居指标", "图1-1 人均公园绿地面积变化", "表1-2 逐年数值",
                                      "表2-1 体检结果与策略建议一览表", "图2-1 满意度"]
    # the landscape table's caption sits in the body too (paragraph list covers all)
    instr = [" ".join(t.text.split()) for p in caps for t in p._p.iterfind(".//w:instrText", NS)]
    # the chapter number is a field too (it repeats the hidden chapter counter of the last
    # Heading 1); \r 1 on each chapter's first caption: LibreOffice ignores \s
    chapter = "SEQ Chapter \\c"
    assert instr == [chapter, "SEQ 表 \\* ARABIC \\r 1 \\s 1", chapter, "SEQ 图 \\* ARABIC \\r 1 \\s 1",
                     chapter, "SEQ 表 \\* ARABIC \\s 1",
                     chapter, "SEQ 表 \\* ARABIC \\r 1 \\s 1", chapter, "SEQ 图 \\* ARABIC \\r 1 \\s 1"]
    cached = [[r.xpath("string(following-sibling::w:r[1]/w:t)")
               for r in p._p.xpath(".//w:r[w:fldChar/@w:fldCharType='separate']")] for p in caps]
    assert cached == [["1", "1"], ["1", "1"], ["1", "2"], ["2", "1"], ["2", "1"]]
    # each numbered Heading 1 counts itself, hidden (SEQ Chapter \h)
    heads = [p for p in word.paragraphs if p.style.name.startswith("Heading 1")]
    counted = [any("SEQ Chapter \\h" in t.text for t in p._p.iterfind(".//w:instrText", NS)) for p in heads]
    assert counted == [True, True]
    # the bookmark a cross-reference points to holds the label only ("表1-1"), not the caption
    first = caps[0]._p
    start = first.find(".//w:bookmarkStart", NS)
    between = []
    for el in start.itersiblings():
        if el.tag == f"{{{W}}}bookmarkEnd":
            break
        between.append(el)
    assert "".join(t.text or "" for el in between for t in el.iter(f"{{{W}}}t")) == "表1-1"
    # caption above table, below figure
    body = list(xml_of(data, "word/document.xml").find("w:body", NS))
    i = next(n for n, el in enumerate(body) if "表1-1" in body_text(el))
    assert etree.QName(body[i + 1]).localname == "tbl"
    j = next(n for n, el in enumerate(body) if "图1-1" in body_text(el) and el.tag == f"{{{W}}}p")
    assert body[j - 1].find(".//wp:inline", NS) is not None


def test_tables(rendered):
    _, data, _ = rendered
    word = open_docx(io.BytesIO(data))
    t = word.tables[0]
    assert t.style.name == "Report Table"
    assert t.rows[0]._tr.find("w:trPr/w:tblHeader", NS) is not None
    assert t.rows[1]._tr.find("w:trPr/w:tblHeader", NS) is None
    grid = [int(g.get(qn("w:w"))) for g in t._tbl.iterfind("w:tblGrid/w:gridCol", NS)]
    assert abs(grid[0] / sum(grid) - 0.6) < 0.01 and sum(grid) == 8306
    # rating role: coloured text and light fill; colspan; alignment
    cell = t.rows[1]._tr.findall("w:tc", NS)[2]
    assert cell.find("w:tcPr/w:shd", NS) is not None
    assert cell.find(".//w:r/w:rPr/w:color", NS).get(qn("w:val")) == "C62828"
    assert cell.find("w:p/w:pPr/w:jc", NS).get(qn("w:val")) == "center"
    assert t.rows[2]._tr.find("w:tc/w:tcPr/w:gridSpan", NS).get(qn("w:val")) == "2"
    assert t.rows[1]._tr.findall("w:tc", NS)[1].find("w:p/w:pPr/w:jc", NS).get(qn("w:val")) == "right"
    notes = [p.text for p in word.paragraphs if p.style.name == "Table Note"]
    assert "资料来源：市统计局。" in notes
    small = [t for t in word.tables if t._tbl.find("w:tblPr/w:tblCaption", NS) is not None
             and "一览表" in t._tbl.find("w:tblPr/w:tblCaption", NS).get(qn("w:val"))][0]
    # the landscape list is small: 9 pt
    assert small._tbl.find(".//w:r/w:rPr/w:sz", NS).get(qn("w:val")) == "18"


def test_figures_have_alt_text(rendered):
    _, data, _ = rendered
    root = xml_of(data, "word/document.xml")
    pr = root.findall(".//wp:docPr", NS)
    assert len(pr) == 2
    assert pr[0].get("descr") == "折线图：2016—2020年逐年上升。"
    assert pr[0].get("title") == "人均公园绿地面积变化"
    assert len({p.get("id") for p in pr}) == 2
    ext = root.find(".//wp:inline/wp:extent", NS)
    assert int(ext.get("cx")) == int(8306 * 0.8) * 635 and int(ext.get("cy")) == int(ext.get("cx")) // 2
    media = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/media/")]
    assert len(media) == 2


def test_landscape_section_and_footer(rendered):
    _, data, _ = rendered
    word = open_docx(io.BytesIO(data))
    orients = [s.orientation for s in word.sections]
    assert len(word.sections) == 5            # cover, contents, body, landscape list, body again
    assert str(orients[3]).endswith("LANDSCAPE (1)") and str(orients[4]).endswith("PORTRAIT (0)")
    root = xml_of(data, "word/document.xml")
    sects = list(root.iter(f"{{{W}}}sectPr"))
    pg = [s.find("w:pgSz", NS) for s in sects]
    assert [p.get(qn("w:orient")) for p in pg] == [None, None, None, "landscape", None]
    # the contents are numbered I, II …; the body starts again at 1 and then runs on
    nums = [s.find("w:pgNumType", NS) for s in sects]
    assert nums[1].get(qn("w:fmt")) == "upperRoman" and nums[1].get(qn("w:start")) == "1"
    assert nums[2].get(qn("w:fmt")) == "decimal" and nums[2].get(qn("w:start")) == "1"
    assert nums[3].get(qn("w:start")) is None and nums[4].get(qn("w:start")) is None
    footer = word.sections[2].footer
    instr = " ".join(t.text for t in footer._element.iterfind(".//w:instrText", NS))
    assert "PAGE" in instr and "NUMPAGES" not in instr
    assert footer.paragraphs[0].text.replace("1", "X") == "— X —"
    # the cover page has no page number
    assert word.sections[0].different_first_page_header_footer
    assert word.sections[0].first_page_footer.paragraphs[0].text == ""


def test_cover_header_meta_and_demo(tmp_path, theme):
    doc = sample(tmp_path, demo=True)
    data = render_docx(doc, theme, default_template("report"))
    word = open_docx(io.BytesIO(data))
    first = [p.text for p in word.paragraphs[:6]]
    assert first[:5] == ["东莞市2020年城市体检报告", "自体检", "", "东莞市自然资源局", "2021年3月"]
    assert "示例数据" in [p.text for p in word.paragraphs[:8]]
    z = zipfile.ZipFile(io.BytesIO(data))
    for name in z.namelist():
        if name.endswith(".xml"):
            text = z.read(name).decode("utf-8")
            assert "{{" not in text and "{%" not in text, name
    headers = [z.read(n).decode() for n in z.namelist() if re.match(r"word/header\d+\.xml", n)]
    assert headers and all("示例数据" in h for h in headers)
    assert any("东莞市2020年城市体检报告" in h for h in headers)
    # the cover's own header carries no title and no rule (the Header style's bottom border
    # is switched off: an empty <w:pBdr/> would keep it)
    sect = word.sections[0]
    assert sect.different_first_page_header_footer
    first_header = sect.first_page_header.paragraphs[0]._p
    bottom = first_header.find(".//" + qn("w:pBdr") + "/" + qn("w:bottom"))
    assert bottom is not None and bottom.get(qn("w:val")) == "nil"
    assert "东莞市2020年城市体检报告" not in "".join(p.text for p in sect.first_page_header.paragraphs)
    cp = word.core_properties
    assert (cp.title, cp.author, cp.subject, cp.language) == (
        "东莞市2020年城市体检报告", "东莞市自然资源局", "城市体检", "zh-CN")
    assert "东莞市" in cp.keywords
    assert cp.created.replace(tzinfo=None) == cp.modified.replace(tzinfo=None) == build_time().replace(tzinfo=None)
    # without demo: no mark
    plain = render_docx(sample(tmp_path, demo=False), theme, default_template("report"))
    zp = zipfile.ZipFile(io.BytesIO(plain))
    assert not any("示例数据" in zp.read(n).decode() for n in zp.namelist() if "header" in n)


def test_footnotes_links_lists(rendered):
    _, data, _ = rendered
    fn = xml_of(data, "word/footnotes.xml")
    notes = [f for f in fn.iterfind("w:footnote", NS) if f.get(qn("w:type")) is None]
    assert len(notes) == 1 and "指标体系见附录一。" in body_text(notes[0])
    root = xml_of(data, "word/document.xml")
    assert root.find(".//w:footnoteReference", NS).get(qn("w:id")) == notes[0].get(qn("w:id"))
    links = root.findall(".//w:hyperlink", NS)
    ext = [h for h in links if h.get(qn("r:id"))]
    assert len(ext) == 1 and body_text(ext[0]) == "住房和城乡建设部网站"
    rels = zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels").decode()
    assert 'Target="https://www.mohurd.gov.cn/" TargetMode="External"' in rels
    assert any(h.get(qn("w:anchor")) == "_Toc_h004" and body_text(h) == "第二章" for h in links)
    word = open_docx(io.BytesIO(data))
    styles = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("List")]
    assert styles == [("List Number", "第一项"), ("List Number", "第二项"), ("List Number 2", "子项甲"),
                      ("List Number 2", "子项乙"), ("List Bullet", "要点"), ("List Bullet", "另一要点")]
    # ordered lists restart: their own w:num with a start override
    ids = {p._p.find("w:pPr/w:numPr/w:numId", NS).get(qn("w:val"))
           for p in word.paragraphs if p.style.name.startswith("List Number")}
    numbering = xml_of(data, "word/numbering.xml")
    for i in ids:
        assert numbering.find(f"w:num[@w:numId='{i}']/w:lvlOverride/w:startOverride", NS) is not None
    assert [p.text for p in word.paragraphs if p.style.name == "Quote"] == ["城市是生命体、有机体。"]


def test_boxes(rendered):
    _, data, _ = rendered
    word = open_docx(io.BytesIO(data))
    boxes = [t for t in word.tables if t.style.name.startswith("Box")]
    assert [t.style.name for t in boxes] == ["Box Warning", "Box Feedback"]
    assert boxes[0].cell(0, 0).paragraphs[0].text == "示例数据"
    assert len(boxes[1].rows) == 2 and boxes[1].rows[1].height is not None


def test_two_renders_are_identical(rendered, theme):
    doc, data, _ = rendered
    again = render_docx(doc, theme, default_template("report"))
    assert again == data
    z = zipfile.ZipFile(io.BytesIO(data))
    t = build_time()
    assert all(i.date_time == (t.year, t.month, t.day, t.hour, t.minute, t.second) for i in z.infolist())
    assert "w:rsid" not in z.read("word/document.xml").decode()


def test_sheet_template_without_cover(theme):
    doc = d.Document(d.Meta("部门建议单", header="部门建议单"),
                     (d.Heading(1, "东莞市水务局", "一、"), P("请于 30 日内反馈。"),
                      d.Box((P("已开展 □  正在研究 □  暂未开展 □"),), "反馈意见", "feedback")),
                     "sheet")
    data = render_docx(doc, theme, default_template("sheet"))
    word = open_docx(io.BytesIO(data))
    assert word.paragraphs[0].text == "东莞市水务局"
    assert len(word.sections) == 1
    assert "{{" not in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


def test_missing_image_is_a_user_error(tmp_path, theme):
    from reportkit.errors import ReportkitError
    doc = d.Document(d.Meta("t"), (d.Figure(tmp_path / "nope.png", "缺图", "图1-1", (1, 1)),))
    with pytest.raises(ReportkitError, match="找不到图片文件"):
        render_docx(doc, theme, default_template("report"))


def test_restyled_template_with_renamed_style_ids(tmp_path, theme):
    """Word in Chinese re-saves built-in styles under ids such as "1" and "a": names count."""
    renames = {"Normal": "a", "Heading1": "1", "Heading2": "2", "Heading3": "3", "Heading4": "4",
               "Caption": "a3", "TOC1": "10", "TOC2": "20", "ReportTable": "a5"}
    src = zipfile.ZipFile(default_template("report"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith(".xml"):
                text = data.decode("utf-8")
                for old, new in renames.items():
                    text = text.replace(f'w:styleId="{old}"', f'w:styleId="{new}"')
                    text = re.sub(f'(<w:(?:basedOn|next|link|pStyle|rStyle|tblStyle) w:val=)"{old}"',
                                  f'\\1"{new}"', text)
                data = text.encode("utf-8")
            z.writestr(info, data)
    template = tmp_path / "restyled.docx"
    template.write_bytes(out.getvalue())
    doc = d.Document(d.Meta("t"), (d.Toc(), d.Heading(1, "总体评价", "一、"), d.Heading(2, "指标", "（一）"),
                                   d.Table((row("甲", "乙"),), (row("1", "2"),), "表题", "表1-1", (1, 1))))
    word = open_docx(io.BytesIO(render_docx(doc, theme, template)))
    styled = [(p.style.style_id, p.text) for p in word.paragraphs if p.text]
    assert ("1", "总体评价") in styled and ("2", "指标") in styled and ("a3", "表1-1 表题") in styled
    assert [p.text.split("\t")[0] for p in word.paragraphs if p.style.style_id in ("10", "20") and p.text] == [
        "一、总体评价", "（一）指标"]
    assert word.tables[0]._tbl.find("w:tblPr/w:tblStyle", NS).get(qn("w:val")) == "a5"
    for p in word.paragraphs:   # numbering still comes from the (renamed) heading styles
        if p.style.style_id in ("1", "2"):
            assert p._p.find("w:pPr/w:numPr", NS) is None


def test_special_characters_are_escaped(tmp_path, theme):
    meta = d.Meta("A&B <城市>", header="A&B <城市> \"体检\"")
    doc = d.Document(meta, (d.Cover("A&B <城市>", "x&y"), P("1 < 2 & 3 > 2\x0b")))
    data = render_docx(doc, theme, default_template("report"))
    word = open_docx(io.BytesIO(data))
    assert word.paragraphs[0].text == "A&B <城市>"
    assert any(p.text == "1 < 2 & 3 > 2" for p in word.paragraphs)
    assert 'A&amp;B &lt;城市&gt; "体检"' in zipfile.ZipFile(io.BytesIO(data)).read("word/header1.xml").decode()


def test_large_document_renders_fast(tmp_path, theme):
    import time
    imgs = [png(tmp_path / f"c{i}.png", 630, 315, (i * 6, 80, 120)) for i in range(40)]
    text = "城市体检是通过综合评价城市发展建设状况、有针对性制定对策措施的一项基础性工作。" * 6
    blocks: list = [d.Cover("报告"), d.Toc()]
    for ch in range(1, 9):
        blocks.append(d.Heading(1, f"第{ch}章", "一二三四五六七八"[ch - 1] + "、"))
        for k in range(5):
            blocks += [P(text)] * 8
            blocks.append(d.Figure(imgs[(ch - 1) * 5 + k], f"图题{k}", f"图{ch}-{k + 1}", (ch, k + 1)))
        for k in range(8 if ch < 5 else 7):
            blocks.append(d.Table((row("指标", "数值", "评价"),), tuple(row(f"指标{r}", "1.0", "良好") for r in range(8)),
                                  f"表题{k}", f"表{ch}-{k + 1}", (ch, k + 1)))
    doc = d.Document(d.Meta("报告"), tuple(blocks))
    assert (len(doc.figures()), len(doc.tables())) == (40, 60)
    t0 = time.perf_counter()
    data = render_docx(doc, theme, default_template("report"))
    assert time.perf_counter() - t0 < 3.0
    assert len(open_docx(io.BytesIO(data)).tables) == 60


def test_cover_only_document_has_a_body_paragraph(theme):
    data = render_docx(d.Document(d.Meta("t"), (d.Cover("封面"), d.Section(()))), theme,
                       default_template("report"))
    word = open_docx(io.BytesIO(data))
    assert [p.text for p in word.paragraphs][0] == "封面"
    assert len(word.sections) == 2


def test_references_are_ref_fields_to_the_caption_number(tmp_path, theme):
    """见图1-1 in the text is a REF field to the bookmark around the caption's number, so it
    follows when figures are added or moved; figures side by side keep their fields."""
    img = png(tmp_path / "a.png")
    figs = (d.Figure(img, "甲", "图1-1", (1, 1), key="a", width=1.0),
            d.Figure(png(tmp_path / "b.png"), "乙", "图1-2", (1, 2), key="b", width=1.0))
    doc = d.Document(d.Meta("t"), (
        d.Toc("目录", 2),
        d.Heading(1, "总体", "一、", anchor="h1"),
        d.Paragraph((d.Span("变化见"), d.Ref("图1-2", "fig", "b"), d.Span("。"))),
        d.FigureRow(figs)))
    data = render_docx(doc, theme, default_template("report"), page_numbers={"h1": 7})
    root = xml_of(data, "word/document.xml")
    instr = [" ".join(t.text.split()) for t in root.iter(f"{{{W}}}instrText")]
    refs = [i for i in instr if i.startswith("REF ")]
    assert len(refs) == 1
    target = refs[0].split()[1]
    marks = {b.get(qn("w:name")) for b in root.iter(f"{{{W}}}bookmarkStart")}
    assert target in marks
    word = open_docx(io.BytesIO(data))
    assert "变化见图1-2。" in [p.text for p in word.paragraphs]
    # the two figures sit in one borderless row, each with its caption and SEQ fields
    row = [t for t in word.tables if len(t.columns) == 2][0]
    assert [c.paragraphs[-1].text for c in row.rows[0].cells] == ["图1-1 甲", "图1-2 乙"]
    assert sum(i.startswith("SEQ 图") for i in instr) == 2
    # the TOC's cached page number is the one given (the PDF's, as printed)
    toc = [p.text for p in word.paragraphs if p.style.name.lower().startswith("toc")]
    assert any(t.endswith("\t7") for t in toc), toc
