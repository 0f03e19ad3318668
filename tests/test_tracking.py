"""The follow-up loop: template workbooks, filling them, collecting them back."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from reportkit.cli import main
from reportkit.load.project import open_project
from reportkit.tracking import (FIRST_ROW, META_SHEET, TEMPLATE_VERSION, sheet_wording, build_template, collect,
                                duties, file_stem)
from reportkit.vocab import TRACKING_STATUSES

TABLES = ("indicators", "areas", "values", "departments", "recommendations")
FORM = "落实情况反馈"   # templates/sheets.toml [workbook] sheet
# mini: R01 lead zj assist zr · R02 lead jt assist zr;zj · R03 lead sw


def _project(root):
    project, _ = open_project(root, tables=TABLES)
    return project


def _cli(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


@pytest.fixture
def forms(mini, tmp_path):
    """The mini project's template workbooks, in a folder the test fills in."""
    out = tmp_path / "out"
    r = _cli("tracking", "template", "--project", str(mini.root), "--out", str(out))
    assert r.exit_code == 0, r.output
    returned = tmp_path / "returned"
    shutil.copytree(out / "tracking", returned)
    return returned


def fill(path: Path, answers: dict, meta: dict | None = None, cells: dict | None = None) -> None:
    """Fill a workbook as a department would: {rec id: (status, note, date)}."""
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM]
    for row in range(FIRST_ROW, ws.max_row + 1):
        rid = ws[f"A{row}"].value
        if rid in answers:
            status, note, date = answers[rid]
            ws[f"E{row}"], ws[f"F{row}"], ws[f"G{row}"] = status, note, date
    for ref, value in (cells or {}).items():
        ws[ref] = value
    for ref, value in (meta or {}).items():
        wb[META_SHEET][ref] = value
    wb.save(path)


# --- duties ---------------------------------------------------------------------------
def test_duties_lead_first_then_assist(mini):
    d = duties(_project(mini.root))
    assert list(d) == ["zj", "zr", "sw", "jt"]
    assert [(x.rec_id, x.role) for x in d["zj"]] == [("R01", "lead"), ("R02", "assist")]
    assert [(x.rec_id, x.role) for x in d["zr"]] == [("R01", "assist"), ("R02", "assist")]
    assert [(x.rec_id, x.role) for x in d["sw"]] == [("R03", "lead")]


def test_file_stem_is_safe():
    assert file_stem("zrzyj") == "zrzyj"
    assert file_stem("a/b").startswith("a_b-")          # readable stem + a hash of the id
    assert file_stem("a/b") != file_stem("a_b") == "a_b"  # two ids never share a file
    assert file_stem("..") not in ("..", ".")


# --- the template -------------------------------------------------------------------------
def test_template_layout_protection_and_marker(mini):
    project = _project(mini.root)
    data = build_template(project, "zj", duties(project)["zj"], sheet_wording(mini.root))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    assert ws.title == FORM
    assert "甲市2020年城市体检" in ws["A1"].value
    assert "市住房城乡建设局" in ws["A2"].value
    assert [c.value for c in ws[4]] == ["建议编号", "本部门角色", "城市问题", "行动建议", "落实状态", "进展说明", "更新日期"]
    assert [ws[f"{c}5"].value for c in "ABCD"] == ["R01", "牵头", "公园绿地分布不均", "推进口袋公园建设"]
    assert [ws[f"{c}6"].value for c in "ABCD"] == ["R02", "配合", "通勤时间偏长", "加密公交线网"]
    assert ws.max_row == 6   # only this department's items
    # item text locked, answers unlocked, sheet protected
    assert ws.protection.sheet
    for row in (5, 6):
        assert all(ws[f"{c}{row}"].protection.locked for c in "ABCD")
        assert not any(ws[f"{c}{row}"].protection.locked for c in "EFG")
    # drop-down list on the status column
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    assert lists[0].formula1 == '"' + ",".join(TRACKING_STATUSES) + '"'
    assert str(lists[0].sqref) == "E5:E6"
    # version marker: hidden sheet + defined names
    assert wb[META_SHEET].sheet_state == "veryHidden"
    names = {n: wb.defined_names[n].attr_text for n in wb.defined_names}
    assert names == {"reportkit_template_version": "reportkit!$B$1", "reportkit_department": "reportkit!$B$2",
                     "reportkit_year": "reportkit!$B$3", "reportkit_sheet": "reportkit!$B$4"}
    assert [wb[META_SHEET][c].value for c in ("B1", "B2", "B3", "B4")] == [TEMPLATE_VERSION, "zj", "2020", FORM]


