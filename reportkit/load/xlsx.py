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
import posixpath
from posixpath import join, normpath

_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
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
    rows: object                    # 2-D object array of cell texts (Excel rows 1..n, columns A..)
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


def _format_codes(zf: zipfile.ZipFile) -> list[str]:
    """The number format code of each cell style (cellXfs) of xl/styles.xml."""
    try:
        data = zf.read("xl/styles.xml")
    except KeyError:
        return []
    root = _xml(data)
    ns = {"m": root.nsmap.get(None, _NS_MAIN)}
    custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in root.findall("m:numFmts/m:numFmt", ns)}
    ids = [int(xf.get("numFmtId", "0")) for xf in root.findall("m:cellXfs/m:xf", ns)]
    builtin = {0: "General"}
    if any(i not in custom and i != 0 for i in ids):
        from openpyxl.styles.numbers import BUILTIN_FORMATS as builtin
    return [custom.get(i, builtin.get(i, "General")) for i in ids]


_DATE_LETTERS = frozenset("dmhysDMHYS")


def _date_kinds(codes: list[str]) -> tuple[set, set]:
    """The cell styles whose format is a date, and those of a duration (openpyxl's
    is_date_format / is_timedelta_format; a code without any of the letters d m h y s
    is neither, and needs no openpyxl)."""
    dates, spans = set(), set()
    for i, code in enumerate(codes):
        if _DATE_LETTERS.isdisjoint(code):
            continue
        from openpyxl.styles.numbers import is_date_format, is_timedelta_format

        if is_date_format(code):
            dates.add(i)
        if is_timedelta_format(code):
            spans.add(i)
    return dates, spans


def _styles(zf: zipfile.ZipFile) -> tuple[list[bool], list[bool]]:
    """Per cell style index: (is a date format, is a percent format)."""
    from openpyxl.styles.numbers import is_date_format

    codes = _format_codes(zf)
    return [bool(is_date_format(c)) for c in codes], ["%" in c for c in codes]


def _xml(data: bytes):
    """A small part (workbook, relationships, styles) parsed without ever expanding an
    entity: a part that declares a DTD is not read at all."""
    from lxml import etree

    if _DTD.search(data):
        raise _Unsupported("dtd")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


def _number_text(raw: bytes) -> str:
    from .tables import _cell_text

    text = raw.decode("ascii").strip()
    try:
        v = float(text)
    except ValueError:
        return text
    return _cell_text(v)


# One cell, as Excel, LibreOffice and openpyxl write it: its reference, its type and style
# (attributes in any order), and its content (a formula, a value, an inline string).
_CELL_ALL = re.compile(
    rb"<(?:\w+:)?c\s+r=\"([A-Z]{1,3})([0-9]{1,7})\"((?:\s+[\w:]+=\"[^\"]*\")*)\s*"
    rb"(?:/>|>((?:(?!</(?:\w+:)?c>).)*)</(?:\w+:)?c>)", re.S)
# the same without namespace prefixes (what Excel, LibreOffice and openpyxl write): twice as fast
_CELL_PLAIN = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"((?: [\w:]+="[^"]*")*) ?(?:/>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>)')
_T_ATTR = re.compile(rb'\bt="([^"]*)"')
_S_ATTR = re.compile(rb'\bs="([0-9]+)"')
_ONE_V = re.compile(rb"^(?:<(?:\w+:)?f\b[^>]*?(?:/>|>.*?</(?:\w+:)?f>))?<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>$", re.S)


