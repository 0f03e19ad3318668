"""Department and town sheets: composed content, what the PDF and Word files hold, the index."""
from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import docx
import pymupdf
import pytest
from click.testing import CliRunner

from conftest import MINI
from reportkit.cli import main
from reportkit.build import build
from reportkit.compose.sheets import compose_sheets, town_stems
from reportkit.document import Box, Table, dump, plain
from reportkit.load.project import open_project
from reportkit.score.indicators import score_project
from reportkit.theme import load_theme

TABLES = ("indicators", "areas", "values", "departments", "recommendations")
# mini: R01 公园绿地分布不均 lead zj assist zr · R02 通勤时间偏长 lead jt assist zr;zj · R03 污水收集短板 lead sw
PROBLEMS = {"R01": "公园绿地分布不均", "R02": "通勤时间偏长", "R03": "污水收集短板"}
ITEMS = {"zj": {"R01": "牵头", "R02": "配合"}, "zr": {"R01": "配合", "R02": "配合"},
         "jt": {"R02": "牵头"}, "sw": {"R03": "牵头"}}
NAMES = {"zj": "市住房城乡建设局", "zr": "市自然资源局", "sw": "市水务局", "jt": "市交通运输局"}


def composed(root: Path, figures: Path):
    project, _ = open_project(root, tables=TABLES)
    scores = score_project(project)
    return project, scores, compose_sheets(project, scores, load_theme(root), figures)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The mini project's sheets, built once through the parallel path (2 workers)."""
    base = tmp_path_factory.mktemp("sheets")
    root = base / "project"
    shutil.copytree(MINI, root)
    out = base / "out"
    result = build(root, out, ("sheets",), workers=2)
    return root, out, result.composed["sheets"].data


def pdf_text(path: Path) -> str:
    with pymupdf.open(path) as doc:
        return "\n".join(page.get_text() for page in doc)


def docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]

    def cells(table):
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
                for t in cell.tables:
                    cells(t)
    for t in d.tables:
        cells(t)
    for s in d.sections:
        parts.extend(p.text for p in s.header.paragraphs)
    return "\n".join(parts)


def flat(text: str) -> str:
    return "".join(text.split())


# --- department sheets -------------------------------------------------------------------------
@pytest.mark.parametrize("dept", sorted(ITEMS))
def test_department_sheet_holds_exactly_its_items(built, dept):
    _, out, _ = built
    for path, read in ((out / "sheets" / f"{dept}.pdf", pdf_text), (out / "sheets" / f"{dept}.docx", docx_text)):
        text = flat(read(path))
        for rid, problem in PROBLEMS.items():
            mine = rid in ITEMS[dept]
            assert (f"建议编号{rid}" in text) == mine, (path.name, rid)
            assert (problem in text) == mine, (path.name, problem)
            assert (f"落实情况反馈（{rid}）" in text) == mine, (path.name, rid)
        assert f"甲市2020年城市体检·{NAMES[dept]}" in text       # running header: department and year
        assert "甲市2020年城市体检策略建议落实反馈单" in text


def test_department_sheet_roles_and_other_departments(built):
    root, _, result = built
    sheets = {s.key: s for s in result.sheets if s.kind == "department"}
    assert set(sheets) == set(ITEMS)
    for dept, roles in ITEMS.items():
        doc = sheets[dept].doc
        assert sheets[dept].items == tuple(roles)   # lead items first
        infos = [t for t in doc.tables() if t.key.startswith("item/")]
        got = {t.key[5:]: plain(t.rows[0][3].inlines) for t in infos}
        assert got == roles
        for t in infos:
            lead, assist = plain(t.rows[1][1].inlines), plain(t.rows[1][3].inlines)
            assert "（本部门）" in lead + assist
    # zj leads R01 with zr assisting; on zr's sheet zj is named as the lead
    zr = {t.key[5:]: t for t in sheets["zr"].doc.tables() if t.key.startswith("item/")}
    assert plain(zr["R01"].rows[1][1].inlines) == "市住房城乡建设局"
    assert plain(zr["R01"].rows[1][3].inlines) == "市自然资源局（本部门）"
    assert plain(zr["R02"].rows[1][3].inlines) == "市自然资源局（本部门）、市住房城乡建设局"
    text = flat(pdf_text(built[1] / "sheets" / "zj.pdf"))
    assert "二、牵头落实的策略建议（1项）" in text and "三、配合落实的策略建议（1项）" in text


