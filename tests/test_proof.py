"""The proof (预检): each check fed a document (or a laid-out page) with its defect."""
from __future__ import annotations


import pytest
from click.testing import CliRunner

from reportkit import document as d
from reportkit.proof import LayoutFacts, PageFact, TableFragment, check_document, check_layout, proof
from reportkit.wording import load_toml as wording

P = wording("proof.toml")


def para(text: str) -> d.Paragraph:
    return d.Paragraph((d.Span(text),))


def doc_of(*blocks) -> d.Document:
    return d.Document(d.Meta("t"), tuple(blocks))


def cell(text, role=None):
    return d.Cell((d.Span(text),), role=role)


def indicator_table(value: str, reference: str, rating: str, name: str = "某指标") -> d.Table:
    head = (tuple(cell(h) for h in ("指标名称", "数值", "参照值", "评价")),)
    return d.Table(head, ((cell(name), cell(value), cell(reference), cell(rating, f"rating-{rating}")),),
                   "指标评价", "表3-1", (3, 1))


def checks(findings) -> list[str]:
    return [f.check for f in findings]


def test_a_clean_document_has_no_findings():
    doc = doc_of(d.Heading(1, "总体情况", "一、"), para("本次体检共57项指标，见图3-2。"),
                 indicator_table("0.30", "0.30", "良好"))
    assert check_document(doc, "街道（镇）") == []


def test_empty_table():
    t = d.Table((tuple(cell(h) for h in ("排名", "问题")),), (), "热点问题", "表10-8", (10, 8))
    f = check_document(doc_of(para("排出以下五个热点问题。"), t), "街道（镇）")
    assert checks(f) == ["empty_table"] and "表10-8 热点问题" in f[0].message


@pytest.mark.parametrize("text, marks", [("两者基本一致。。", "。。"), ("其中，，部分", "，，"), ("甲、、乙", "、、"),
                                         ("优于指标评价）。。此外", "。。"), ("结束。，", "。，")])
def test_doubled_punctuation(text, marks):
    f = check_document(doc_of(para(text)), "街道（镇）")
    assert checks(f) == ["punctuation"] and marks in f[0].message


def test_ellipsis_and_dash_are_not_doubled_punctuation():
    assert check_document(doc_of(para("市民反映……较多——尤其是停车。")), "街道（镇）") == []


@pytest.mark.parametrize("text", ["见【?】。", "见【图?】。", "共回收问卷【问卷数】份", "{{ city }}的", "{% if x %}",
                                  "见\u2063[[fig:x]]\u2063"])
def test_unresolved_placeholders(text):
    assert "placeholder" in checks(check_document(doc_of(para(text)), "街道（镇）"))


def test_placeholders_in_tables_captions_and_footnotes_too():
    t = d.Table((tuple(cell(h) for h in ("a", "b")),), ((cell("【?】"), cell("1")),), "表题", "表1-1", (1, 1))
    fn = d.Paragraph((d.Span("正文"), d.Footnote((d.Span("注{{ x }}"),))))
    assert checks(check_document(doc_of(t, fn), "街道（镇）")) == ["placeholder", "placeholder"]


def test_value_reference_and_rating_that_contradict_as_printed():
    # 0.25 rated 短板 against 0.3, printed with one decimal: "0.3 vs 0.3 短板"
    f = check_document(doc_of(indicator_table("0.3", "0.3", "短板")), "街道（镇）")
    assert checks(f) == ["contradiction"] and "0.3" in f[0].message and "短板" in f[0].message
    # with the direction known: printed better than the reference yet rated below 良好
    f = check_document(doc_of(indicator_table("4", "5", "短板", "通勤时间")), "街道（镇）",
                       directions={"通勤时间": "-"})
    assert checks(f) == ["contradiction"]
    # … and printed worse but rated 良好
    f = check_document(doc_of(indicator_table("3.6", "4.5", "良好", "公园面积")), "街道（镇）",
                       directions={"公园面积": "+"})
    assert checks(f) == ["contradiction"]
    # consistent rows pass
    ok = doc_of(indicator_table("3.6", "4.5", "短板", "公园面积"), indicator_table("0.31", "0.30", "良好", "甲"))
    assert check_document(ok, "街道（镇）", directions={"公园面积": "+", "甲": "+"}) == []


def test_town_terms_foreign_to_the_project():
    doc = doc_of(para("指标数据由18个园镇（街道）填报。"), para("各街道（镇）的比较。"))
    f = check_document(doc, "街道（镇）")
    assert checks(f) == ["term"] and "园镇（街道）" in f[0].message
    # the project's own term and its parts are not foreign
    assert check_document(doc_of(para("各园镇（街道）比较；园镇政府")), "园镇（街道）") == []


def page(n, fill, opens=False, landscape=False, tables=(), text="", forced=False, printed=None):
    return PageFact(n, printed or str(n), fill, landscape, opens, text, tuple(tables), forced)


