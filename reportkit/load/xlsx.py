"""Reading the first worksheet of a data table's .xlsx, fast and safely.

A million-row values.xlsx through openpyxl's read-only mode builds a Python cell
object per cell (about a minute).  The sheet XML of an .xlsx is regular, so this
reader takes the cells straight from it with regular expressions -- after the zip
was measured (safety/files.check_zip: no bomb, no absurd sheet) and after checking
that no part declares a DTD (so no entity is ever expanded).  It gives what
openpyxl's read-only, data-only mode gives: shared and inline strings, numbers
(dates by their number format, 1900 or 1904 epoch), booleans as 1/0, error values
as text, a formula's cached result; plus which cells are percent-formatted and
which formulas have no saved result.  Anything it does not recognise (a sheet
without cell references, CDATA) makes `read_sheet` return None, and the caller
uses openpyxl instead.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from posixpath import dirname, join, normpath

_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# a <row> start tag, or one <c> element (its attributes, and "/>" or its content up to </c>)
_TOKEN = re.compile(rb"<(?:\w+:)?(?:(?P<row>row)\b(?P<rattrs>[^>]*?)/?>"
                    rb"|c\b(?P<cattrs>[^>]*?)(?:/>|>(?P<inner>.*?)</(?:\w+:)?c>))", re.S)
_ATTR = re.compile(rb'\b(r|t|s)="([^"]*)"')
_V = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>(.*?)</(?:\w+:)?v>", re.S)
_F = re.compile(rb"<(?:\w+:)?f\b")
_T = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>|<(?:\w+:)?t(?:\s[^>]*)?/>", re.S)
_REF = re.compile(rb"([A-Z]{1,3})(\d+)")
_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si\b[^>]*/>", re.S)
_RPH = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)   # phonetic runs are not the text


def _unescape(b: bytes) -> str:
    s = b.decode("utf-8")
    if "&" not in s:
        return s

    def sub(m):
        g = m.group(1)
        if g[0] == "#":
            return chr(int(g[2:], 16) if g[1] in "xX" else int(g[1:]))
        return _NAMED[g]
    return _ENTITY.sub(sub, s)


def _texts(inner: bytes) -> str:
    inner = _RPH.sub(b"", inner)
    return "".join(_unescape(m.group(1)) for m in _T.finditer(inner) if m.group(1) is not None)


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


@dataclass
class Sheet:
    rows: list                      # list of lists of cell texts (Excel rows 1..n, gaps as [])
    sheet_names: list
    percent: list = field(default_factory=list)        # coordinates of percent-formatted numbers
    formulas_without_value: list = field(default_factory=list)


class _Unsupported(Exception):
    pass


def _first_sheet(zf: zipfile.ZipFile) -> tuple[str, list[str], bool]:
    """(path of the first worksheet in the zip, every sheet name, 1904 date system)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    wb_xml = zf.read("xl/workbook.xml")
    rels_xml = zf.read("xl/_rels/workbook.xml.rels")
    if _DTD.search(wb_xml) or _DTD.search(rels_xml):
        raise _Unsupported("dtd")
    wb = etree.fromstring(wb_xml, parser)
    ns = {"m": wb.nsmap.get(None, "http://schemas.openxmlformats.org/spreadsheetml/2006/main")}
    sheets = wb.findall("m:sheets/m:sheet", ns)
    if not sheets:
        raise _Unsupported("no sheets")
    names = [s.get("name", "") for s in sheets]
    rid = sheets[0].get(f"{{{_NS_REL}}}id")
    pr = wb.find("m:workbookPr", ns)
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    rels = etree.fromstring(rels_xml, parser)
    target = None
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
    if not target:
        raise _Unsupported("no target")
    path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
    return path, names, date1904


def _styles(zf: zipfile.ZipFile) -> tuple[list[bool], list[bool]]:
    """Per cell style index: (is a date format, is a percent format)."""
    from lxml import etree
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    try:
        data = zf.read("xl/styles.xml")
    except KeyError:
        return [], []
    if _DTD.search(data):
        raise _Unsupported("dtd")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(data, parser)
    ns = {"m": root.nsmap.get(None, "http://schemas.openxmlformats.org/spreadsheetml/2006/main")}
    custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in root.findall("m:numFmts/m:numFmt", ns)}
    dates, percents = [], []
    for xf in root.findall("m:cellXfs/m:xf", ns):
        fid = int(xf.get("numFmtId", "0"))
        code = custom.get(fid, BUILTIN_FORMATS.get(fid, "General"))
        dates.append(bool(is_date_format(code)))
        percents.append("%" in code)
    return dates, percents