def read_sheet(path, max_rows: int = 1_048_576) -> Sheet | None:
    """The first worksheet's cell texts, or None when this reader cannot be sure of it
    (the caller then reads the file with openpyxl).  Cells are taken by one regular
    expression (in C); their texts are made per distinct value and per column."""
    import numpy as np
    import pandas as pd
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
    start = data.find(b"sheetData")
    if start < 0:
        return Sheet([], names)
    end = data.find(b"sheetData", start + 9)
    region = data[start:] if end < 0 else data[start:end]
    del data
    # every "<c" of sheetData must be a cell the expression read (none without a reference,
    # none written some other way; rich inline text with <color> falls back to openpyxl)
    expected = region.count(b"<c")
    cells = _CELL_PLAIN.findall(region)
    if len(cells) != expected:
        cells = _CELL_ALL.findall(region)
        if len(cells) != len(re.findall(rb"<(?:\w+:)?c[\s>/]", region)):
            return None
    del region
    if not cells:
        return Sheet([], names)
    table = np.array(cells, dtype=object)
    del cells
    letters, attrs, inner = table[:, 0], table[:, 2], table[:, 3]
    try:
        rows_i = np.array(table[:, 1].tolist(), dtype="S7").astype(np.int64)
    except ValueError:
        return None
    del table
    if rows_i.max() > max_rows or rows_i.min() < 1:
        return None
    lcodes, luniq = pd.factorize(letters)
    cols_i = np.array([_col_index(u) for u in luniq], dtype=np.int64)[lcodes]
    if cols_i.max() >= 16_384:
        return None
    # type and style per cell, from the distinct attribute strings
    acodes, auniq = pd.factorize(attrs)
    kinds = []
    styles = []
    for a in auniq:
        t = _T_ATTR.search(a)
        st = _S_ATTR.search(a)
        kinds.append(t.group(1) if t else b"n")
        styles.append(int(st.group(1)) if st else 0)
    kind = np.array(kinds, dtype=object)[acodes]
    style = np.array(styles, dtype=np.int64)[acodes]
    # content: the value of a plain <v> (with or without a formula before it) per distinct content
    icodes, iuniq = pd.factorize(inner)
    raw = np.empty(len(iuniq), dtype=object)
    has_f = np.zeros(len(iuniq), dtype=bool)
    for i, x in enumerate(iuniq):
        m = _ONE_V.match(x) if x else None
        if m is None and x:
            m = _V.search(x)
        raw[i] = m.group(1) if m else None
        has_f[i] = bool(x) and _F.search(x) is not None and (raw[i] is None or not raw[i].strip())
    text = np.full(len(inner), "", dtype=object)
    value = raw[icodes]
    present = np.array([v is not None for v in raw], dtype=bool)[icodes]
    percent: list[str] = []

    def coords(mask):
        return [f"{_letters(c)}{r}" for c, r in zip(cols_i[mask].tolist(), rows_i[mask].tolist())]

    for k in pd.unique(kind):
        sel = kind == k
        if k == b"s":
            ok = sel & present
            try:
                idx = np.array(value[ok].tolist(), dtype="S12").astype(np.int64)
            except ValueError:
                idx = pd.to_numeric(pd.Series(value[ok]), errors="coerce").fillna(-1).to_numpy(dtype=np.int64)
            sst = np.array(shared + [""], dtype=object)
            idx = np.where((idx < 0) | (idx >= len(shared)), len(shared), idx)
            text[ok] = sst[idx]
        elif k == b"inlineStr":
            for i in np.flatnonzero(sel):
                text[i] = _texts(inner[i])
        elif k in (b"str", b"e"):
            ok = sel & present
            text[ok] = [_unescape(v) for v in value[ok]]
        elif k == b"b":
            ok = sel & present
            text[ok] = ["1" if v.strip() in (b"1", b"true") else "0" for v in value[ok]]
        elif k == b"d":
            ok = sel & present
            out = []
            for v in value[ok]:
                try:
                    out.append(_cell_text(dt.datetime.fromisoformat(v.decode("ascii").strip())))
                except ValueError:
                    out.append(v.decode("ascii", "replace"))
            text[ok] = out
        elif k == b"n":
            ok = sel & present
            is_date = np.array(dates + [False], dtype=bool)[np.minimum(style, len(dates))] if dates else np.zeros(len(style), bool)
            is_pct = np.array(percents + [False], dtype=bool)[np.minimum(style, len(percents))] if percents else np.zeros(len(style), bool)
            plain = ok & ~is_date & ~is_pct
            vcodes, vuniq = pd.factorize(value[plain])
            text[plain] = np.array([_number_text(v) if v.strip() else "" for v in vuniq], dtype=object)[vcodes] \
                if len(vuniq) else []
            epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
            for i in np.flatnonzero(ok & is_date):
                v = value[i]
                try:
                    text[i] = _cell_text(from_excel(float(v), epoch)) if v.strip() else ""
                except (ValueError, OverflowError):
                    text[i] = _number_text(v)
            pct = ok & is_pct & ~is_date
            for i in np.flatnonzero(pct):
                v = value[i]
                if not v.strip():
                    continue
                try:
                    text[i] = _cell_text(round(float(v) * 100, 10))
                except ValueError:
                    text[i] = _number_text(v)
                    continue
                percent.append(f"{_letters(int(cols_i[i]))}{int(rows_i[i])}")
        else:
            return None
    no_value = coords(has_f[icodes])
    # the grid, Excel rows 1..n; a cell given twice keeps the last (as openpyxl does)
    n_rows, n_cols = int(rows_i.max()), int(cols_i.max()) + 1
    if n_rows * n_cols > 200_000_000:
        return None
    grid = np.full((n_rows, n_cols), "", dtype=object)
    grid[rows_i - 1, cols_i] = text
    return Sheet(grid, names, percent, no_value)


