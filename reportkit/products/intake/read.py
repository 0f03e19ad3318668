"""Reading one returned filing workbook, defensively.

The file is looked at before any spreadsheet library parses it
(reportkit.workbook.inspect_workbook: size, OLE/encrypted, renamed text, macros,
parts that inflate too far, entity declarations), then its values are read
straight from the sheet XML (reportkit.load.xlsx.open_values: lxml, a large
sheet streamed, no entity ever expanded) -- the same values openpyxl's read-only
mode gives, in a third of the time and without importing openpyxl; a workbook
that reader cannot be sure of is opened with
openpyxl in read-only mode instead (defusedxml guards its XML parsing when
installed).  The marker sheet and the form are read row by row with a row limit,
so a workbook of a million rows costs the rows up to the limit, not the million.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ...vocab import H_AREA, H_CODE, H_NOTE, H_SOURCE, H_VALUE, H_YEAR, INTAKE_HEADER
from ...workbook import cell_text, inspect_workbook
from .layout import KEY_ROW, META_KEYS, META_SHEET

MAX_MARKER_ROWS = 200_000
EXTRA_ROWS = 1000            # form rows read beyond the template's items before giving up
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]{1,40})</dcterms:modified>")


@dataclass(frozen=True)
class Row:
    row: int
    code: object
    area: object
    year: object
    value: object
    source: str
    note: str
    expected: tuple | None     # (code, area, year) the template wrote in this row


@dataclass
class Return:
    path: Path
    display: str
    stamp: str = ""                    # the workbook's own modified time (core properties), ISO
    marker: dict = field(default_factory=dict)
    sheet: str = ""
    columns: dict = field(default_factory=dict)   # header label -> column letter
    rows: list[Row] = field(default_factory=list)
    refusal: tuple | None = None       # (kind, detail) when the file was not read
    too_many: int = 0                  # the row limit, when it was hit
    missing_header: list = field(default_factory=list)
    sheets: list = field(default_factory=list)

    @property
    def filer(self) -> str:
        return self.marker.get("filer", "")


def _letter(i: int) -> str:
    from ...load.xlsx import column_letter

    return column_letter(i)


def read_stamp(path: Path) -> str:
    """dcterms:modified of docProps/core.xml ('' when absent): the time the filer's
    spreadsheet program saved the workbook."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > 1 << 20:
                return ""
            m = _MODIFIED.search(zf.read(info))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return ""
    if not m:
        return ""
    text = m.group(1).decode("ascii", "replace").strip()
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when.isoformat(sep=" ", timespec="seconds")


def read_return(path: Path, display: str, expected_items: int | None = None) -> Return:
    ret = Return(path, display)
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlam"):
        ret.refusal = ("macro", "")
        return ret
    if suffix in (".xls", ".et", ".xlt"):
        ret.refusal = ("encrypted", "")
        return ret
    refusal = inspect_workbook(path)
    if refusal is not None:
        ret.refusal = (refusal.kind, refusal.detail)
        return ret
    ret.stamp = read_stamp(path)
    from ...load.xlsx import Unsupported, open_values

    try:
        book = open_values(path)
    except Unsupported:
        book = None
    if book is not None:
        try:
            _read(book, ret, expected_items)
            return ret
        except Exception:   # anything the sheet XML reader does not read as openpyxl would: openpyxl reads it
            ret = Return(path, display, ret.stamp)
        finally:
            book.close()
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # a damaged workbook raises many kinds; defusedxml raises its own
        kind = "entity" if "defusedxml" in type(exc).__module__ or "Entit" in type(exc).__name__ else "damaged"
        ret.refusal = (kind, type(exc).__name__)
        return ret
    try:
        _read(wb, ret, expected_items)
    except Exception as exc:  # pragma: no cover - a part that parses but is malformed
        ret.refusal = ("damaged", type(exc).__name__)
    finally:
        wb.close()
    return ret