def _number_text(raw: bytes) -> str:
    from .tables import _cell_text

    text = raw.decode("ascii").strip()
    try:
        v = float(text)
    except ValueError:
        return text
    return _cell_text(v)


def read_sheet(path, max_rows: int = 1_048_576) -> Sheet | None:
    """The first worksheet's cell texts, or None when this reader cannot be sure of it
    (the caller then reads the file with openpyxl)."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    from .tables import _cell_text

    try:
        with zipfile.ZipFile(path) as zf:
            sheet_path, names, date1904 = _first_sheet(zf)
            dates, percents = _styles(zf)
            shared: list[str] = []
            if "xl/sharedStrings.xml" in zf.namelist():
                sst = zf.read("xl/sharedStrings.xml")
                if _DTD.search(sst[:4096]) or b"<![CDATA[" in sst:
                    return None
                shared = [_texts(m.group(1)) if m.group(1) is not None else "" for m in _SI.finditer(sst)]
                del sst
            data = zf.read(sheet_path)
    except (KeyError, ValueError, _Unsupported, zipfile.BadZipFile):
        return None
    except Exception:   # lxml errors on a damaged part: let openpyxl report it
        return None
    if _DTD.search(data[:4096]) or b"<![CDATA[" in data:
        return None
    start = data.find(b"<sheetData")
    if start < 0:
        start = data.find(b":sheetData")
        if start < 0:
            return Sheet([], names)
    end = data.find(b"sheetData>", start + 10)
    region = data[start:] if end < 0 else data[start:end]
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    rows: list[list[str]] = []
    percent: list[str] = []
    no_value: list[str] = []
    current = None          # the row being filled
    row_no = 0
    col_no = -1
    for m in _TOKEN.finditer(region):
        if m.group("row") is not None:
            attrs = dict(_ATTR.findall(m.group("rattrs")))
            n = int(attrs[b"r"]) if b"r" in attrs else row_no + 1
            if n <= row_no or n > max_rows:
                return None
            while len(rows) < n - 1:
                rows.append([])
            current = []
            rows.append(current)
            row_no, col_no = n, -1
            continue
        if current is None:
            return None
        attrs = dict(_ATTR.findall(m.group("cattrs")))
        ref = attrs.get(b"r")
        if ref is not None:
            rr = _REF.fullmatch(ref)
            if rr is None or int(rr.group(2)) != row_no:
                return None
            col_no = _col_index(rr.group(1))
        else:
            col_no += 1
        if col_no >= 16_384:
            return None
        inner = m.group("inner") or b""
        kind = attrs.get(b"t", b"n")
        vm = _V.search(inner) if inner else None
        raw = vm.group(1) if vm else None
        if kind == b"s":
            text = shared[int(raw)] if raw is not None and raw.strip().isdigit() and int(raw) < len(shared) else ""
        elif kind == b"inlineStr":
            text = _texts(inner)
        elif kind in (b"str", b"e"):
            text = _unescape(raw) if raw is not None else ""
        elif kind == b"b":
            text = "" if raw is None else ("1" if raw.strip() in (b"1", b"true") else "0")
        elif kind == b"d":
            text = ""
            if raw is not None:
                try:
                    text = _cell_text(dt.datetime.fromisoformat(raw.decode("ascii").strip()))
                except ValueError:
                    text = raw.decode("ascii", "replace")
        elif raw is None or not raw.strip():
            text = ""
        else:   # a number
            style = int(attrs.get(b"s", b"0") or 0)
            if style < len(dates) and dates[style]:
                try:
                    text = _cell_text(from_excel(float(raw), epoch))
                except (ValueError, OverflowError):
                    text = _number_text(raw)
            elif style < len(percents) and percents[style]:
                try:
                    text = _cell_text(round(float(raw) * 100, 10))
                    percent.append(f"{_letters(col_no)}{row_no}")
                except ValueError:
                    text = _number_text(raw)
            else:
                text = _number_text(raw)
        if (raw is None or not raw.strip()) and inner and _F.search(inner):
            no_value.append(f"{_letters(col_no)}{row_no}")
        if col_no < len(current):
            current[col_no] = text
        else:
            if col_no > len(current):
                current.extend([""] * (col_no - len(current)))
            current.append(text)
    return Sheet(rows, names, percent, no_value)


def _letters(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col + 1)
