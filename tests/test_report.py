"""The self-check report end to end on the mini project: build it, read DOCX and PDF back."""
from __future__ import annotations

import re
import shutil
import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner
from docx import Document as DocxDocument

from reportkit.cli import main
from reportkit.fmt import Formatter
from reportkit.theme import load_theme

pymupdf = pytest.importorskip("pymupdf")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(project, out):
    r = CliRunner().invoke(main, ["report", "--project", str(project), "--out", str(out), "--quiet"])
    return r


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import MINI

    root = tmp_path_factory.mktemp("rep")
    project = root / "project"
    shutil.copytree(MINI, project)
    out = root / "out"
    r = build(project, out)
    assert r.exit_code == 0, r.output
    pdf = pymupdf.open(out / "report.pdf")
    text = "".join(p.get_text() for p in pdf)
    return {"root": root, "project": project, "out": out, "pdf": pdf, "pdf_text": re.sub(r"\s+", "", text),
            "docx": DocxDocument(str(out / "report.docx")),
            "scores": pd.read_csv(out / "scores.csv", encoding="utf-8-sig")}


def docx_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return re.sub(r"\s+", "", "".join(parts))


CHAPTERS = ["总体情况", "总体评价", "生态宜居", "交通便捷", "满意度调查", "问题与成因", "对策建议",
            "体检结果与策略建议一览表", "策略建议落实跟踪", "指标一览表", "评价方法", "数据来源与采集方法"]


def test_pdf_has_title_chapters_and_every_indicator(built):
    text = built["pdf_text"]
    assert "甲市2020年城市体检自体检报告" in text
    for ch in CHAPTERS:
        assert ch in text, ch
    for name in built["scores"]["name"]:
        assert name in text, name
    assert "示例数据" in text
    assert "\u2063" not in text and "【?】" not in text


def test_pdf_structure(built):
    pdf = built["pdf"]
    assert pdf.page_count >= 15
    toc = pdf.get_toc()
    level1 = [t for lvl, t, _ in toc if lvl == 1]
    assert "一、总体情况" in level1 and "三、生态宜居" in level1
    assert any("附录一" in t for t in level1)
    fonts = {f[3] for i in range(pdf.page_count) for f in pdf.get_page_fonts(i)}
    assert any("NotoSerifSC" in f for f in fonts) and any("NotoSansSC" in f for f in fonts)
    assert all("+" in f for f in fonts if "Noto" in f)  # subset, embedded
    assert pdf.metadata["title"] == "甲市2020年城市体检自体检报告"
    assert pdf.metadata["author"] == "甲市住房和城乡建设局"
    # the cover page has no page number; the body is numbered from its first page on
    assert "—" not in re.sub(r"\s+", "", pdf[0].get_text())
    first = next(i for i, p in enumerate(pdf) if "一、总体情况" in re.sub(r"\s+", "", p.get_text()) and i > 1)
    assert re.sub(r"\s+", "", pdf[first].get_text()).endswith("—1—")
    assert re.sub(r"\s+", "", pdf[first + 1].get_text()).endswith("—2—")
    # the wide list is set on landscape pages
    land = [p for p in pdf if p.rect.width > p.rect.height]
    assert land and any("体检结果与策略建议一览表" in p.get_text() for p in land)


def test_narrative_numbers_equal_the_scores_table(built):
    fmt = Formatter.from_theme(load_theme())
    s = built["scores"].set_index("code")
    expected_value = fmt.with_unit(s.loc["EC-01", "value"], s.loc["EC-01", "unit"])
    dims = pd.read_csv(built["out"] / "dimensions.csv", encoding="utf-8-sig").set_index("dimension")
    expected_dim = fmt.score(dims.loc["生态宜居", "score"])
    for text in (built["pdf_text"], docx_text(built["docx"])):
        assert f"人均公园绿地面积为{expected_value}" in text
        assert f"评价为{s.loc['EC-01', 'rating']}" in text
        assert f"维度得分{expected_dim}分" in text
        assert "见图3-1" in text  # the trend chart of key indicator EC-01 numbers itself