def test_template_bytes_are_reproducible(mini):
    project = _project(mini.root)
    w = sheet_wording(mini.root)
    a = build_template(project, "zr", duties(project)["zr"], w)
    b = build_template(project, "zr", duties(project)["zr"], w)
    assert a == b


def test_template_command_writes_one_workbook_per_department(mini, tmp_path):
    r = _cli("tracking", "template", "--project", str(mini.root), "--out", str(tmp_path))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "tracking").iterdir()) == ["jt.xlsx", "sw.xlsx", "zj.xlsx", "zr.xlsx"]


# --- round trip -----------------------------------------------------------------------------
def test_round_trip_reproduces_statuses(mini, forms, tmp_path):
    fill(forms / "zj.xlsx", {"R01": ("已开展", "口袋公园已开工 12 处", dt.datetime(2021, 4, 2)),
                             "R02": ("正在研究", None, None)})
    fill(forms / "zr.xlsx", {"R01": ("已开展", "已划定用地", "2021/4/1")})
    fill(forms / "jt.xlsx", {"R02": ("正在研究", "公交线网规划编制中", "2021-04-08")})
    fill(forms / "sw.xlsx", {"R03": ("暂未开展", None, None)})
    out = tmp_path / "collected"
    r = _cli("tracking", "collect", str(forms), "--project", str(mini.root), "--out", str(out), "--write")
    assert r.exit_code == 0, r.output
    got = pd.read_csv(out / "tracking.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(got.columns) == ["id", "status", "note", "updated"]
    assert dict(zip(got["id"], got["status"])) == {"R01": "已开展", "R02": "正在研究", "R03": "暂未开展"}
    r01 = got.set_index("id").loc["R01"]
    assert r01["updated"] == "2021-04-02"           # the lead's date
    assert r01["note"].startswith("口袋公园已开工 12 处")
    assert "市自然资源局：已划定用地" in r01["note"]   # the assisting department's note is kept
    assert got.set_index("id").loc["R02", "note"] == "公交线网规划编制中"
    # --write: the project's data/tracking.csv now holds the same table and still validates
    project = _project(mini.root)
    assert dict(zip(project.tracking["id"], project.tracking["status"])) == dict(zip(got["id"], got["status"]))
    assert (mini.root / "data" / "tracking.csv").read_bytes() == (out / "tracking.csv").read_bytes()


def test_unanswered_items_keep_the_existing_record(mini, forms, tmp_path):
    fill(forms / "sw.xlsx", {"R03": ("已开展", "雨污分流一期完工", "2021-05-01")})
    project = _project(mini.root)
    res = collect(project, sorted(forms.glob("*.xlsx")))
    assert not res.problems.errors
    t = res.table.set_index("id")
    assert t.loc["R03", "status"] == "已开展"
    assert t.loc["R01", "status"] == "已开展" and t.loc["R01", "note"] == "已启动口袋公园建设"   # from data/tracking
    assert res.updated == ["R03"] and res.kept == ["R01", "R02"]


def test_write_keeps_an_xlsx_project_in_xlsx(mini, forms, tmp_path):
    csv_path = mini.path("data/tracking.csv")
    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    wb = openpyxl.Workbook()
    wb.active.append(list(df.columns))
    for row in df.itertuples(index=False):
        wb.active.append(list(row))
    wb.save(mini.path("data/tracking.xlsx"))
    csv_path.unlink()
    fill(forms / "jt.xlsx", {"R02": ("已开展", "新开公交线路 3 条", "2021-06-01")})
    r = _cli("tracking", "collect", str(forms), "--project", str(mini.root), "--out", str(tmp_path / "o"), "--write")
    assert r.exit_code == 0, r.output
    assert not csv_path.exists()
    project = _project(mini.root)
    t = project.tracking.set_index("id")
    assert t.loc["R02", "status"] == "已开展" and t.loc["R02", "updated"] == "2021-06-01"
    assert t.loc["R01", "status"] == "已开展"


# --- every problem names file and cell -----------------------------------------------------------
def _errors(mini, forms, tmp_path):
    r = _cli("tracking", "collect", str(forms), "--project", str(mini.root), "--out", str(tmp_path / "o"))
    return r


@pytest.mark.parametrize("workbook, change, cell, words", [
    ("zj.xlsx", {"cells": {"A5": "R99"}}, "A5", "未知的策略建议编号"),
    ("zj.xlsx", {"answers": {"R01": ("已完成", None, None)}}, "E5", "落实状态无效"),
    ("sw.xlsx", {"cells": {"A5": "R01", "E5": "已开展"}}, "A5", "既不是建议 R01 的牵头部门，也不是配合部门"),
    ("zj.xlsx", {"answers": {"R01": ("已开展", None, "下个月")}}, "G5", "更新日期无效"),
    ("zj.xlsx", {"meta": {"B1": "0"}}, "reportkit!B1", "模板版本为 0"),
    ("zj.xlsx", {"meta": {"B3": "2019"}}, "reportkit!B3", "2019 年度"),
    ("zj.xlsx", {"meta": {"B2": "xx"}}, "reportkit!B2", "填报部门不在"),
    ("zj.xlsx", {"cells": {"A9": None, "E9": "已开展"}}, "A9", "缺少建议编号"),
])
def test_collect_problem_names_file_and_cell(mini, forms, tmp_path, workbook, change, cell, words):
    fill(forms / workbook, change.get("answers", {}), change.get("meta"), change.get("cells"))
    r = _errors(mini, forms, tmp_path)
    assert r.exit_code == 2
    line = next((ln for ln in r.output.splitlines() if words in ln), None)
    assert line is not None, r.output
    assert f"{workbook}，单元格 {cell}" in line
    assert not (tmp_path / "o" / "tracking.csv").exists()


def test_collect_rejects_a_workbook_without_marker(mini, forms, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["建议编号", "落实状态"])
    wb.active.append(["R01", "已开展"])
    wb.save(forms / "own.xlsx")
    r = _errors(mini, forms, tmp_path)
    assert r.exit_code == 2
    assert re.search(r"own\.xlsx：不是由 reportkit tracking template 生成的反馈表", r.output), r.output


def test_collect_rejects_two_forms_of_one_department(mini, forms, tmp_path):
    shutil.copy(forms / "zj.xlsx", forms / "zj-copy.xlsx")
    r = _errors(mini, forms, tmp_path)
    assert r.exit_code == 2
    assert "提交了两份反馈表" in r.output and "zj.xlsx" in r.output


def test_disagreement_is_reported_and_the_lead_wins(mini, forms, tmp_path):
    fill(forms / "zj.xlsx", {"R01": ("已开展", None, None)})            # zj leads R01
    fill(forms / "zr.xlsx", {"R01": ("暂未开展", None, None)})          # zr assists R01
    out = tmp_path / "o"
    r = _cli("tracking", "collect", str(forms), "--project", str(mini.root), "--out", str(out))
    assert r.exit_code == 0, r.output
    warn = next(ln for ln in r.output.splitlines() if "不一致" in ln)
    assert "zr.xlsx，单元格 E5" in warn and "zj.xlsx，单元格 E5" in warn and "以牵头部门为准" in warn
    got = pd.read_csv(out / "tracking.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert got.set_index("id").loc["R01", "status"] == "已开展"


def _add_front_sheet(path: Path) -> None:
    """A department's own sheet inserted in front of the form (nothing in it looks wrong)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("说明", 0)
    ws["A1"] = "本表由办公室汇总，联系人：张三"
    wb.active = 0
    wb.save(path)


def test_form_behind_an_extra_first_sheet_is_read(mini, forms, tmp_path):
    fill(forms / "zj.xlsx", {"R01": ("已开展", "口袋公园已开工", "2021-04-02")})     # zj leads R01
    fill(forms / "zr.xlsx", {"R01": ("暂未开展", None, None)})                  # zr assists R01
    _add_front_sheet(forms / "zj.xlsx")
    assert openpyxl.load_workbook(forms / "zj.xlsx").sheetnames[0] == "说明"
    res = collect(_project(mini.root), sorted(forms.glob("*.xlsx")))
    assert not res.problems.errors, [p.format() for p in res.problems.errors]
    t = res.table.set_index("id")
    assert t.loc["R01", "status"] == "已开展" and t.loc["R01", "updated"] == "2021-04-02"   # the lead's answer
    assert any("以牵头部门为准" in p.message for p in res.problems.warnings)
    out = tmp_path / "o"
    r = _cli("tracking", "collect", str(forms), "--project", str(mini.root), "--out", str(out))
    assert r.exit_code == 0, r.output
    got = pd.read_csv(out / "tracking.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert got.set_index("id").loc["R01", "status"] == "已开展"


def test_form_without_sheet_marker_is_found_by_its_name(mini, forms, tmp_path):
    # a form written before the marker held the sheet name: sheets.toml names the sheet
    fill(forms / "sw.xlsx", {"R03": ("正在研究", None, None)}, meta={"B4": None})
    _add_front_sheet(forms / "sw.xlsx")
    res = collect(_project(mini.root), sorted(forms.glob("*.xlsx")))
    assert not res.problems.errors, [p.format() for p in res.problems.errors]
    assert res.table.set_index("id").loc["R03", "status"] == "正在研究"


@pytest.mark.parametrize("change", ["rename", "remove"])
def test_form_sheet_renamed_or_removed_is_an_error(mini, forms, tmp_path, change):
    fill(forms / "zj.xlsx", {"R01": ("已开展", None, None)})
    wb = openpyxl.load_workbook(forms / "zj.xlsx")
    if change == "rename":
        wb[FORM].title = "反馈"
    else:
        wb.create_sheet("说明", 0)
        wb.remove(wb[FORM])
    wb.save(forms / "zj.xlsx")
    r = _errors(mini, forms, tmp_path)
    assert r.exit_code == 2
    line = next((ln for ln in r.output.splitlines() if "找不到反馈表工作表" in ln), None)
    assert line is not None, r.output
    assert re.search(r"zj\.xlsx：找不到反馈表工作表“落实情况反馈”", line), line
    assert ("“反馈”" if change == "rename" else "“说明”") in line
    assert "Traceback" not in r.output
    assert not (tmp_path / "o" / "tracking.csv").exists()


def test_form_without_item_rows_is_an_error(mini, forms, tmp_path):
    fill(forms / "sw.xlsx", {}, cells={"A5": None})
    r = _errors(mini, forms, tmp_path)
    assert r.exit_code == 2
    line = next((ln for ln in r.output.splitlines() if "没有任何建议行" in ln), None)
    assert line is not None, r.output
    assert "sw.xlsx：" in line and "“落实情况反馈”" in line
    assert not (tmp_path / "o" / "tracking.csv").exists()


def test_collect_of_an_empty_folder_is_a_user_error(mini, tmp_path):
    (tmp_path / "empty").mkdir()
    r = _cli("tracking", "collect", str(tmp_path / "empty"), "--project", str(mini.root), "--out", str(tmp_path))
    assert r.exit_code == 2
    assert "没有 .xlsx 反馈表" in r.output