def test_department_sheet_indicators_chart_and_texts(built):
    _, out, result = built
    zj = next(s for s in result.sheets if s.key == "zj").doc
    ind = [t for t in zj.tables() if t.key == "indicators"]
    assert len(ind) == 1                       # one table per department, not one per item
    ind = ind[0]
    assert [plain(c.inlines) for c in ind.header[0]] == ["指标名称", "单位", "数值", "参照值", "参照类型", "评价", "趋势",
                                                        "相关建议"]
    rows = {plain(r[0].inlines): [plain(c.inlines) for c in r] for r in ind.rows}
    assert rows["人均公园绿地面积"] == ["人均公园绿地面积", "平方米/人", "14.0", "15.0", "规划目标", "预警", "改善", "R01"]
    assert set(rows) == {"人均公园绿地面积", "通勤时间超过45分钟的人口比例", "建成区高峰期平均机动车速度"}
    assert rows["通勤时间超过45分钟的人口比例"][-1] == "R02"
    figs = zj.figures()
    assert [f.number for f in figs][:1] == ["图4-1"]        # after the lead and assist items
    assert figs[0].path.name == "sheet-trend-EC-01.png" and figs[0].path.is_file()
    assert len({f.path.name for f in figs}) == len(figs)          # each indicator's chart once
    text = flat(pdf_text(out / "sheets" / "zj.pdf"))
    for words in ("体检结果：人均公园绿地面积未达规划目标", "治理对策：加快社区公园建设", "行动建议：推进口袋公园建设",
                  "表1-1相关指标评价（2020年）", "四、相关指标变化情况", "图4-1甲市人均公园绿地面积变化情况", "相关指标人均公园绿地面积"):
        assert words in text


def test_each_item_is_kept_with_its_feedback_box(built):
    from reportkit.document import KEEP, Section

    _, out, result = built
    for s in result.sheets:
        if s.kind != "department":
            continue
        groups = [b for b in s.doc.blocks if isinstance(b, Section) and b.orientation == KEEP]
        assert len(groups) == len(s.items)
        for g in groups:
            assert isinstance(g.blocks[-1], Box) and g.blocks[-1].role == "feedback"
    # Word: every paragraph of an item but the last keeps with the next; PDF: the box never
    # starts a page alone (each box is on the page of its item's action)
    body = zipfile.ZipFile(out / "sheets" / "zj.docx").read("word/document.xml").decode("utf-8")
    assert body.count("<w:keepLines/>") >= 10 and "<w:keepNext/><w:keepLines/>" in body
    with pymupdf.open(out / "sheets" / "zj.pdf") as doc:
        for page in doc:
            t = flat(page.get_text())
            if "落实情况反馈（" in t:
                assert "行动建议：" in t


def test_department_sheet_issuing_block(tmp_path):
    """Recipient, issuer, date, deadline and contact on every department sheet ([feedback])."""
    from conftest import MINI

    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    toml = (root / "project.toml").read_text(encoding="utf-8")
    toml = toml.replace('demo = true', 'demo = true\ndate = "2021年3月"')
    toml += '\n[feedback]\ndeadline = 2021-04-30\ncontact = "李明"\nphone = "0769-12345678"\nissuer = "甲市城市体检工作领导小组办公室"\n'
    (root / "project.toml").write_text(toml, encoding="utf-8")
    result = build(root, tmp_path / "out", ("sheets",), workers=1).composed["sheets"].data
    for s in result.sheets:
        if s.kind != "department":
            continue
        issue = [t for t in s.doc.tables() if t.key == "issue"][0]
        cells = [plain(c.inlines) for row in issue.rows for c in row]
        assert cells == ["接收单位", s.name, "印发单位", "甲市城市体检工作领导小组办公室", "印发日期", "2021年3月",
                         "反馈截止", "2021年4月30日", "联系人", "李明", "联系电话", "0769-12345678"]
        assert "于2021年4月30日前反馈甲市城市体检工作领导小组办公室" in dump(s.doc)
    text = flat(pdf_text(tmp_path / "out" / "sheets" / "zj.pdf"))
    assert "反馈截止2021年4月30日" in text and "接收单位市住房城乡建设局" in text


def test_issuer_defaults_to_the_organisation(built):
    _, _, result = built
    s = next(s for s in result.sheets if s.kind == "department")
    cells = [plain(c.inlines) for row in [t for t in s.doc.tables() if t.key == "issue"][0].rows for c in row]
    # no project date: no 印发日期 row (never a made-up or blank date); the deadline a blank to fill in
    assert cells == ["接收单位", s.name, "印发单位", "甲市住房和城乡建设局", "反馈截止", "　",
                     "联系人", "　", "联系电话", "　"]
    assert "印发日期" not in dump(s.doc)