def _letters(col: int) -> str:
    return column_letter(col + 1)


def column_letter(col: int) -> str:
    """The letters of column `col` (1 = A), as openpyxl's get_column_letter."""
    if not 1 <= col <= 18278:
        raise ValueError(f"Invalid column index {col}")
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- every worksheet's values, as openpyxl's read-only, data-only mode gives them ------------
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_BOOK_TYPES = ("application/vnd.ms-excel.template.macroEnabled.main+xml",        # openpyxl's order
               "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
               "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_M = "{%s}" % _NS_MAIN
_SMALL_PART = 2 << 20        # a part up to this size (uncompressed) is parsed whole, a larger one streamed


class Unsupported(Exception):
    """The workbook holds something `open_values` does not read exactly as openpyxl
    would: the caller reads it with openpyxl instead."""


def _rels_of(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target as a path inside the zip), as openpyxl resolves it."""
    folder = posixpath.dirname(part)
    root = _xml(zf.read(posixpath.join(folder, "_rels", posixpath.basename(part) + ".rels")))
    out = {}
    for rel in root:
        if not isinstance(rel.tag, str) or rel.tag.rpartition("}")[2] != "Relationship":
            continue
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External":
            target = target[1:] if target.startswith("/") else normpath(join(folder, target))
        out[rel.get("Id")] = (rel.get("Type", ""), target)
    return out


def _inline_text(node) -> str:
    """openpyxl's Text(...).content of an <si> or <is> element: the plain <t>, then the
    runs' <t>; phonetic runs are not part of it."""
    plain, runs = None, []
    for el in node:
        if not isinstance(el.tag, str):
            raise Unsupported("comment in a string")
        tag = el.tag.rpartition("}")[2]
        if tag == "t":
            plain = el.text
        elif tag == "r":
            t = None
            for sub in el:
                if not isinstance(sub.tag, str):
                    raise Unsupported("comment in a string")
                if sub.tag.rpartition("}")[2] == "t":
                    t = sub.text
            if t is not None:
                runs.append(t)
    return "".join(([plain] if plain is not None else []) + runs)


class _Sheet:
    def __init__(self, book: "Values", name: str, part: str):
        self.book, self.title, self.part = book, name, part

    def iter_rows(self, max_col: int, values_only: bool = True):
        """Rows 1.. of the sheet as tuples of `max_col` values -- openpyxl's
        ReadOnlyWorksheet.iter_rows(max_col=..., values_only=True), the <dimension>
        included (it bounds the rows read, as there)."""
        assert values_only and max_col >= 1
        return self.book._rows(self.part, max_col)


class Values:
    """The worksheets of an .xlsx whose cell values are read straight from the sheet XML
    with lxml (streamed, never an entity expanded, a part with a DTD, a comment or a
    processing instruction not read): `sheetnames`, `values[name].iter_rows(max_col=n)`
    give what openpyxl's load_workbook(read_only=True, data_only=True) gives -- shared
    and inline strings, numbers as int or float, dates by their cell style (1900 or
    1904), booleans, error values as text, a formula's saved result.  Anything else
    raises Unsupported (read the file with openpyxl then).  The caller has measured the
    zip first (workbook.inspect_workbook, safety/files.check_zip).  openpyxl is only
    imported for what needs its rules (dates, odd cell references)."""

    def __init__(self, path):
        self._zf = zipfile.ZipFile(path)
        try:
            zf = self._zf
            names = set(zf.namelist())
            types = _xml(zf.read("[Content_Types].xml"))
            overrides = [(o.get("ContentType"), o.get("PartName", "")) for o in types.iter(_CT + "Override")]
            book = next((p for t in _BOOK_TYPES for ct, p in overrides if ct == t), None)
            if book != "/xl/workbook.xml":
                raise Unsupported("workbook part")
            strings = next((p for ct, p in overrides if ct == _STRINGS_TYPE), None)
            wb = _xml(zf.read("xl/workbook.xml"))
            if wb.tag != _M + "workbook":
                raise Unsupported("workbook namespace")
            pr = wb.find(_M + "workbookPr")
            flag = pr.get("date1904") if pr is not None else None
            self.date1904 = bool(flag) and flag not in ("false", "f", "0")     # openpyxl's Bool
            rels = _rels_of(zf, "xl/workbook.xml")
            self._sheets: list[_Sheet] = []
            for s in wb.iterfind(f"{_M}sheets/{_M}sheet"):
                rid = s.get(f"{{{_NS_REL}}}id")
                if not rid:
                    continue                      # openpyxl drops such a sheet too
                kind, target = rels[rid]
                if target not in names:
                    continue
                if "chartsheet" in kind or s.get("name") is None:
                    raise Unsupported("chartsheet or a sheet without a name")
                self._sheets.append(_Sheet(self, s.get("name"), target))
            self.sheetnames = [s.title for s in self._sheets]
            self._trees: dict = {}
            self._shared = self._strings(strings[1:]) if strings else []
            self._dates, self._spans = _date_kinds(_format_codes(zf))
            for sheet in self._sheets:
                self._check_dimension(sheet.part)
        except Unsupported:
            self.close()
            raise
        except Exception as exc:     # a malformed part: openpyxl says what it is
            self.close()
            raise Unsupported(type(exc).__name__) from None

    def close(self) -> None:
        self._zf.close()
        getattr(self, "_trees", {}).clear()

    def __getitem__(self, name: str) -> _Sheet:
        for s in self._sheets:
            if s.title == name:
                return s
        raise KeyError(name)

    def _parse(self, part: str, tags):
        """The elements of `part` with one of `tags`, in document order: a small part is
        parsed whole (faster), a large one streamed (bounded memory: the caller clears
        what it has read).  A DTD, a comment or a processing instruction: Unsupported."""
        from lxml import etree

        options = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        if self._zf.getinfo(part).file_size <= _SMALL_PART:
            yield from self._tree(part, options).iter(*tags)
            return
        with self._zf.open(part) as fh:
            head = fh.read(4096)
        if _DTD.search(head):
            raise Unsupported("dtd")
        src = self._zf.open(part)
        first = True
        try:
            for event, el in etree.iterparse(src, events=("end", "comment", "pi"), tag=tags, **options):
                if event != "end" or (first and el.getroottree().docinfo.doctype):
                    raise Unsupported("comment, processing instruction or DTD")
                first = False
                yield el
        except etree.LxmlError as exc:
            raise Unsupported(type(exc).__name__) from None
        finally:
            src.close()

    def _tree(self, part: str, options: dict):
        """A small part parsed whole, once."""
        from lxml import etree

        root = self._trees.get(part)
        if root is not None:
            return root
        data = self._zf.read(part)
        if _DTD.search(data[:4096]):
            raise Unsupported("dtd")
        try:
            root = etree.fromstring(data, etree.XMLParser(**options))
        except etree.LxmlError as exc:
            raise Unsupported(type(exc).__name__) from None
        del data
        if root.getroottree().docinfo.doctype or next(root.iter(etree.Comment, etree.PI), None) is not None \
                or next(root.itersiblings(preceding=True), None) is not None \
                or next(root.itersiblings(), None) is not None:
            raise Unsupported("comment, processing instruction or DTD")
        self._trees[part] = root
        return root

    def _check_dimension(self, part: str) -> None:
        """openpyxl reads the <dimension> of every sheet when it opens the workbook (up
        to the end of sheetData when there is none): a sheet damaged before it, or a
        dimension that is not a range, fails the whole workbook there, read or not."""
        tag_dim, tag_data = _M + "dimension", _M + "sheetData"
        streamed = self._zf.getinfo(part).file_size > _SMALL_PART
        for el in self._parse(part, (tag_dim, tag_data)):
            if el.tag == tag_data and not streamed:      # parsed whole: a dimension inside sheetData is before its end
                el = next(el.iter(tag_dim), None)
            if el is not None and el.tag == tag_dim:
                _last_row(el.get("ref"))
            return

    def _strings(self, part: str) -> list[str]:
        return [_inline_text(si).replace("x005F_", "") for si in self._parse(part, (_M + "si",))]

    def _date(self, value, style):
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        try:
            return from_excel(value, CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900,
                              timedelta=style in self._spans)
        except (OverflowError, ValueError):
            return "#VALUE!"          # as openpyxl: a date style on a number no date can be

    def _cells(self, row) -> list[tuple[int, object]]:
        """(column, value) of each cell of a <row>, as openpyxl's WorkSheetParser.parse_cell
        (_parse has refused a part with a comment or processing instruction)."""
        cells = []
        append = cells.append
        col = 0
        tag_v, tag_is, dates, shared = _M + "v", _M + "is", self._dates, self._shared
        for c in row:
            get = c.get
            t = get("t", "n")
            ref = get("r")
            style = get("s", 0)
            if style:
                style = int(style)
            value = None if t == "inlineStr" else (c.findtext(tag_v, None) or None)
            col = _column(ref) if ref else col + 1
            if value is not None:
                if t == "n":
                    value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                    if style in dates:
                        value = self._date(value, style)
                elif t == "s":
                    value = shared[int(value)]
                elif t == "b":
                    value = bool(int(value))
                elif t == "d":
                    from openpyxl.utils.datetime import from_ISO8601

                    value = from_ISO8601(value)
                elif t != "str" and t != "e":
                    raise Unsupported(f"cell type {t}")
            elif t == "inlineStr":
                node = c.find(tag_is)
                if node is not None:
                    value = _inline_text(node)
            append((col, value))
        return cells

    def _rows(self, part: str, max_col: int):
        empty = (None,) * max_col
        max_row = None
        streamed = self._zf.getinfo(part).file_size > _SMALL_PART
        seen_row = seen_dim = False
        counter = idx = 1
        row_counter = 0
        tag_data, tag_dim = _M + "sheetData", _M + "dimension"
        try:
            for el in self._parse(part, (tag_dim, _M + "row")):
                if el.tag == tag_dim:
                    if seen_row:              # openpyxl would use it if inside sheetData: not worth knowing
                        raise Unsupported("dimension after rows")
                    if not seen_dim:          # openpyxl takes the first
                        seen_dim = True
                        max_row = _last_row(el.get("ref"))
                    continue
                parent = el.getparent()
                if parent is None or parent.tag != tag_data:
                    raise Unsupported("row outside sheetData")
                seen_row = True
                r = el.get("r")
                if r is not None:
                    try:
                        row_counter = int(r)
                    except ValueError:
                        number = float(r)
                        if not number.is_integer():
                            raise Unsupported("row number") from None
                        row_counter = int(number)
                else:
                    row_counter += 1
                cells = self._cells(el)     # read before the row is known to be wanted, as there
                idx = row_counter
                if max_row is not None and idx > max_row:
                    break
                for _ in range(counter, idx):
                    counter += 1
                    yield empty
                if counter <= idx:
                    out = [None] * max_col
                    for col, value in cells:
                        if 1 <= col <= max_col:
                            out[col - 1] = value
                    counter += 1
                    yield tuple(out)
                if streamed:
                    el.clear()
                    while el.getprevious() is not None:
                        del parent[0]
        except Unsupported:
            raise
        except (ValueError, IndexError, KeyError, TypeError, OverflowError) as exc:
            raise Unsupported(type(exc).__name__) from None
        if max_row is not None and max_row < idx:
            for _ in range(counter, max_row + 1):
                yield empty


_PLAIN_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
_PLAIN_RANGE = re.compile(r"[A-Z]{1,3}([0-9]+)(?::[A-Z]{1,3}([0-9]+))?")
_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """The column of a cell reference, as openpyxl's coordinate_to_tuple gives it."""
    letters = ref.rstrip("0123456789")
    col = _COLUMNS.get(letters)
    if col is not None and len(letters) < len(ref):
        return col
    if _PLAIN_REF.fullmatch(ref) is None:
        from openpyxl.utils.cell import coordinate_to_tuple

        return coordinate_to_tuple(ref)[1]
    col = _col_index(letters.encode("ascii")) + 1
    _COLUMNS[letters] = col          # letters [A-Z]{1,3} only
    return col


def _last_row(ref):
    """The last row of a <dimension ref>, as openpyxl's range_boundaries gives it."""
    m = _PLAIN_RANGE.fullmatch(ref) if ref is not None else None
    if m is None:
        from openpyxl.utils.cell import range_boundaries

        return range_boundaries(ref)[3]
    return int(m.group(2) or m.group(1))


def open_values(path) -> Values:
    """The workbook at `path` for reading its values (see Values); Unsupported when
    it cannot be read exactly as openpyxl would read it."""
    try:
        return Values(path)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise Unsupported(type(exc).__name__) from None
