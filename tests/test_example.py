"""The county example (examples/county/, 青岚市 2024), built end to end like a new user would.

A second project of another shape than the demo: a county-level city in the
four-level system, 乡镇（街道） instead of 园镇（街道）, tables in GBK CSV, UTF-8
and XLSX.  Anything tuned to the demo (its words, its towns, its dimensions)
shows up here as a failure.
"""
from __future__ import annotations

import csv
import importlib.util
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "county"
DEMO = ROOT / "content"
TERM = "乡镇（街道）"


def _generator():
    spec = importlib.util.spec_from_file_location("make_example", EXAMPLE / "tools" / "make_example.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def demo_words() -> list[str]:
    """What must never leak from the demo: its city, its peers' region, its towns, its term."""
    with (DEMO / "data" / "areas.csv").open(encoding="utf-8") as fh:
        towns = [r["area"] for r in csv.DictReader(fh) if r["kind"] == "town"]
    return ["园镇", "东莞", "莞城", "新莞人"] + towns


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not (EXAMPLE / "data" / "survey.csv").exists():
        pytest.skip("example survey not generated (run `make example-data`)")
    out = tmp_path_factory.mktemp("county")
    results = {}
    # a few sheets are enough to read (every one is built by `make example`): a bureau, the
    # development zone's committee, a township government, a 街道 and a 乡
    only = [a for x in ("zjj", "kfq", "x-yl", "凤鸣街道", "高坪乡") for a in ("--only", x)]
    products = [a for x in ("results", "survey", "report", "tracking", "promo") for a in ("--product", x)]
    # --strict: any proof (预检) finding — empty table, doubled punctuation, placeholder, a value
    # that contradicts its rating, a term foreign to the project, a near-empty page, an orphan
    # table tail — fails the build, so the example is held to zero proof warnings
    for args in (["validate"], ["build", *products, "--strict"], ["sheets", *only, "--strict"]):
        extra = [] if args == ["validate"] else ["--out", str(out)]
        r = CliRunner().invoke(main, [*args, "--project", str(EXAMPLE), *extra])
        assert r.exit_code == 0, (args, r.output, r.exception)
        results[args[0]] = r.output
    return out, results


@pytest.fixture(scope="module")
def pdf_text(built):
    import pymupdf

    out, _ = built
    with pymupdf.open(out / "report.pdf") as doc:
        pages = [p.get_text() for p in doc]
    return pages


@pytest.fixture(scope="module")
def docx_text(built):
    from docx import Document

    out, _ = built
    d = Document(out / "report.docx")
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return parts


# -- the project as handed over ------------------------------------------------------------
def test_tables_come_in_several_formats():
    data = EXAMPLE / "data"
    for name in ("areas.csv", "departments.csv", "survey_questions.csv", "survey.csv"):
        raw = (data / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert raw.decode("gbk").startswith(("area", "id", "qid", "response_id")) and b"\r\n" in raw
    assert (data / "values.csv").read_bytes().decode("utf-8").startswith("code,area,year")
    assert (data / "tracking.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for name in ("indicators.xlsx", "recommendations.xlsx", "sub_indicators.xlsx"):
        assert (data / name).read_bytes()[:2] == b"PK"
        assert not (data / name.replace(".xlsx", ".csv")).exists()


def test_committed_tables_are_what_the_generator_writes():
    """Same generator, same bytes: the committed tables and the Makefile's survey."""
    import os

    import numpy as np

    gen = _generator()
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1735689600"
    try:
        files, _ = gen.build_tables(np.random.default_rng(gen.SEED))
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH")
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    for name, data in files.items():
        assert (EXAMPLE / "data" / name).read_bytes() == data, name
    if (EXAMPLE / "data" / "survey.csv").exists():
        assert gen.build_survey(np.random.default_rng(gen.SEED + 1)) == (EXAMPLE / "data" / "survey.csv").read_bytes()


def test_the_example_has_its_own_shape():
    from reportkit.load.project import open_project

    project, problems = open_project(EXAMPLE)
    assert not problems.warnings and not problems.errors
    st = project.settings
    assert (st.city, st.year, st.terms.town) == ("青岚市", 2024, TERM)
    assert st.feedback.deadline.isoformat() == "2025-04-30" and st.feedback.issuer == "青岚市城市体检工作领导小组办公室"
    assert st.extra["intake"]["jump"] == 0.30 and st.extra["intake"]["deadline"].isoformat() == "2024-08-20"
    assert project.dimensions == ["住房", "小区（社区）", "街区", "城区（城市）"]
    ind = project.indicators
    assert 40 <= len(ind) <= 70 and not ind["code"].str.startswith("STYJ").any()
    assert ind["category"].value_counts().to_dict() == {"基础指标": 50, "特色指标": 6}
    assert set(ind["aggregate"]) == {"sum", "none"} and (ind["formula"] != "").sum() == 3
    towns = project.towns
    assert len(towns) == 14 and sum(t.endswith("街道") for t in towns) == 4
    assert sum(t.endswith("镇") for t in towns) == 8 and sum(t.endswith("乡") for t in towns) == 2
    areas = project.areas
    assert (areas["kind"] == "district").sum() == 1
    assert set(areas.loc[areas["district"] != "", "area"]) == {"锦屏街道", "东湖街道"}
    assert (areas.loc[areas["kind"] == "town", "filer"] != "").all()
    assert set(project.sub_indicators["level"]) == {"city", "town"}
    assert all(n.endswith("局") for n in project.departments.loc[project.departments["kind"] == "市直部门", "name"])
    assert 15 <= len(project.recommendations) <= 25
    assert not set(demo_words()) & set(towns)


def test_scores_and_survey(built):
    out, results = built
    assert "0 个错误，0 个警告" in results["validate"]
    with (out / "scores.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    ratings = [r["rating"] for r in rows]
    assert len(rows) == 56
    assert {k: ratings.count(k) for k in ("良好", "预警", "短板")} == {"良好": 20, "预警": 23, "短板": 13}
    kinds = {r["reference_kind"] for r in rows}
    assert {"target", "standard", "peer_median"} <= kinds
    summary = json.loads((out / "survey" / "summary.json").read_text(encoding="utf-8"))
    gen = _generator()
    assert summary["collected"] == gen.N_TOTAL
    assert summary["rejected"] == gen.REJECTED          # every rejection rule, as designed
    assert set(summary["dimensions"]) == {"住房", "小区（社区）", "街区", "城区（城市）"}
    assert summary["groups"]["age_group"]["18岁以下"] is None
    assert set(summary["groups"]["town"]) == set(t for t, _, _ in gen.TOWNS)


# -- the report ------------------------------------------------------------------------------
def test_report_speaks_the_projects_words(pdf_text, docx_text):
    pdf = squash("".join(pdf_text))
    docx = squash("".join(docx_text))
    for text in (pdf, docx):
        for word in demo_words():
            assert word not in text, word
        assert "街道（镇）" not in text          # the default term: this project has its own
        assert text.count(TERM) >= 10
        assert "各乡镇（街道）总体满意度" in text and "所在乡镇（街道）不在本市范围内" in text
        # the analysts' own words reach the report
        assert "隐患住宅主要是上世纪八九十年代建成的砖混结构住宅和自建房" in text
        assert "老城区“路窄、巷密、房旧”" in text


def test_collection_sentence_names_who_files(pdf_text, docx_text):
    for text in (squash("".join(pdf_text)), squash("".join(docx_text))):
        m = re.search(r"指标数据由(\d.+?)填报[，。]", text)
        assert m, "no data-collection sentence"
        who = m.group(1)
        # the bureaus, the development zone's committee filing for its two 街道, the towns' governments
        assert re.fullmatch(r"\d+个市直部门、1个开发区管委会、2个街道办事处、8个镇人民政府和2个乡人民政府", who), who
        assert "14个乡镇（街道）" not in who


def test_analysts_chapter_titles_are_headings(pdf_text, docx_text):
    from docx import Document  # noqa: F401  (docx_text is the Word text, headings included)

    for text in (squash("".join(pdf_text)), squash("".join(docx_text))):
        for title in ("住房：从“有房住”走向“住好房”", "小区（社区）：补齐家门口的短板",
                      "街区：让老城街巷既整洁又有烟火气", "城区（城市）：提升县城综合承载能力", "问题与成因"):
            assert title in text, title


def test_no_proof_findings(built):
    """The strict build wrote its files, and said nothing about a finding."""
    out, results = built
    for step in ("build", "sheets"):
        assert "[预检]" not in results[step] and "预检：" not in results[step], results[step]
    assert (out / "report.pdf").is_file() and (out / "report.docx").is_file()


def test_town_charts_and_alt_text_use_the_term(built):
    from docx import Document

    out, _ = built
    d = Document(out / "report.docx")
    alts = [el.get("descr") for el in d.element.body.iter() if el.tag.endswith("}docPr") and el.get("descr")]
    towns = [a for a in alts if "凤鸣街道" in a and "云岭乡" in a and a.startswith("2024年各")]
    assert len(towns) >= 4 and all(a.startswith(f"2024年各{TERM}") for a in towns)
    # a total where lower is better is listed smallest first, and says so
    assert towns[0].startswith(f"2024年各{TERM}存在结构安全隐患的住宅数量由小到大依次为：云岭乡4，高坪乡4，")
    assert not any(w in a for a in alts for w in ("园镇", "东莞"))


# -- sheets, tracking workbooks, promo --------------------------------------------------------
def test_sheets_and_tracking(built):
    import pymupdf
    from openpyxl import load_workbook

    from reportkit.load.project import open_project
    from reportkit.tracking import duties

    out, results = built
    project, _ = open_project(EXAMPLE)
    depts = duties(project)
    assert "3 份部门反馈单、2 份地区指标情况表" in results["sheets"]
    for dept in ("zjj", "kfq", "x-yl"):
        assert dept in depts
        with pymupdf.open(out / "sheets" / f"{dept}.pdf") as doc:
            text = squash("".join(p.get_text() for p in doc))
        assert project.department_names[dept] in text and "青岚市2024年城市体检" in text
        assert not any(w in text for w in demo_words())
        wb = load_workbook(out / "tracking" / f"{dept}.xlsx")
        assert "落实情况反馈" in wb.sheetnames
        ids = {r[0] for r in wb["落实情况反馈"].iter_rows(values_only=True) if r and isinstance(r[0], str)}
        assert {d.rec_id for d in depts[dept]} <= ids
    from reportkit.compose.sheets import town_stems
    from reportkit.score.indicators import score_project

    stems = town_stems(project, score_project(project))
    assert len(stems) == 14
    for town in ("凤鸣街道", "高坪乡"):
        with pymupdf.open(out / "sheets" / f"{stems[town]}.pdf") as doc:
            text = squash("".join(p.get_text() for p in doc))
        assert "乡镇（街道）指标情况表" in text and f"乡镇（街道）：{town}" in text
        assert not any(w in text for w in demo_words())


def test_promo_keeps_its_word_and_stops_inviting(built):
    import zxingcpp
    from PIL import Image

    out, _ = built
    with Image.open(out / "promo" / "poster.png") as im:
        assert [b.text for b in zxingcpp.read_barcodes(im)] == ["https://example.gov.cn/qinglan-2024/survey"]
    # the answers reach 2024-07-31, the campaign's last day: the progress image is the final count
    with Image.open(out / "promo" / "progress.png") as im:
        assert zxingcpp.read_barcodes(im) == []


def test_example_promo_wording(tmp_path):
    from reportkit.products.promo import build_promo
    from reportkit.load.project import open_project
    from reportkit.render import png  # noqa: F401

    project, _ = open_project(EXAMPLE)
    _, rendered = build_promo(project, None)
    by = {r.canvas.name: r for r in rendered}
    poster = by["poster"].strings()
    assert "调查结果汇总分析后写入城市体检报告" in poster and not any("每一条" in s for s in poster)
    progress = by["progress"]
    assert progress.text("closed").text == "问卷收集已于2024年7月31日结束"
    assert progress.text("town.heading").text == f"问卷数最多的10个{TERM}"
    assert "凤鸣街道" in progress.strings()


def test_residents_concerns_ranked_and_asked_as_on_the_questionnaire(built, pdf_text, docx_text):
    """Only one of the six options of Q20 stands for a theme: the other themes are ranked by
    the open answers alone; Q20 is printed as asked and, being single choice, not as 可多选;
    卫生院 answers are health care, not sanitation."""
    out, _ = built
    with (out / "survey" / "themes.csv").open(encoding="utf-8-sig") as fh:
        themes = list(csv.DictReader(fh))
    for t in themes:
        share, concern = float(t["share"]), float(t["concern"])
        if t["choosable"] in ("1", "True"):
            assert concern == pytest.approx((share + float(t["choice_share"])) / 2), t["theme"]
        else:
            assert concern == pytest.approx(share), t["theme"]
    by = {t["theme"]: t for t in themes}
    assert "卫生院" not in by["环境卫生差"]["keywords"] and "卫生院" in by["看病就医"]["keywords"]
    assert int(by["环境卫生差"]["mentions"]) < 400          # was 558 with the 卫生院 answers
    concerns = [float(t["concern"]) for t in themes]
    assert concerns == sorted(concerns, reverse=True)
    top = [t["theme"] for t in themes[:5]]
    for text in (squash("".join(pdf_text)), squash("".join(docx_text))):
        assert "“您所在的乡镇（街道）最需要改善的方面是什么？”共有3,978人作答" in text
        assert "“您所在的乡镇”" not in text and "可多选" not in text and "多选题" not in text
        m = re.search(r"市民最关注的问题依次为：(.+?)。", text)
        assert m and [re.sub(r"（.*", "", x) for x in m.group(1).split("、")] == top
        assert "“交通出行”（21.4%）" in text and "未对应到具体关注主题" in text
        assert "最头疼的是卫生院看不了病" not in text.split("“环境卫生差”方面的代表性意见")[-1][:200]


def test_totals_across_towns_are_compared_per_capita(built, pdf_text):
    # a `sum` indicator (the count of unsafe dwellings) is compared across towns of
    # different size per 10,000 residents, as its chart and the town sheets compare it --
    # never "the town with the fewest dwellings is best"
    import csv

    out, _ = built
    text = squash("".join(pdf_text))
    m = re.search(r"14个乡镇（街道）按常住人口折算，(.+?)（([\d.]+)栋/万人）表现最好，(.+?)（([\d.]+)栋/万人）最差，"
                  r"全市为([\d.]+)栋/万人", text)
    assert m, "per capita sentence missing"
    best, best_v, worst, worst_v, city_v = m.groups()
    assert float(best_v) < float(city_v) < float(worst_v)     # fewer per capita is better here
    from reportkit.load.project import load_project

    project, _ = load_project(EXAMPLE)       # areas.csv is GBK: read it as the build does
    pops = dict(zip(project.areas["area"], project.areas["population"]))
    towns = {r["area"]: float(r["value"]) for r in csv.DictReader(open(out / "towns.csv", encoding="utf-8-sig"))
             if r["code"] == "ZF-01"}
    per_capita = {a: v / float(pops[a]) for a, v in towns.items()}
    assert min(per_capita, key=per_capita.get) == best and max(per_capita, key=per_capita.get) == worst