def test_town_totals_by_share_and_per_capita(tmp_path):
    """A `sum` indicator: the town's share of the city and per capita, never the city total or target."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from city_factory import make_city
    from reportkit.compose.sheets import compose_sheets
    from reportkit.load.project import open_project
    from reportkit.score.indicators import score_project
    from reportkit.theme import load_theme

    project, _ = open_project(make_city(tmp_path / "c"))
    scores = score_project(project)
    sheets = compose_sheets(project, scores, load_theme(project.root), tmp_path / "fig", kinds=("town",))
    sheet = sheets.sheets[0]
    totals = [t for t in sheet.doc.tables() if t.key.endswith("-totals")]
    assert totals
    rows = {plain(r[0].inlines): [plain(c.inlines) for c in r] for t in totals for r in t.rows}
    row = rows["存在使用安全隐患的住宅数量"]
    assert row[3].endswith("%") and row[6] == "栋/万人" and "130" not in row     # never the city's 130
    assert row[-1] in ("人均优于全市", "人均差于全市", "人均与全市持平")
    plain_rows = {plain(r[0].inlines) for t in sheet.doc.tables() if t.key in ("town-short", "town-rest")
                  for r in t.rows}
    assert "存在使用安全隐患的住宅数量" not in plain_rows


def test_feedback_block(built):
    _, out, result = built
    for s in result.sheets:
        if s.kind != "department":
            continue
        boxes = [b for b in s.doc.walk() if isinstance(b, Box) and b.role == "feedback"]
        assert [b.title for b in boxes] == [f"落实情况反馈（{rid}）" for rid in s.items]
        for b in boxes:
            words = flat(" ".join(plain(p.inlines) for p in b.blocks if hasattr(p, "inlines")))
            assert all(x in words for x in ("□已开展", "□正在研究", "□暂未开展", "进展情况："))
            form = [t for t in b.blocks if isinstance(t, Table)][0]
            # one row: contact, phone and date side by side (the box stays small)
            assert len(form.rows) == 1
            assert [plain(c.inlines) for c in form.rows[0]][::2] == ["联系人", "联系电话", "填报日期"]
    for path, read in ((out / "sheets" / "sw.pdf", pdf_text), (out / "sheets" / "sw.docx", docx_text)):
        text = flat(read(path))
        for words in ("落实状态（请勾选）：□已开展□正在研究□暂未开展", "进展情况：", "联系人", "联系电话", "填报日期"):
            assert words in text, (path.name, words)


def test_sheet_meta_and_kind(built):
    _, _, result = built
    for s in result.sheets:
        assert s.doc.kind == "sheet"
        assert s.doc.meta.demo is True
        assert s.doc.meta.header == f"甲市2020年城市体检 · {s.name}"


def test_every_visible_string_is_final(built):
    _, _, result = built
    for s in result.sheets:
        text = dump(s.doc)
        for bad in ("nan", "None", "<NA>", "{{", "}}", "department.", "town."):
            assert bad not in text, (s.stem, bad)


def test_shared_charts_are_drawn_once(tmp_path):
    _, _, sheets = composed(MINI, tmp_path)
    zj = next(s for s in sheets.sheets if s.key == "zj").doc
    zr = next(s for s in sheets.sheets if s.key == "zr").doc
    assert {f.path for f in zj.figures()} & {f.path for f in zr.figures()}   # EC-01's trend on both
    names = [p.stem for s in sheets.sheets for p in (f.path for f in s.doc.figures())]
    assert set(names) == set(sheets.specs)
    assert sorted(sheets.specs) == ["sheet-town-01", "sheet-town-02", "sheet-town-03", "sheet-trend-EC-01", "sheet-trend-EC-02",
                                    "sheet-trend-TR-01", "sheet-trend-TR-02"]


def test_department_without_items_gets_no_sheet(mini, tmp_path):
    mini.append("data/departments.csv", "gh,市规划局,市直部门")
    _, _, sheets = composed(mini.root, tmp_path)
    assert "gh" not in {s.key for s in sheets.sheets}
    assert [s.stem for s in sheets.sheets if s.kind == "department"] == ["zj", "zr", "sw", "jt"]


# --- town sheets ---------------------------------------------------------------------------------
def test_town_stems_follow_areas_order(mini):
    project, _ = open_project(mini.root, tables=TABLES)
    assert town_stems(project, score_project(project)) == {"甲镇": "town-01", "乙镇": "town-02", "丙街道": "town-03"}
    mini.replace("data/values.csv", "EC-01,甲镇,2020,10,,\n", "")
    mini.replace("data/values.csv", "TR-02,甲镇,2020,25,,\n", "")
    project, _ = open_project(mini.root, tables=TABLES)
    # a town without values gets no sheet; the others keep their file names
    assert town_stems(project, score_project(project)) == {"乙镇": "town-02", "丙街道": "town-03"}


def test_town_sheet_puts_shortfalls_first(built):
    _, out, result = built
    town = {s.key: s for s in result.sheets if s.kind == "town"}
    # 乙镇: EC-01 18 > city 14 and ≥ target 15 (fine); TR-02 21 < city 23 (better) but above target 20 (预警)
    assert town["乙镇"].items == ("TR-02", "EC-01")
    # 甲镇: worse than the city on both, worst position first
    assert town["甲镇"].items == ("EC-01", "TR-02")
    text = flat(pdf_text(out / "sheets" / "town-02.pdf"))
    assert text.index("一、需重点关注的指标（1项）") < text.index("通勤时间超过45分钟的人口比例") \
        < text.index("二、其他指标（1项）") < text.index("人均公园绿地面积")
    assert "未达参照值" in text and "优于全市" in text and "乙镇" in text
    tables = town["乙镇"].doc.tables()
    assert [plain(c.inlines) for c in tables[0].header[0]] == ["指标名称", "单位", "乙镇", "全市", "参照值", "排名", "比较"]
    assert [plain(c.inlines) for c in tables[0].rows[0]] == ["通勤时间超过45分钟的人口比例", "%", "21.0", "23.0", "20.0",
                                                             "2/3", "未达参照值"]
    assert [plain(c.inlines) for c in tables[1].rows[0]][4:] == ["15.0", "1/3", "优于全市"]


def test_town_sheet_shortfall_order_with_more_indicators(mini, tmp_path):
    # 乙镇 gets two more shortfalls; worst position comes first, catalogue order breaks ties
    mini.append("data/values.csv", "EC-03,甲镇,2020,50,,")
    mini.append("data/values.csv", "EC-03,乙镇,2020,20,,")
    mini.append("data/values.csv", "EC-03,丙街道,2020,45,,")
    mini.append("data/values.csv", "TR-01,甲镇,2020,35,,")
    mini.append("data/values.csv", "TR-01,乙镇,2020,25,,")
    _, _, sheets = composed(mini.root, tmp_path)
    town = next(s for s in sheets.sheets if s.key == "乙镇")
    # EC-03 rank 3/3 (0%), TR-01 rank 2/2 (0%), TR-02 rank 2/3 (50%) — then the rest: EC-01
    assert town.items == ("EC-03", "TR-01", "TR-02", "EC-01")
    chart = sheets.specs[f"sheet-{town.stem}"]
    assert chart.kind == "bars" and chart.data["values"] == [0.0, 0.0, 50.0, 100.0]
    assert chart.data["colors"][:3] == ["rating-短板"] * 3


# --- files and index --------------------------------------------------------------------------------
def test_files_and_index(built):
    _, out, result = built
    with open(out / "sheets" / "index.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["department", "file", "items", "pages", "kind", "id"]
    assert [r["file"] for r in rows] == ["zj.pdf", "zr.pdf", "sw.pdf", "jt.pdf", "town-01.pdf", "town-02.pdf",
                                         "town-03.pdf"]
    assert [r["department"] for r in rows][4:] == ["甲镇", "乙镇", "丙街道"]
    assert [int(r["items"]) for r in rows][:4] == [2, 2, 1, 1]
    for r in rows:
        pdf = out / "sheets" / r["file"]
        assert pdf.with_suffix(".docx").is_file()
        with pymupdf.open(pdf) as doc:
            assert int(r["pages"]) == doc.page_count
    assert (out / "figures" / "sheet-trend-EC-01.png").is_file()


def test_cli_sheets_only_and_format(mini, tmp_path):
    r = CliRunner().invoke(main, ["sheets", "--project", str(mini.root), "--out", str(tmp_path), "-q",
                                  "--only", "sw", "--format", "pdf", "--workers", "1"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "sheets").iterdir()) == ["index.csv", "sw.pdf"]
    assert "1 份部门反馈单" in r.output
    r = CliRunner().invoke(main, ["sheets", "--project", str(mini.root), "--out", str(tmp_path), "-q",
                                  "--only", "nobody"], catch_exceptions=False)
    assert r.exit_code == 2 and "nobody" in r.output


def test_sheet_outputs_are_reproducible(tmp_path):
    from reportkit.charts.render import draw_many
    from reportkit.render.docx import default_template, render_docx
    from reportkit.render.pdf import render_pdf

    theme = load_theme(MINI)
    _, _, sheets = composed(MINI, tmp_path / "figures")
    drawn = draw_many([sheets.specs["sheet-trend-TR-02"], sheets.specs["sheet-trend-TR-01"]], theme)
    images = {str(tmp_path / "figures" / f"{n}.png"): png for n, png in drawn.png.items()}
    jt = next(s for s in sheets.sheets if s.key == "jt").doc
    assert render_pdf(jt, theme, MINI, images=images) == render_pdf(jt, theme, MINI, images=images)
    tpl = default_template("sheet", MINI)
    assert render_docx(jt, theme, tpl, images=images) == render_docx(jt, theme, tpl, images=images)


def test_file_name_clash_is_a_user_error(mini, tmp_path):
    from reportkit.errors import ReportkitError

    mini.replace("data/departments.csv", "sw,市水务局", "town-01,市水务局")
    mini.replace("data/recommendations.csv", "推进雨污分流,sw,", "推进雨污分流,town-01,")
    mini.replace("data/indicators.csv", ",sw,,统计", ",town-01,,统计")
    with pytest.raises(ReportkitError, match="town-01"):
        composed(mini.root, tmp_path)


def test_summary_leaves_out_roles_without_items(built):
    _, _, result = built
    text = {s.key: dump(s.doc) for s in result.sheets}
    assert "本部门涉及策略建议1项（牵头1项）。" in text["sw"]
    assert "本部门涉及策略建议2项（配合2项）。" in text["zr"]
    assert "本部门涉及策略建议2项（牵头1项、配合1项）。" in text["zj"]


# --- what an official reads: numbers, words and captions agree ---------------------------------
def test_related_ids_in_natural_order(mini, tmp_path):
    from reportkit.compose.sheets import id_order

    assert sorted(["R11", "R10", "R2", "R1"], key=id_order) == ["R1", "R2", "R10", "R11"]
    assert sorted(["A-10", "A-9", "B-1"], key=id_order) == ["A-9", "A-10", "B-1"]
    # R10 listed before R2 in the file: the indicator table still reads R01、R2、R10
    mini.append("data/recommendations.csv", "R10,绿地服务半径不足,EC-01,覆盖率偏低,补点建设,新建社区公园,zj,")
    mini.append("data/recommendations.csv", "R2,公园品质不高,EC-01,设施老旧,提质改造,改造老旧公园,zj,")
    _, _, sheets = composed(mini.root, tmp_path)
    zj = next(s for s in sheets.sheets if s.key == "zj")
    table = next(t for t in zj.doc.tables() if t.key == "indicators")
    rows = {plain(r[0].inlines): plain(r[-1].inlines) for r in table.rows}
    assert rows["人均公园绿地面积"] == "R01、R2、R10"


def _town_words_match_numbers(sheet, directions: dict[str, str]) -> int:
    """Every row of a town's rated tables: the 比较 words hold for the numbers as printed.
    Returns the number of rows checked."""
    n = 0
    for t in sheet.doc.tables():
        if t.key not in ("town-short", "town-rest"):
            continue
        for r in t.rows:
            cells = [plain(c.inlines) for c in r]
            name, words = cells[0], cells[-1]
            v, city, ref = (float(x.replace(",", "")) if x != "—" else None for x in cells[2:5])
            up = directions[name] == "+"
            if "差于全市" in words:
                assert (v < city if up else v > city), (sheet.key, cells)
            elif "优于全市" in words:
                assert (v > city if up else v < city), (sheet.key, cells)
            elif "与全市持平" in words:
                assert v == city, (sheet.key, cells)
            if ref is not None:
                short = v < ref if up else v > ref
                assert ("未达参照值" in words) == short, (sheet.key, cells)
            n += 1
    return n


def test_town_comparison_words_hold_as_printed(mini, tmp_path):
    """Values compared unrounded but printed rounded never contradict their words: the
    indicator gets the decimal that shows the comparison (13.96 vs 14.00, 14.97 vs 15.00),
    and a difference finer than that is a tie as printed (与全市持平), never 差于全市."""
    text = mini.read("data/values.csv")
    text = text.replace("EC-01,甲镇,2020,10,,", "EC-01,甲镇,2020,13.96,,")
    text = text.replace("EC-01,乙镇,2020,18,,", "EC-01,乙镇,2020,14.97,,")
    text = text.replace("EC-01,丙街道,2020,14,,", "EC-01,丙街道,2020,14.00004,,")
    mini.write("data/values.csv", text)
    project, scores, sheets = composed(mini.root, tmp_path)
    directions = dict(zip(project.indicators["name"], project.indicators["direction"]))
    towns = {s.key: s for s in sheets.sheets if s.kind == "town"}

    def row(town: str, name: str) -> list[str]:
        return next([plain(c.inlines) for c in r] for t in towns[town].doc.tables() for r in t.rows
                    if plain(r[0].inlines) == name)

    assert row("甲镇", "人均公园绿地面积")[2:5] == ["13.96", "14.00", "15.00"]
    assert row("甲镇", "人均公园绿地面积")[-1] == "差于全市、未达参照值"
    assert row("乙镇", "人均公园绿地面积")[2:5] == ["14.97", "14.00", "15.00"]
    assert row("乙镇", "人均公园绿地面积")[-1] == "未达参照值"
    assert row("丙街道", "人均公园绿地面积")[2:4] == ["14.00", "14.00"]
    assert row("丙街道", "人均公园绿地面积")[-1] == "未达参照值"         # and not 差于全市
    assert sum(_town_words_match_numbers(s, directions) for s in towns.values()) >= 6
    # the city's own tables print the indicator the same way (one value, one text)
    zj = next(s for s in sheets.sheets if s.key == "zj")
    ind = next(t for t in zj.doc.tables() if t.key == "indicators")
    assert [plain(c.inlines) for c in ind.rows[0]][2:4] == ["14.00", "15.00"]


def test_town_totals_without_population_stand_apart(mini, tmp_path):
    """A total (town values add up to the city's) without populations is compared with
    nothing: a section of its own, never captioned 不差于全市, and a note in the reader's
    words (no file or column name)."""
    for town, v in (("甲镇", 10), ("乙镇", 20), ("丙街道", 10.2)):       # 10 + 20 + 10.2 = city 40.2
        mini.append("data/values.csv", f"EC-03,{town},2020,{v},,")
    _, _, sheets = composed(mini.root, tmp_path)
    for s in (s for s in sheets.sheets if s.kind == "town"):
        text = dump(s.doc)
        tables = {t.key: t for t in s.doc.tables()}
        shares = tables["town-shares-totals"]
        assert shares.caption == "总量指标占全市比例（不作比较）"
        # not compared, so not ranked either: a small town is not "3/3" for having less of it
        assert [plain(c.inlines) for c in shares.header[0]] == ["指标名称", "单位", s.name, "占全市"]
        assert all(len(r) == 4 for r in shares.rows)
        assert [plain(r[0].inlines) for r in shares.rows] == ["新建建筑中绿色建筑占比"]
        assert "因缺少各街道（镇）常住人口数据，未作人均比较" in shares.note
        for key in ("town-short", "town-rest"):
            if key in tables:
                assert "新建建筑中绿色建筑占比" not in {plain(r[0].inlines) for r in tables[key].rows}
        assert "（总量指标）" not in text and "不差于全市且达到参照值的指标（" not in text
        assert "1项总量指标只列出占全市比例，不作比较" in text
        for leak in ("data/", "areas", "population", ".csv"):
            assert leak not in text, (s.key, leak)


def test_one_footer_format(built):
    """Every sheet's footer, PDF and Word alike: 第 N 页 / 共 M 页."""
    import re

    _, out, result = built
    pat = re.compile(r"^第 (\d+) 页 / 共 (\d+) 页$")
    for s in result.sheets:
        with pymupdf.open(out / "sheets" / f"{s.stem}.pdf") as doc:
            for i, page in enumerate(doc, 1):
                lines = [ln.strip() for ln in page.get_text().splitlines() if "页" in ln and "共" in ln]
                m = [pat.match(ln) for ln in lines]
                assert len(m) == 1 and m[0] and m[0].groups() == (str(i), str(len(doc))), (s.stem, i, lines)
        d = docx.Document(str(out / "sheets" / f"{s.stem}.docx"))
        footers = {p.text for sec in d.sections for p in sec.footer.paragraphs if p.text.strip()}
        assert len(footers) == 1 and pat.match(footers.pop()), s.stem   # fields, cached as 1 / 1