def test_docx_structure(built):
    doc = built["docx"]
    styles = [p.style.name for p in doc.paragraphs]
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading 1")]
    for ch in ("总体情况", "生态宜居", "交通便捷"):
        assert any(ch in h for h in heads), heads
    assert any(s.startswith("Heading 2") for s in styles)
    body = doc.element.body
    instr = " ".join(t.text for t in body.iter(f"{W}instrText"))
    assert "TOC" in instr and "SEQ 图" in instr and "SEQ 表" in instr
    # the TOC's cached result already lists the chapters
    toc_text = "".join(p.text for p in doc.paragraphs if p.style.name.lower().startswith("toc"))
    assert "总体情况" in toc_text and "生态宜居" in toc_text
    # every figure is an inline picture with alt text
    n_fig = len(list(built["out"].joinpath("figures").glob("*.png")))
    pics = list(body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"))
    assert len(pics) == n_fig and all(p.get("descr") for p in pics)
    # header rows repeat
    assert any(tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in body.iter(f"{W}tr"))
    # a landscape section
    assert any(s.get(f"{W}orient") == "landscape" for s in body.iter(f"{W}pgSz"))
    assert doc.core_properties.title == "甲市2020年城市体检自体检报告"


def test_word_styles_set_east_asian_fonts(built):
    with zipfile.ZipFile(built["out"] / "report.docx") as z:
        styles = z.read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="黑体"' in styles and 'w:eastAsia="宋体"' in styles


def test_same_input_same_bytes(built, tmp_path):
    out2 = tmp_path / "again"
    r = build(built["project"], out2)
    assert r.exit_code == 0, r.output
    for name in ["report.pdf", "report.docx", "scores.xlsx", "scores.csv", "survey/summary.json"]:
        assert (built["out"] / name).read_bytes() == (out2 / name).read_bytes(), name
    for png in (built["out"] / "figures").glob("*.png"):
        assert png.read_bytes() == (out2 / "figures" / png.name).read_bytes(), png.name


def test_failed_build_keeps_previous_outputs(built, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(built["project"], project)
    out = tmp_path / "o"
    shutil.copytree(built["out"], out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with open(project / "data" / "values.csv", "a", encoding="utf-8") as f:
        f.write("EC-01,甲市,2021,abc,,\n")
    r = build(project, out)
    assert r.exit_code == 2
    assert "data/values.csv" in r.output and "abc" in r.output
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_raw_html_in_narrative_is_text(built, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(built["project"], project)
    (project / "narratives" / "50-html.md").write_text(
        "---\ntitle: 附加说明\norder: 50\n---\n注意 <img src=\"http://example.invalid/x.png\"> 与 <b>粗体</b> 标签。\n",
        encoding="utf-8")
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["report", "--project", str(project), "--out", str(out), "-q", "--format", "pdf"])
    assert r.exit_code == 0, r.output
    text = "".join(p.get_text() for p in pymupdf.open(out / "report.pdf"))
    assert "<b>粗体</b>" in text and "<img" in text


def test_geojson_gives_town_maps(mini, tmp_path):
    """With data/areas.geojson the town-level figure of a key indicator is a map."""
    import json

    from reportkit.charts import draw_png
    from reportkit.compose.context import ComposeContext
    from reportkit.compose.report import compose_report
    from reportkit.load.project import open_project
    from reportkit.score.indicators import score_project

    features = []
    for i, town in enumerate(["甲镇", "乙镇", "丙街道"]):
        ring = [[i, 0], [i + 1, 0], [i + 1, 1], [i, 1], [i, 0]]
        features.append({"type": "Feature", "properties": {"area": town},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    mini.write("data/areas.geojson", json.dumps({"type": "FeatureCollection", "features": features}))
    project, _ = open_project(mini.root)
    theme = load_theme()
    ctx = ComposeContext(project, score_project(project), theme, tmp_path / "figures")
    compose_report(ctx)
    spec = ctx.specs["towns-EC-01"]
    assert spec.data["geojson"]["features"][0]["properties"]["area"] == "甲镇"
    png = draw_png(spec, theme)
    assert png.startswith(b"\x89PNG")


def test_source_date_epoch_is_the_document_date(built, tmp_path, monkeypatch):
    # 2022-03-15: not the day the cover gives (no `date` in the mini project: 2021-01-01)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1647302400")
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["report", "--project", str(built["project"]), "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert pymupdf.open(out / "report.pdf").metadata["creationDate"].startswith("D:20220315")
    doc = DocxDocument(str(out / "report.docx"))
    assert doc.core_properties.created.date().isoformat() == "2022-03-15"
    assert (out / "report.pdf").read_bytes() != (built["out"] / "report.pdf").read_bytes()


def test_report_refuses_a_narrative_that_cites_unknown_data(mini, tmp_path):
    mini.write("narratives/20-bad.md", "---\ntitle: 坏章节\n---\n第一行\n\n见{{ figure('trend/EC-02') }}，{{ indicator('NOPE').value }}\n")
    r = CliRunner().invoke(main, ["report", "--project", str(mini.root), "--out", str(tmp_path / "o"), "-q"])
    assert r.exit_code == 2
    assert "narratives/20-bad.md" in r.output and "第 6 行" in r.output
    assert "trend/EC-02" in r.output and "NOPE" in r.output
    assert not (tmp_path / "o" / "report.pdf").exists()


def test_word_contents_carry_the_page_numbers_of_the_laid_out_pdf(built):
    """The TOC's cached page numbers are the printed page numbers of the same document
    laid out as PDF (Word recomputes them when it updates the fields)."""
    pdf = built["pdf"]
    texts = [re.sub(r"\s+", "", p.get_text()) for p in pdf]
    doc = built["docx"]
    toc = [p.text.split("\t") for p in doc.paragraphs if p.style.name.lower() == "toc 1" and "\t" in p.text]
    assert len(toc) >= 8
    for label, page in toc:
        printed = next(re.search(r"—(\d+)—$", t).group(1) for i, t in enumerate(texts)
                       if i > 2 and t.startswith(re.sub(r"\s+", "", label)))
        assert page == printed, (label, page, printed)
