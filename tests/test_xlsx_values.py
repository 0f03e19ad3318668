"""load/xlsx.py open_values: the values of a returned workbook read straight from the
sheet XML are exactly what openpyxl's read-only, data-only mode gives (value and
type, every sheet, the <dimension> bound included); anything it cannot be sure of
raises Unsupported so that the caller reads the file with openpyxl."""
from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from reportkit.load.xlsx import Unsupported, column_letter, open_values

SHEET = "xl/worksheets/sheet1.xml"


def typed(rows):
    return [tuple((type(v).__name__, v) for v in r) for r in rows]


def via_openpyxl(path, width):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            return wb.sheetnames, {n: typed(wb[n].iter_rows(max_col=width, values_only=True)) for n in wb.sheetnames}
        finally:
            wb.close()


def via_xml(path, width):
    book = open_values(path)
    try:
        return book.sheetnames, {n: typed(book[n].iter_rows(max_col=width, values_only=True)) for n in book.sheetnames}
    finally:
        book.close()


@pytest.fixture
def workbook(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填报表"
    ws.append(["编号", 1, 1.5, -2, 1e20, 3.0, True, False, None, "文字"])
    ws.append([dt.datetime(2024, 3, 1, 12, 30), dt.date(2023, 1, 2), dt.time(8, 15), dt.timedelta(hours=30),
               "#N/A", "=1+2", "line1\r\nline2", "x005F_y", " spaced ", "１２３"])
    ws.append([0.1, 12345678901234567890, "0012", "1,350", 50, "=SUM(B1:C1)", None, "", "末"])
    ws["B2"].number_format = "yyyy-mm-dd"
    ws["D2"].number_format = "[h]:mm:ss"
    ws["E3"].number_format = "0.0%"
    ws["A6"] = "隔行"
    ws["C9"] = 7
    ws["B5"] = CellRichText(["plain ", TextBlock(InlineFont(b=True), "bold"), " tail"])
    marker = wb.create_sheet("reportkit")
    marker.sheet_state = "veryHidden"
    for i in range(1, 20):
        marker.append([f"k{i}", i, f"v{i}", i * 2.5])
    wb.create_sheet("空表")
    path = tmp_path / "a.xlsx"
    wb.save(path)
    return path


def rezip(src, dst, edit):
    zin = zipfile.ZipFile(src)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            data = zin.read(info.filename)
            z.writestr(info.filename, edit(data) if info.filename == SHEET else data)
    return dst


def no_dimension(data):
    return re.sub(rb"<dimension[^>]*/>", b"", data)


EXTRA_ROW = (b'<row r="12"><c r="A12" t="inlineStr"><is><t>p</t><r><rPr><b/></rPr><t>q</t></r>'
             b'<rPh sb="0" eb="1"><t>ph</t></rPh></is></c><c r="B12" t="str"><f>A1</f><v>txt</v></c>'
             b'<c r="C12" t="e"><v>#DIV/0!</v></c><c r="D12" t="d"><v>2024-01-02T03:04:05</v></c>'
             b'<c r="E12" t="b"><v>1</v></c><c r="F12"><f>1+1</f></c><c r="G12"><v></v></c>'
             b'<c r="H12" s=""><v>4</v></c><c r="XFD12"><v>9</v></c></row>'
             b'<row r="14"><c r="C14"><v>3</v></c><c r="A14"><v>1</v></c><c><v>2</v></c></row>'
             b'<row r="13"><c r="A13"><v>13</v></c></row><row><c r="B15"><v>1E3</v></c></row>'
             b'<row r="16.0"><c r="A16" t="inlineStr"><is><t>a&amp;b&#10;c&#x4E00;\r\nd</t></is></c></row>')

EDITS = {
    "as saved": lambda d: d,
    "no dimension": no_dimension,
    "a dimension smaller than the data": lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:C2"/>', d),
    "a dimension larger than the data": lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:J40"/>', d),
    "a dimension of whole columns": lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A:J"/>', d),
    "cells without references": lambda d: re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", d),
    "rows without numbers": lambda d: re.sub(rb'<row r="[0-9]+"', b"<row", d),
    "every kind of cell": lambda d: no_dimension(d).replace(b"</sheetData>", EXTRA_ROW + b"</sheetData>"),
    "a row given twice": lambda d: no_dimension(d).replace(
        b"</sheetData>", b'<row r="2"><c r="A2" t="inlineStr"><is><t>dup</t></is></c></row></sheetData>'),
    "prefixed elements": lambda d: no_dimension(d).replace(
        b"<sheetData>", b'<sheetData xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">').replace(
        b"</sheetData>", b'<x:row r="15"><x:c r="A15"><x:v>15</x:v></x:c></x:row></sheetData>'),
}


@pytest.mark.parametrize("case", list(EDITS))
@pytest.mark.parametrize("width", [4, 16])
def test_values_are_openpyxls(workbook, tmp_path, case, width):
    path = rezip(workbook, tmp_path / "b.xlsx", EDITS[case])
    got = via_xml(path, width)
    assert got == via_openpyxl(path, width)
    assert got[0] == ["填报表", "reportkit", "空表"] and got[1]["reportkit"][18][:2] == (("str", "k19"), ("int", 19))


def test_1904_dates_and_a_filled_return(workbook, tmp_path):
    wb = openpyxl.load_workbook(workbook)
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.save(tmp_path / "mac.xlsx")
    got = via_xml(tmp_path / "mac.xlsx", 12)
    assert got == via_openpyxl(tmp_path / "mac.xlsx", 12)
    assert got[1]["填报表"][1][0] == ("datetime", dt.datetime(2024, 3, 1, 12, 30))
    assert got[1]["填报表"][1][3] == ("timedelta", dt.timedelta(hours=30))


def test_a_large_sheet_is_streamed_with_the_same_values(workbook, tmp_path):
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c><c r="B%d" s="0"><v>%d.5</v></c></row>'
                    % (i, i, ("填报%d" % i).encode() * 60, i, i) for i in range(20, 6020))
    path = rezip(workbook, tmp_path / "big.xlsx", lambda d: no_dimension(d).replace(b"</sheetData>", rows + b"</sheetData>"))
    assert zipfile.ZipFile(path).getinfo(SHEET).file_size > 2 << 20   # above _SMALL_PART: streamed
    got = via_xml(path, 3)
    assert got == via_openpyxl(path, 3) and len(got[1]["填报表"]) == 6019
    assert got[1]["填报表"][6018][1] == ("float", 6019.5)
    # a reader that stops early reads no further than it asks
    book = open_values(path)
    it = book["填报表"].iter_rows(max_col=2)
    assert [next(it) for _ in range(2)] == [("编号", 1), (dt.datetime(2024, 3, 1, 12, 30), dt.datetime(2023, 1, 2))]
    it.close()
    book.close()