def _read(wb, ret: Return, expected_items: int | None) -> None:
    ret.sheets = [n for n in wb.sheetnames if n != META_SHEET]
    if META_SHEET in wb.sheetnames:
        meta = wb[META_SHEET]
        keys: list[tuple] = []
        for r, row in enumerate(meta.iter_rows(max_col=4, values_only=True), start=1):
            if r > MAX_MARKER_ROWS:
                break
            if r <= len(META_KEYS):
                k, v = (row + (None, None))[:2]
                if k is not None:
                    ret.marker[cell_text(k)] = cell_text(v)
            elif r >= KEY_ROW:
                vals = (row + (None,) * 4)[:4]
                if vals[0] is None:
                    continue
                try:
                    keys.append((int(vals[0]), cell_text(vals[1]), cell_text(vals[2]), int(vals[3])))
                except (TypeError, ValueError):
                    continue
        ret.marker["_keys"] = {k[0]: k[1:] for k in keys}
    if not ret.marker.get("filer"):
        return
    from ...vocab import INTAKE_SHEET

    sheet = ret.marker.get("sheet") or INTAKE_SHEET
    ret.sheet = sheet
    if sheet not in wb.sheetnames:
        ret.sheet = ""
        return
    ws = wb[sheet]
    items = expected_items if expected_items is not None else len(ret.marker.get("_keys", {}))
    limit = items + EXTRA_ROWS
    expected = ret.marker.get("_keys", {})
    header: dict[str, str] = {}
    width = len(INTAKE_HEADER) + 8
    for r, row in enumerate(ws.iter_rows(max_col=width, values_only=True), start=1):
        if r == 1:
            for i, v in enumerate(row, start=1):
                label = cell_text(v)
                if label and label not in header:
                    header[label] = _letter(i)
            ret.columns = header
            ret.missing_header = [h for h in INTAKE_HEADER if h not in header]
            if ret.missing_header:
                return
            idx = {h: ord(header[h]) - 65 for h in INTAKE_HEADER}
            continue
        if r - 1 > limit:
            ret.too_many = limit
            ret.rows = []
            return
        cells = row + (None,) * (width - len(row))
        get = {h: cells[i] if i < len(cells) else None for h, i in idx.items()}
        code, area, year, value = get[H_CODE], get[H_AREA], get[H_YEAR], get[H_VALUE]
        source, note = cell_text(get[H_SOURCE]), cell_text(get[H_NOTE])
        if r not in expected and all(x is None or str(x).strip() == "" for x in (code, area, year, value)) \
                and not source and not note:
            continue
        ret.rows.append(Row(r, code, area, year, value, source, note, expected.get(r)))


# --- a cache of what was read, keyed by the file's bytes -----------------------------------
CACHE_VERSION = "2"


def file_key(path: Path) -> str:
    import hashlib

    h = hashlib.sha256(CACHE_VERSION.encode())
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:32]


def _plain(v):
    if isinstance(v, dt.datetime):
        return {"datetime": v.isoformat()}
    if isinstance(v, dt.date):
        return {"date": v.isoformat()}
    if isinstance(v, dt.time):
        return {"time": v.isoformat()}
    if isinstance(v, dt.timedelta):
        return {"timedelta": v.total_seconds()}
    return v


def _back(v):
    if isinstance(v, dict):
        if "datetime" in v:
            return dt.datetime.fromisoformat(v["datetime"])
        if "date" in v:
            return dt.date.fromisoformat(v["date"])
        if "time" in v:
            return dt.time.fromisoformat(v["time"])
        if "timedelta" in v:
            return dt.timedelta(seconds=v["timedelta"])
    return v


def dump_return(ret: Return) -> dict:
    """What was read, as plain JSON values (load_return reads it back)."""
    marker = {k: v for k, v in ret.marker.items() if k != "_keys"}
    keys = [[r, *k] for r, k in sorted(ret.marker.get("_keys", {}).items())]
    data = {"stamp": ret.stamp, "marker": marker, "keys": keys, "sheet": ret.sheet, "columns": ret.columns,
            "rows": [[r.row, _plain(r.code), _plain(r.area), _plain(r.year), _plain(r.value), r.source, r.note,
                      list(r.expected) if r.expected else None] for r in ret.rows],
            "refusal": list(ret.refusal) if ret.refusal else None, "too_many": ret.too_many,
            "missing_header": ret.missing_header, "sheets": ret.sheets}
    return data


def load_return(d: dict, path: Path, display: str) -> Return | None:
    try:
        marker = dict(d["marker"])
        if d["keys"] or marker:
            marker["_keys"] = {int(k[0]): (k[1], k[2], int(k[3])) for k in d["keys"]}
        rows = [Row(int(r[0]), _back(r[1]), _back(r[2]), _back(r[3]), _back(r[4]), r[5], r[6],
                    tuple(r[7]) if r[7] else None) for r in d["rows"]]
        return Return(path, display, d["stamp"], marker, d["sheet"], d["columns"], rows,
                      tuple(d["refusal"]) if d["refusal"] else None, int(d["too_many"]), list(d["missing_header"]),
                      list(d["sheets"]))
    except (ValueError, KeyError, TypeError, IndexError):
        return None
