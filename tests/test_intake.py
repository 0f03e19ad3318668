"""The filing loop: every check of the contract names its cell; hostile workbooks are
clear problems naming the file; the workbook keeps text as text."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reportkit.cli import main
from reportkit.load.project import open_project
from reportkit.products.intake import wording
from reportkit.products.intake.collect import collect
from reportkit.products.intake.plan import make_plan
from reportkit.products.intake.settings import intake_settings
from reportkit.products.intake.template import build_template

TABLES = ("indicators", "areas", "values", "departments", "recommendations")

INDICATORS = """code,name,dimension,category,unit,direction,standard,target,departments,key,method,source,aggregate,formula
EC-01,人均公园绿地面积,生态宜居,基础指标,平方米/人,+,,15,zj;zr,1,空间,市林业局,none,EC-01-1 / EC-01-2
EC-02,城市生活污水集中收集率,生态宜居,基础指标,%,+,70,,sw,,统计,,,
EC-03,绿色建筑项目数量,生态宜居,特色指标,个,+,,,zj,,统计,,sum,
TR-01,建成区高峰期平均机动车速度,交通便捷,基础指标,千米/小时,+,,,jt,1,大数据,,,
TR-02,通勤时间超过45分钟的人口比例,交通便捷,基础指标,%,-,,20,jt;zr,,大数据,,none,TR-02-1 / EC-01-2 * 100
TR-03,专用自行车道密度,交通便捷,市内指标,千米/平方千米,+,,,jt,,空间,,,
"""
SUBS = """code,indicator,name,unit,department,level,min,max
EC-01-1,EC-01,公园绿地面积,公顷,zj,town,0,
EC-01-2,EC-01,常住人口,万人,zr,town,0,5000
TR-02-1,TR-02,通勤时间超过45分钟人数,万人,jt,city,,
"""
AREAS = """area,kind,filer
甲市,city,
甲镇,town,jiazhen
乙镇,town,yizhen
丙街道,town,
乙市,peer,
丙市,peer,
丁市,peer,
"""
DEPTS_EXTRA = "jiazhen,甲镇人民政府,园镇\nyizhen,乙镇人民政府,园镇\n"
VALUES_EXTRA = """EC-01-1,甲市,2019,1300,,
EC-01-2,甲市,2019,100,,
EC-01-1,甲镇,2019,400,,
EC-01-2,甲镇,2019,40,,
TR-02-1,甲市,2019,18,,
"""


@pytest.fixture
def proj(mini):
    mini.write("data/indicators.csv", INDICATORS)
    mini.write("data/sub_indicators.csv", SUBS)
    mini.write("data/areas.csv", AREAS)
    mini.append("data/departments.csv", DEPTS_EXTRA.strip())
    text = mini.read("data/values.csv")
    # EC-01 and TR-02 are computed now: drop their filed 2020 values, keep history
    lines = [ln for ln in text.splitlines() if not re.match(r"^(EC-01|TR-02),[^,]*,2020,", ln)
             or not ln.split(",")[1] in ("甲市", "甲镇", "乙镇", "丙街道")]
    lines = [ln for ln in lines if not re.match(r"^EC-0[23],", ln) or ",2020," not in ln or ln.split(",")[1] not in
             ("甲市", "甲镇", "乙镇", "丙街道")]
    mini.write("data/values.csv", "\n".join(lines) + "\n" + VALUES_EXTRA)
    mini.append("project.toml", '[intake]\ndeadline = 2020-09-30\ncontact = "专班"\nphone = "123"\njump = 0.30')
    return mini


def load(root):
    project, _ = open_project(root, tables=TABLES)
    return project


def template(root, filer, dest: Path) -> Path:
    project = load(root)
    plan = make_plan(project)
    w = wording(project.root)
    data = build_template(project, plan, filer, w, intake_settings(project.settings))
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return dest


def rows_of(path: Path) -> dict[tuple, int]:
    ws = openpyxl.load_workbook(path)["填报表"]
    return {(ws[f"A{r}"].value, ws[f"D{r}"].value, ws[f"E{r}"].value): r for r in range(2, ws.max_row + 1)}


def edit(path: Path, cells: dict, modified=None) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb["填报表"]
    for ref, v in cells.items():
        ws[ref] = v
    wb.save(path)
    if modified:
        set_modified(path, modified)
    return path


def set_modified(path: Path, stamp: str) -> None:
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", lambda m: m.group(1) + stamp.encode() + m.group(2),
                              data)
            dst.writestr(info, data)
    path.write_bytes(out.getvalue())


def run_collect(root, paths):
    project = load(root)
    return collect(project, list(paths), [p.name for p in paths])


def finding(col, rule):
    got = [f for f in col.findings if f.rule == rule]
    assert got, [(f.rule, f.message) for f in col.findings]
    return got[0]


# --- the workbook ---------------------------------------------------------------------
def test_template_layout_protection_validation_and_marker(proj, tmp_path):
    path = template(proj.root, "zj", tmp_path / "zj.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "填报表"
    ws = wb["填报表"]
    assert [c.value for c in ws[1]][:9] == ["编号", "名称", "单位", "地区", "年份", "填报值", "上年值", "数据来源", "备注"]
    keys = rows_of(path)
    # EC-01-1 is town level: the city and the town without a filer (丙街道) are zj's, 甲镇/乙镇 file their own
    assert ("EC-01-1", "甲市", 2020) in keys and ("EC-01-1", "丙街道", 2020) in keys
    assert ("EC-01-1", "甲镇", 2020) not in keys
    assert ("EC-03", "甲市", 2020) in keys                 # no formula: filed by its lead department
    r = keys[("EC-01-1", "甲市", 2020)]
    assert ws[f"G{r}"].value == 1300                       # last year's value, a number
    assert "公园绿地面积 ÷ 常住人口" in ws[f"K{r}"].value     # 口径 with names
    assert ws.protection.sheet
    assert not ws[f"F{r}"].protection.locked and not ws[f"H{r}"].protection.locked
    assert ws[f"A{r}"].protection.locked and ws[f"G{r}"].protection.locked
    dvs = ws.data_validations.dataValidation
    assert all(dv.type == "decimal" for dv in dvs)
    count = keys[("EC-03", "甲市", 2020)]
    assert any(f"F{count}" in str(dv.sqref) and dv.operator == "greaterThanOrEqual" and dv.formula1 == "0"
               for dv in dvs)
    meta = wb["reportkit"]
    assert meta.sheet_state == "veryHidden" and meta["B3"].value == "zj"
    assert re.fullmatch(r"[0-9a-f]{16}", meta["B2"].value)
    info = wb.worksheets[1]
    text = " ".join(str(c.value) for row in info.iter_rows() for c in row if c.value)
    assert "市住房城乡建设局" in text and "2020年9月30日" in text and "30%" in text


def test_template_is_reproducible_and_text_stays_text(proj, tmp_path):
    proj.replace("data/sub_indicators.csv", "公园绿地面积", "=HYPERLINK(\"http://x\")公园绿地面积")
    a = template(proj.root, "zj", tmp_path / "a.xlsx").read_bytes()
    b = template(proj.root, "zj", tmp_path / "b.xlsx").read_bytes()
    assert a == b
    sheet = zipfile.ZipFile(io.BytesIO(a)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet                               # no formula anywhere
    ws = openpyxl.load_workbook(io.BytesIO(a))["填报表"]
    names = [ws[f"B{r}"].value for r in range(2, ws.max_row + 1)]
    assert any(str(n).startswith("=HYPERLINK") for n in names)


def test_template_command_writes_every_filer_and_index(proj, tmp_path):
    r = CliRunner().invoke(main, ["intake", "template", "--project", str(proj.root), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    index = (tmp_path / "intake" / "index.csv").read_text(encoding="utf-8-sig")
    assert index.splitlines()[0] == "filer,file,items,name"
    for filer in ("zj", "zr", "sw", "jt", "jiazhen", "yizhen"):
        assert (tmp_path / "intake" / f"{filer}.xlsx").is_file()


# --- errors ---------------------------------------------------------------------------
def test_not_a_number_names_its_cell(proj, tmp_path):
    p = template(proj.root, "zj", tmp_path / "zj.xlsx")
    r = rows_of(p)[("EC-01-1", "甲市", 2020)]
    edit(p, {f"F{r}": "１３５０公顷"})
    f = finding(run_collect(proj.root, [p]), "not_number")
    assert (f.cell, f.sheet, f.level, f.value) == (f"F{r}", "填报表", "error", "１３５０公顷")
    assert "半角" in f.hint


def test_outside_min_max_names_its_cell(proj, tmp_path):
    p = template(proj.root, "zr", tmp_path / "zr.xlsx")
    r = rows_of(p)[("EC-01-2", "甲市", 2020)]
    edit(p, {f"F{r}": 6000})
    f = finding(run_collect(proj.root, [p]), "out_of_range")
    assert f.cell == f"F{r}" and "0～5000" in f.message


def test_percentage_above_100_and_count_below_0(proj, tmp_path):
    p = template(proj.root, "sw", tmp_path / "sw.xlsx")
    r = rows_of(p)[("EC-02", "甲市", 2020)]
    edit(p, {f"F{r}": 130})
    f = finding(run_collect(proj.root, [p]), "impossible")
    assert f.cell == f"F{r}" and "100" in f.message
    q = template(proj.root, "zj", tmp_path / "zj.xlsx")
    r = rows_of(q)[("EC-03", "甲市", 2020)]
    edit(q, {f"F{r}": -2})
    f = finding(run_collect(proj.root, [q]), "impossible")
    assert f.cell == f"F{r}" and "小于 0" in f.message


def test_item_not_assigned_to_the_filer(proj, tmp_path):
    p = template(proj.root, "sw", tmp_path / "sw.xlsx")
    last = max(rows_of(p).values()) + 1
    edit(p, {f"A{last}": "TR-02-1", f"D{last}": "甲市", f"E{last}": 2020, f"F{last}": 5})
    f = finding(run_collect(proj.root, [p]), "not_assigned")
    assert f.cell == f"A{last}" and f.level == "error"


def test_edited_code_area_year_cells(proj, tmp_path):
    p = template(proj.root, "zj", tmp_path / "zj.xlsx")
    keys = rows_of(p)
    r1, r2, r3 = keys[("EC-01-1", "甲市", 2020)], keys[("EC-01-1", "丙街道", 2020)], keys[("EC-03", "甲市", 2020)]
    edit(p, {f"A{r1}": "EC-01-9", f"F{r1}": 1, f"D{r2}": "甲镇", f"F{r2}": 1, f"E{r3}": 2019, f"F{r3}": 1})
    col = run_collect(proj.root, [p])
    cells = {f.cell for f in col.findings if f.rule == "edited"}
    assert cells == {f"A{r1}", f"D{r2}", f"E{r3}"}
    assert not col.accepted


def test_workbook_of_another_project(proj, tmp_path, mini_other):
    p = template(mini_other, "zj", tmp_path / "zj.xlsx")
    col = run_collect(proj.root, [p])
    f = finding(col, "foreign")
    assert f.file == "zj.xlsx" and f.level == "error" and "乙市" in f.message
    assert not col.counted


@pytest.fixture
def mini_other(proj, tmp_path):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(proj.root, other)
    text = (other / "project.toml").read_text(encoding="utf-8").replace('city = "甲市"', 'city = "乙市"')
    (other / "project.toml").write_text(text, encoding="utf-8")
    (other / "data" / "areas.csv").write_text(AREAS.replace("甲市,city", "乙市,city").replace("乙市,peer", "甲市,peer"),
                                              encoding="utf-8")
    return other


def test_older_template_is_recognised(proj, tmp_path):
    p = template(proj.root, "zj", tmp_path / "zj.xlsx")
    proj.replace("data/sub_indicators.csv", "公园绿地面积,公顷", "公园绿地总面积,公顷")
    col = run_collect(proj.root, [p])
    f = finding(col, "stale")
    assert (f.sheet, f.cell, f.filer) == ("reportkit", "B2", "zj")
    assert col.status_rows()[0]["status"] in ("需退回", "未报送")
    assert {r["filer"]: r["status"] for r in col.status_rows()}["zj"] == "需退回"


# --- warnings -------------------------------------------------------------------------
@pytest.mark.parametrize("value, rule", [(1300 * 1.5, "jump"), (1300 * 100, "unit_slip"), (13.0, "unit_slip"),
                                         (1300, "same_as_last_year")])
def test_year_on_year_warnings(proj, tmp_path, value, rule):
    p = template(proj.root, "zj", tmp_path / "zj.xlsx")
    r = rows_of(p)[("EC-01-1", "甲市", 2020)]
    edit(p, {f"F{r}": value})
    col = run_collect(proj.root, [p])
    f = finding(col, rule)
    assert (f.cell, f.level) == (f"F{r}", "warning")
    assert [a.value for a in col.accepted] == [value]       # a warning does not refuse the value


def test_explained_warning_does_not_block_passing(proj, tmp_path):
    p = template(proj.root, "jt", tmp_path / "jt.xlsx")
    keys = rows_of(p)
    have = load(proj.root).values.dropna(subset=["value"])
    known = {(c, a, int(y)): v for c, a, y, v in zip(have["code"], have["area"], have["year"], have["value"])}
    cells = {f"F{r}": known.get(k, 1.0) for k, r in keys.items()}     # no conflict with values already there
    r = keys[("TR-02-1", "甲市", 2020)]
    cells[f"F{r}"] = 18
    cells[f"I{r}"] = "统计口径未变，数据确无变化"
    edit(p, cells)
    col = run_collect(proj.root, [p])
    f = finding(col, "same_as_last_year")
    assert f.explained and "备注已说明" in f.message
    assert {x["filer"]: x["status"] for x in col.status_rows()}["jt"] == "已通过"


def test_town_values_of_a_sum_indicator(proj, tmp_path):
    zj = template(proj.root, "zj", tmp_path / "zj.xlsx")
    k = rows_of(zj)
    edit(zj, {f"F{k[('EC-03', '甲市', 2020)]}": 100, f"F{k[('EC-03', '丙街道', 2020)]}": 30})
    jia = template(proj.root, "jiazhen", tmp_path / "jiazhen.xlsx")
    edit(jia, {f"F{rows_of(jia)[('EC-03', '甲镇', 2020)]}": 30})
    yi = template(proj.root, "yizhen", tmp_path / "yizhen.xlsx")
    edit(yi, {f"F{rows_of(yi)[('EC-03', '乙镇', 2020)]}": 30})
    col = run_collect(proj.root, [zj, jia, yi])
    f = finding(col, "town_sum")
    assert (f.file, f.cell, f.level) == ("zj.xlsx", f"F{k[('EC-03', '甲市', 2020)]}", "warning")
    assert "90" in f.message and "100" in f.message


# --- two returns, conflicts, writing ------------------------------------------------------
def test_newer_return_counts(proj, tmp_path):
    a = template(proj.root, "jt", tmp_path / "jt.xlsx")
    r = rows_of(a)[("TR-02-1", "甲市", 2020)]
    edit(a, {f"F{r}": 19}, modified="2020-09-25T10:00:00Z")
    b = template(proj.root, "jt", tmp_path / "jt-old.xlsx")
    edit(b, {f"F{r}": "x"}, modified="2020-09-20T10:00:00Z")
    col = run_collect(proj.root, [a, b])
    assert col.counted["jt"].display == "jt.xlsx"
    f = finding(col, "superseded")
    assert f.file == "jt-old.xlsx" and "jt.xlsx" in f.message
    assert not [x for x in col.findings if x.rule == "not_number"]


def test_collect_write_conflicts_and_formula_injection(proj, tmp_path):
    proj.append("data/values.csv", "EC-03,甲市,2020,77,,")
    p = template(proj.root, "zj", tmp_path / "ret" / "zj.xlsx")
    k = rows_of(p)
    edit(p, {f"F{k[('EC-03', '甲市', 2020)]}": 80, f"F{k[('EC-01-1', '甲市', 2020)]}": 1350,
             f"I{k[('EC-01-1', '甲市', 2020)]}": "-口径调整"})
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["intake", "collect", str(tmp_path / "ret"), "--project", str(proj.root),
                                  "--out", str(out), "--write"])
    assert r.exit_code == 0, r.output
    problems = (out / "intake" / "problems.csv").read_text(encoding="utf-8-sig")
    assert f",F{k[('EC-03', '甲市', 2020)]},80,error,conflict," in problems
    values = proj.read("data/values.csv")
    assert "EC-03,甲市,2020,77," in values                     # never overwritten
    assert "EC-01-1,甲市,2020,1350,'-口径调整,zj" in values   # source = the filer, note neutralised
    assert (out / "intake" / "returns" / "zj.pdf").read_bytes().startswith(b"%PDF")
    project = load(proj.root)                                   # the written table is valid and computes EC-01
    assert project.values["value"].notna().sum() > 0


def test_status_bulletin_png_and_csv(proj, tmp_path):
    p = template(proj.root, "jt", tmp_path / "ret" / "jt.xlsx")
    edit(p, {f"F{r}": 2.0 for r in rows_of(p).values()})
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["intake", "status", str(tmp_path / "ret"), "--project", str(proj.root),
                                  "--out", str(out), "--date", "2020-09-25"])
    assert r.exit_code == 0, r.output
    from PIL import Image

    img = Image.open(out / "intake" / "bulletin.png")
    assert img.width == 1080 and img.height > 600
    lines = (out / "intake" / "bulletin.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "filer,name,items,filled,errors,warnings,status,days_left"
    # overall first, 5 days left; a filer with errors is 需退回, never counted as passed
    assert lines[1].startswith(",共 6 个单位：已通过 0 个，需退回 1 个，未报送 5 个；") and lines[1].endswith(",5")
    from reportkit.products.intake.bulletin import bulletin_canvas
    from reportkit.render.png import render
    from reportkit.theme import load_theme

    project = load(proj.root)
    col = run_collect(proj.root, [p])
    import datetime as dt

    drawn = render(bulletin_canvas(project, col.tables()[2], dt.date(2020, 9, 30), dt.date(2020, 9, 25),
                                   wording(project.root), load_theme(project.root)))
    texts = drawn.strings()
    assert any("距截止日期还有 5 天" in t for t in texts)
    assert "市交通运输局" in texts and "市水务局" in texts and "未报送" in texts


def test_town_sum_of_sub_indicator_named_at_city_cell(proj, tmp_path):
    """A town-level sub-indicator in an additive unit: the towns must add up to the city."""
    zj = template(proj.root, "zj", tmp_path / "ret" / "zj.xlsx")
    jz = template(proj.root, "jiazhen", tmp_path / "ret" / "jiazhen.xlsx")
    yz = template(proj.root, "yizhen", tmp_path / "ret" / "yizhen.xlsx")
    k = rows_of(zj)
    edit(zj, {f"F{k[('EC-01-1', '甲市', 2020)]}": 1000, f"F{k[('EC-01-1', '丙街道', 2020)]}": 100})
    edit(jz, {f"F{rows_of(jz)[('EC-01-1', '甲镇', 2020)]}": 400})
    edit(yz, {f"F{rows_of(yz)[('EC-01-1', '乙镇', 2020)]}": 300})
    col = run_collect(proj.root, [zj, jz, yz])
    sums = [f for f in col.findings if f.rule == "town_sum"]
    assert len(sums) == 1
    f = sums[0]
    assert (f.file, f.cell, f.code, f.area, f.level) == ("zj.xlsx", f"F{k[('EC-01-1', '甲市', 2020)]}", "EC-01-1",
                                                         "甲市", "warning")
    assert "合计 800公顷" in f.message and "1000公顷" in f.message and "-20.0%" in f.message
    # within 1 %: no warning
    edit(zj, {f"F{k[('EC-01-1', '甲市', 2020)]}": 805})
    assert not [f for f in run_collect(proj.root, [zj, jz, yz]).findings if f.rule == "town_sum"]


def test_speeds_and_shares_are_not_summed():
    from reportkit.products.intake.collect import additive

    checks = {"percent_units": ["%"], "not_additive_units": ["倍"]}
    assert additive("公顷", "", checks) and additive("个", "", checks)
    assert not additive("公里/小时", "", checks) and not additive("%", "", checks) and not additive("倍", "", checks)
    assert not additive("公顷", "mean", checks) and additive("公里/小时", "sum", checks)


def test_bulletin_date_defaults_to_today(proj, tmp_path, monkeypatch):
    import datetime as dt

    template(proj.root, "jt", tmp_path / "ret" / "jt.xlsx")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["intake", "status", str(tmp_path / "ret"), "--project", str(proj.root),
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    first = (out / "intake" / "bulletin.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert first.endswith(f",{(dt.date(2020, 9, 30) - dt.date.today()).days}")


def test_bulletin_date_is_reproducible(proj, tmp_path, monkeypatch):
    p = template(proj.root, "jt", tmp_path / "ret" / "jt.xlsx")
    outs = []
    for i in range(2):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600992000")   # 2020-09-25
        out = tmp_path / f"o{i}"
        CliRunner().invoke(main, ["intake", "status", str(tmp_path / "ret"), "--project", str(proj.root),
                                  "--out", str(out)])
        outs.append((out / "intake" / "bulletin.png").read_bytes())
    assert outs[0] == outs[1]
    assert ",5\n" in (tmp_path / "o0" / "intake" / "bulletin.csv").read_text(encoding="utf-8-sig")
    del p


# --- hostile workbooks ------------------------------------------------------------------------
def _rezip(src: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    zin = zipfile.ZipFile(io.BytesIO(src))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            z.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in (add or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _hostile(proj, tmp_path, name: str, data: bytes):
    ret = tmp_path / "ret"
    ret.mkdir(exist_ok=True)
    (ret / name).write_bytes(data)
    return run_collect(proj.root, [ret / name])


def test_xml_external_entity(proj, tmp_path):
    good = template(proj.root, "zj", tmp_path / "zj.xlsx").read_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(good)).read("xl/worksheets/sheet1.xml")
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + \
        sheet.split(b"?>", 1)[-1]
    col = _hostile(proj, tmp_path, "zj.xlsx", _rezip(good, {"xl/worksheets/sheet1.xml": evil}))
    f = finding(col, "unreadable")
    assert f.file == "zj.xlsx" and "实体" in f.message and not col.counted


def test_zip_bomb(proj, tmp_path):
    good = template(proj.root, "zj", tmp_path / "zj.xlsx").read_bytes()
    out = io.BytesIO()
    zin = zipfile.ZipFile(io.BytesIO(good))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            z.writestr(info.filename, zin.read(info.filename))
        with z.open("xl/media/image1.xml", "w", force_zip64=True) as fh:   # 300 MiB of spaces in 0.3 MiB
            chunk = b" " * (1 << 20)
            for _ in range(300):
                fh.write(chunk)
    col = _hostile(proj, tmp_path, "bomb.xlsx", out.getvalue())
    f = finding(col, "unreadable")
    assert f.file == "bomb.xlsx" and "解压后过大" in f.message


@pytest.mark.parametrize("name", ["zj.xlsm", "zj.xlsx"])
def test_macro_enabled(proj, tmp_path, name):
    good = template(proj.root, "zj", tmp_path / "zj0.xlsx").read_bytes()
    col = _hostile(proj, tmp_path, name, _rezip(good, {}, {"xl/vbaProject.bin": b"\x00" * 64}))
    f = finding(col, "unreadable")
    assert f.file == name and "宏" in f.message


def test_encrypted_workbook(proj, tmp_path):
    col = _hostile(proj, tmp_path, "zj.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    f = finding(col, "unreadable")
    assert f.file == "zj.xlsx" and "加密" in f.message


@pytest.mark.parametrize("name", ["zj.xlsx", "zj.csv"])
def test_renamed_csv(proj, tmp_path, name):
    col = _hostile(proj, tmp_path, name, "编号,填报值\nEC-01-1,1350\n".encode("utf-8"))
    f = finding(col, "unreadable")
    assert f.file == name and f.level == "error"


def test_a_million_rows_is_refused_within_bounds(proj, tmp_path):
    good = template(proj.root, "zj", tmp_path / "zj.xlsx").read_bytes()
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>EC-01-1</t></is></c><c r="F%d"><v>1</v></c></row>'
                    % (i, i, i) for i in range(2, 1_000_002))
    sheet = zipfile.ZipFile(io.BytesIO(good)).read("xl/worksheets/sheet1.xml")
    head, _, rest = sheet.partition(b"<sheetData>")
    body, _, tail = rest.partition(b"</sheetData>")
    first = body.split(b"</row>", 1)[0] + b"</row>"
    huge = head + b"<sheetData>" + first + rows + b"</sheetData>" + tail
    path = tmp_path / "ret" / "zj.xlsx"
    path.parent.mkdir()
    path.write_bytes(_rezip(good, {"xl/worksheets/sheet1.xml": huge}))
    code = ("import resource, sys\n"
            "from reportkit.load.project import open_project\n"
            "from reportkit.products.intake.collect import collect\n"
            "from pathlib import Path\n"
            f"p, _ = open_project({str(proj.root)!r}, tables={TABLES!r})\n"
            f"col = collect(p, [Path({str(path)!r})], ['zj.xlsx'])\n"
            "print(sorted({f.rule for f in col.findings}))\n"
            # the process's own peak (VmHWM): ru_maxrss also counts the peak of the pytest
            # worker that spawned it (vfork + exec keep the parent's high-water mark)
            "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
            "print(hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    rules, peak_kib = r.stdout.splitlines()
    assert "too_many_rows" in rules or "unreadable" in rules
    assert int(peak_kib) < 1024 * 1024                      # under 1 GiB


def test_unreadable_file_command_exit_is_clean(proj, tmp_path):
    ret = tmp_path / "ret"
    ret.mkdir()
    (ret / "x.xlsx").write_bytes(b"PK\x03\x04garbage")
    r = CliRunner().invoke(main, ["intake", "collect", str(ret), "--project", str(proj.root), "--out",
                                  str(tmp_path / "o")])
    assert r.exit_code == 0 and "Traceback" not in r.output
    assert "x.xlsx" in (tmp_path / "o" / "intake" / "problems.csv").read_text(encoding="utf-8-sig")


def test_collect_twice_reads_the_cache_and_gives_the_same_outputs(proj, tmp_path):
    p = template(proj.root, "zj", tmp_path / "ret" / "zj.xlsx")
    r = rows_of(p)[("EC-01-1", "甲市", 2020)]
    edit(p, {f"F{r}": "abc"})
    out = tmp_path / "out"
    args = ["intake", "collect", str(tmp_path / "ret"), "--project", str(proj.root), "--out", str(out)]
    CliRunner().invoke(main, args)
    first = (out / "intake" / "problems.csv").read_bytes()
    assert list((out / ".cache" / "intake").glob("*.json"))
    CliRunner().invoke(main, args)
    assert (out / "intake" / "problems.csv").read_bytes() == first and b",F%d,abc," % r in first


# --- the helper process that reads the returned workbooks (products/intake/prefetch.py) -------
def _mixed_returns(proj, tmp_path) -> Path:
    """A folder as a day's returns look: a clean workbook, one with an error, a damaged
    file, a CSV, a lock file."""
    ret = tmp_path / "ret"
    p = template(proj.root, "jt", ret / "jt.xlsx")
    edit(p, {f"F{r}": 2.0 for r in rows_of(p).values()})
    z = template(proj.root, "zj", ret / "zj.xlsx")
    edit(z, {f"F{rows_of(z)[('EC-01-1', '甲市', 2020)]}": "abc"})
    (ret / "bad.xlsx").write_bytes(b"PK\x03\x04garbage")
    (ret / "zr.csv").write_text("code,value\nEC-01-2,1\n", encoding="utf-8")
    (ret / "~$jt.xlsx").write_bytes(b"lock")
    return ret


def test_helper_reads_what_the_command_would(proj, tmp_path):
    import json

    from reportkit.products.intake.read import dump_return, file_key, read_return

    ret = _mixed_returns(proj, tmp_path)
    code = ("import json, sys\n"
            "from reportkit.products.intake import prefetch\n"
            f"h = prefetch.start({str(ret)!r}, {str(tmp_path / 'out')!r})\n"
            "assert h is not None, 'no helper'\n"
            "assert 'pandas' not in sys.modules\n"
            "print(json.dumps(h.take(), sort_keys=True))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    books = [ret / n for n in ("bad.xlsx", "jt.xlsx", "zj.xlsx")]
    expected = {file_key(p): dump_return(read_return(p, p.as_posix())) for p in books}
    assert got == json.loads(json.dumps(expected)) and len(got) == 3
    assert got[file_key(ret / "bad.xlsx")]["refusal"]          # read, and refused, by the helper


@pytest.mark.parametrize("command", ["collect", "status"])
def test_command_with_helper_writes_the_same_bytes_as_without(proj, tmp_path, command):
    """The command run as users run it (its own process: the helper reads) against the
    same command in this process (pandas is loaded here, so no helper is forked)."""
    ret = _mixed_returns(proj, tmp_path)
    args = ["intake", command, str(ret), "--project", str(proj.root), "--date", "2020-09-25"]
    r = subprocess.run([sys.executable, "-m", "reportkit", *args, "--out", str(tmp_path / "a")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    local = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "b")])
    assert local.exit_code == 0, local.output
    files = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*")
                   if p.is_file() and ".reportkit-commit" not in p.parts)
    names = {p.name for p in files}
    assert ("problems.csv" in names and "returns.json" in names) if command == "collect" else "bulletin.png" in names
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_command_failing_before_the_helper_answers_ends_cleanly(tmp_path):
    ret = tmp_path / "ret"
    ret.mkdir()
    (ret / "x.xlsx").write_bytes(b"PK\x03\x04garbage")
    r = subprocess.run([sys.executable, "-m", "reportkit", "intake", "status", str(ret), "--project",
                        str(tmp_path / "no-such-project"), "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr + r.stdout
    assert not (tmp_path / "o" / "intake").exists()