@pytest.mark.parametrize("edit", [
    lambda d: d.replace(b"</sheetData>", b"<!-- a comment --></sheetData>"),
    lambda d: d.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY e "E">]><worksheet', 1),
    lambda d: d[: len(d) // 2],
    lambda d: no_dimension(d).replace(b"</sheetData>", b'<row r="14"><c r="A14" t="s"><v>999</v></c></row></sheetData>'),
    lambda d: no_dimension(d).replace(b"</sheetData>", b'<row r="14"><c r="A14"><v>inf</v></c></row></sheetData>'),
    lambda d: no_dimension(d).replace(b"</sheetData>", b'<row r="14.5"><c r="A14"><v>1</v></c></row></sheetData>'),
    lambda d: no_dimension(d).replace(b"</sheetData>", b'<row r="14"><c r="A14" t="x"><v>1</v></c></row></sheetData>'),
], ids=["comment", "entity", "truncated", "no such string", "not a number", "row 14.5", "unknown type"])
def test_what_it_cannot_be_sure_of_is_left_to_openpyxl(workbook, tmp_path, edit):
    path = rezip(workbook, tmp_path / "c.xlsx", edit)
    with pytest.raises(Unsupported):
        via_xml(path, 16)


@pytest.mark.parametrize("edit", [lambda d: no_dimension(d)[: len(d) // 2],
                                  lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B"/>', d)],
                         ids=["damaged", "not a range"])
def test_a_sheet_openpyxl_would_fail_on_fails_the_workbook_even_unread(workbook, tmp_path, edit):
    """openpyxl reads every sheet's <dimension> when it opens a workbook: a damaged form
    fails the workbook even when only the marker sheet is read."""
    path = rezip(workbook, tmp_path / "d.xlsx", edit)
    with pytest.raises(Exception):
        openpyxl.load_workbook(path, read_only=True, data_only=True)
    with pytest.raises(Unsupported):
        open_values(path)


def test_column_letters_are_openpyxls():
    from openpyxl.utils import get_column_letter

    assert all(column_letter(i) == get_column_letter(i) for i in range(1, 18279))
    for bad in (0, 18279):
        with pytest.raises(ValueError):
            column_letter(bad)