def test_near_empty_pages_outside_chapter_ends():
    facts = LayoutFacts((page(1, 0.9, True), page(2, 0.3), page(3, 0.9), page(4, 0.2), page(5, 0.8, True),
                         page(6, 0.1)), 1)
    f = check_layout(facts)
    # page 2 is a third full and its chapter goes on; page 4 ends a chapter; the last page ends the report
    assert [(x.check, x.page) for x in f] == [("empty_page", 2)]
    assert "70%" in f[0].message


def test_a_short_page_before_a_change_of_orientation_or_a_forced_break_is_fine():
    facts = LayoutFacts((page(1, 0.9, True), page(2, 0.3), page(3, 0.9, landscape=True), page(4, 0.3, forced=True),
                         page(5, 0.9)), 1)
    assert check_layout(facts) == []


def test_orphan_table_tails():
    t1 = TableFragment(1, "表3-1城市体检指标一览表", 40, 42)
    tail = TableFragment(1, "表3-1城市体检指标一览表", 2, 42)
    facts = LayoutFacts((page(1, 1.0, True, tables=[t1]), page(2, 0.9, tables=[tail])), 1)
    f = check_layout(facts)
    assert [(x.check, x.page) for x in f] == [("table_tail", 2)] and "2" in f[0].message
    ok = TableFragment(1, "表3-1", 3, 43)
    assert check_layout(LayoutFacts((page(1, 1.0, True, tables=[t1]), page(2, 0.9, tables=[ok])), 1)) == []


def test_document_findings_get_their_page():
    facts = LayoutFacts((page(1, 0.9, True, text="一、总体情况正文"), page(2, 0.9, text="两者基本一致。。此后", printed="2")), 1)
    report = proof(doc_of(d.Heading(1, "总体情况", "一、"), para("两者基本一致。。此后")), facts, product="report.pdf",
                   town_term="街道（镇）")
    assert [(f.check, f.page) for f in report.findings] == [("punctuation", 2)]
    line = report.lines()[0]
    assert "report.pdf" in line and "2" in line and "。。" in line
    with pytest.raises(Exception) as exc:
        report.raise_if_strict(True)
    assert getattr(exc.value, "exit_code", None) == 2
    report.raise_if_strict(False)


# --- on real layouts (WeasyPrint) -------------------------------------------------------------
def test_layout_facts_of_a_real_pdf(tmp_path):
    """A long table never leaves a tail of one or two rows on a page (its last rows are kept
    together); a figure too tall for the rest of a page leaves a near-empty page that the
    proof reports; pages are numbered from the body's first page."""
    from PIL import Image

    from reportkit.render.pdf import render_pdf_layout
    from reportkit.theme import load_theme

    img = tmp_path / "tall.png"
    Image.new("RGB", (400, 560), (31, 78, 121)).save(img)
    rows = tuple((cell(str(i)), cell(f"第{i}行")) for i in range(1, 41))
    blocks = [d.Toc("目录", 2), d.Heading(1, "长表", "一、", anchor="c1")]
    for n in range(1, 33):
        blocks.append(d.Table((tuple(cell(h) for h in ("序号", "内容")),), rows[:n + 8], f"表{n}", f"表1-{n}", (1, n)))
    blocks += [d.Heading(1, "图", "二、", anchor="c2"), para("正文。" * 120),
               d.Figure(img, "高图", "图2-1", (2, 1), width=0.9), para("后文。")]
    doc = d.Document(d.Meta("t"), tuple(blocks))
    layout = render_pdf_layout(doc, load_theme(), tagged=False)
    facts = layout.facts
    assert facts.main_start == 2 and facts.pages[1].printed == "1"
    assert layout.printed["c1"] == 1 and layout.printed["c2"] > 1
    for p in facts.pages:
        for t in p.tables:
            if t.rows < t.total_rows:
                assert t.rows >= 3, (p.number, t)
    found = check_layout(facts)
    assert not [f for f in found if f.check == "table_tail"]
    empty = [f for f in found if f.check == "empty_page"]
    assert empty, [(p.number, round(p.fill, 2)) for p in facts.pages]


def test_report_prints_the_proof_and_strict_makes_it_an_error(mini, tmp_path):
    from reportkit.cli import main

    mini.write("narratives/50-x.md", "---\ntitle: 附加说明\norder: 50\n---\n两者基本一致。。\n")
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["report", "--project", str(mini.root), "--out", str(out), "-q", "--format", "docx"])
    assert r.exit_code == 0, r.output
    assert "。。" in r.output and (out / "report.docx").exists()
    out2 = tmp_path / "o2"
    r = CliRunner().invoke(main, ["report", "--project", str(mini.root), "--out", str(out2), "-q", "--format", "docx",
                                  "--strict"])
    assert r.exit_code == 2 and "--strict" in r.output
    assert not (out2 / "report.docx").exists()


def test_alt_text_is_proofread_too():
    img = d.Figure("x.png", "各街道（镇）绿地", "图1-1", (1, 1), alt="2024年各园镇（街道）绿地由优到劣依次为：甲1。")
    f = check_document(doc_of(img), "街道（镇）")
    assert checks(f) == ["term"] and "园镇（街道）" in f[0].message
