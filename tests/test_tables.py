"""Reading tables: CSV in UTF-8 / UTF-8-BOM / GBK / GB18030, and XLSX, give the same data."""
import openpyxl
import pytest

from reportkit.errors import Problems
from reportkit.load.project import open_project
from reportkit.load.tables import read_table
from reportkit.score.indicators import score_project


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_detected(mini, encoding):
    text = mini.read("data/indicators.csv")
    mini.path("data/indicators.csv").write_bytes(text.encode(encoding))
    problems = Problems()
    t = read_table(mini.root, "indicators", problems)
    assert not problems.items
    assert t.df.loc[0, "name"] == "人均公园绿地面积"
    assert list(t.df.columns)[0] == "code"  # no BOM left in the header


def test_xlsx_input_scores_like_csv(mini, tmp_path):
    before = score_project(open_project(mini.root)[0]).table
    import csv
    rows = list(csv.reader(mini.read("data/values.csv").splitlines()))
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, r in enumerate(rows):
        if i == 0:
            ws.append(r)
        else:  # numbers as Excel numbers, as a department would type them
            ws.append([r[0], r[1], int(r[2]), float(r[3]) if r[3] else None, r[4] or None, r[5] or None])
    mini.remove("data/values.csv")
    wb.save(mini.path("data/values.xlsx"))
    after = score_project(open_project(mini.root)[0]).table
    assert after[["code", "value", "rating", "score"]].equals(before[["code", "value", "rating", "score"]])


def test_gbk_survey_export(mini):
    text = mini.read("data/survey.csv")
    mini.path("data/survey.csv").write_bytes(text.encode("gbk"))
    project, _ = open_project(mini.root)
    assert project.survey.loc[0, "channel"] == "线下"
    assert project.tables["survey"].encoding == "gb18030"


def test_cells_are_trimmed(mini):
    mini.replace("data/areas.csv", "甲镇,town", " 甲镇 , town ")
    project, problems = open_project(mini.root)
    assert "甲镇" in project.towns


def test_xlsx_percent_cells_and_formulas_without_results(mini):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "area", "year", "value", "note", "source"])
    ws.append(["EC-01", "甲市", 2020, 0.14, None, None])
    ws["D2"].number_format = "0.0%"
    ws.append(["EC-02", "甲市", 2020, "=1+1", None, None])   # a formula with no saved result
    mini.remove("data/values.csv")
    wb.save(mini.path("data/values.xlsx"))
    problems = Problems()
    t = read_table(mini.root, "values", problems)
    assert t.df.loc[0, "value"] == "14"
    msgs = [p for p in problems.items]
    assert any(not p.is_error and p.source.cell == "D2" and "百分比" in p.message for p in msgs)
    assert any(p.is_error and p.source.cell == "D3" and "公式" in p.message for p in msgs)
