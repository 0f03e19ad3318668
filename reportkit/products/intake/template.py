"""The filing workbook of one filer (intake/<filer id>.xlsx), as reproducible bytes.

Layout (format `intake-1`; fixed so that problems can name cells):
- sheet 1 `填报表`: row 1 is the header (`编号 名称 单位 地区 年份 填报值 上年值 数据来源 备注`
  then the parent indicator, its 口径 and the plausible range), one item per row
  from row 2.  Only 填报值 (F), 数据来源 (H) and 备注 (I) are unlocked; 填报值 has
  an Excel data validation (decimal numbers, within min/max).  Sheet protection
  without a password guards against slips, not against intent: `collect` checks
  every locked cell it relies on against the hidden marker.
- sheet 2, the instructions (templates/intake.toml [instructions]): the filer's
  name, deadline, contact, what each column means and how values are checked.
- a very hidden sheet `reportkit`: format, template version, filer id, city,
  year and form sheet in B1:B7, and from row 11 the key (code, area, year) of
  every form row, so that an edited code, area or year cell is recognised.
Every text is written as a string cell, never as a formula.
"""
from __future__ import annotations

import math

from ...vocab import INTAKE_HEADER, INTAKE_SHEET
from ...workbook import estimate_lines, string_cell
from .layout import KEY_ROW, META_KEYS, META_SHEET
from .plan import FORMAT, Item, Plan

FIRST_ROW = 2
COLS = "ABCDEFGHIJKL"
# column letters of the contract's header, then the extra columns
COL = dict(zip(("code", "name", "unit", "area", "year", "value", "previous", "source", "note",
                "parent", "basis", "range"), COLS))
WIDTHS = {"A": 12, "B": 34, "C": 12, "D": 14, "E": 7, "F": 13, "G": 12, "H": 22, "I": 24, "J": 26, "K": 40, "L": 14}
EDITABLE = (COL["value"], COL["source"], COL["note"])
DEFAULT_NAMES = {"reportkit_template_version": "B2", "reportkit_filer": "B3", "reportkit_year": "B5"}


def number_text(v: float) -> str:
    """1.5 -> "1.5", 100.0 -> "100", 1e6 -> "1000000" (no exponent)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if float(v).is_integer():
        return str(int(v))
    return format(float(v), "f").rstrip("0").rstrip(".")


def bounds(item: Item, checks: dict) -> tuple[float, float]:
    """The plausible range of an item: its min/max, else 0–100 for a percentage and
    at least 0 for a count (units listed in templates/intake.toml [checks])."""
    lo, hi = item.min, item.max
    unit = item.unit.strip()
    if unit in checks["percent_units"]:
        lo = 0.0 if math.isnan(lo) else lo
        hi = 100.0 if math.isnan(hi) else min(hi, 100.0)
    elif unit in checks["count_units"]:
        lo = 0.0 if math.isnan(lo) else max(lo, 0.0)
    return lo, hi


def range_text(lo: float, hi: float, w) -> str:
    if math.isnan(lo) and math.isnan(hi):
        return ""
    if math.isnan(hi):
        return w.say("template.range_min", min=number_text(lo))
    if math.isnan(lo):
        return w.say("template.range_max", max=number_text(hi))
    return w.say("template.range_between", min=number_text(lo), max=number_text(hi))


def build_template(project, plan: Plan, filer: str, w, settings) -> bytes:
    """The filer's workbook as XLSX bytes (same input, same bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    from ...write import xlsx_bytes

    items = plan.filers[filer]
    name = plan.names.get(filer, filer)
    checks = w.get("checks")
    st = project.settings
    deadline = settings.deadline
    values = {"city": st.city, "year": st.year, "filer": name, "total": len(items),
              "deadline": w.say("template.date", y=deadline.year, m=deadline.month, d=deadline.day)
              if deadline else "", "contact": settings.contact, "phone": settings.phone,
              "jump": number_text(round(settings.jump * 100, 6))}

    wb = Workbook()
    ws = wb.active
    ws.title = INTAKE_SHEET
    from ...workbook import form_style

    fs = form_style(project.root)
    heading, body = fs.heading, fs.body
    border, head_font, body_font = fs.border, fs.head_font, fs.body_font
    locked_fill, input_fill, header_fill = fs.locked_fill, fs.input_fill, fs.header_fill
    wrap, center, unlocked, locked = fs.wrap, fs.center, fs.unlocked, fs.locked

    header = list(INTAKE_HEADER) + list(w.get("template.extra_columns"))
    for i, label in enumerate(header):
        c = ws.cell(1, i + 1)
        string_cell(c, label)
        c.font, c.fill, c.border = head_font, header_fill, border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 24
    for col, width in WIDTHS.items():
        ws.column_dimensions[col].width = width

    groups: dict[tuple[float, float], list[int]] = {}
    from openpyxl.styles import NamedStyle

    # named styles: one lookup per cell instead of hashing five style objects per cell
    def named(name, fill, align, protection):
        st_ = NamedStyle(name=name, font=body_font, border=border, fill=fill, alignment=align,
                         protection=protection, number_format="General")
        wb.add_named_style(st_)
        return name

    s_input = named("rk_input", input_fill, wrap, unlocked)
    s_locked = named("rk_locked", locked_fill, wrap, locked)
    s_center = named("rk_locked_center", locked_fill, center, locked)
    centred = (COL["code"], COL["unit"], COL["year"])
    col_style = {col: (s_input if col in EDITABLE else s_center if col in centred else s_locked) for col in COLS}
    for n, item in enumerate(items):
        row = FIRST_ROW + n
        lo, hi = bounds(item, checks)
        groups.setdefault((lo, hi), []).append(row)
        parent = f"{item.parent} {item.parent_name}" if item.parent else ""
        texts = {"code": item.code, "name": item.name, "unit": item.unit, "area": item.area,
                 "parent": parent, "basis": item.basis, "range": range_text(lo, hi, w)}
        for key, text in texts.items():
            c = ws[f"{COL[key]}{row}"]
            string_cell(c, text or None)
        ws[f"{COL['year']}{row}"].value = int(item.year)
        if not math.isnan(item.previous):
            ws[f"{COL['previous']}{row}"].value = float(item.previous)
        for col in COLS:
            ws[f"{col}{row}"].style = col_style[col]
        lines = max(estimate_lines(texts["name"], WIDTHS["B"]), estimate_lines(texts["basis"], WIDTHS["K"]),
                    estimate_lines(parent, WIDTHS["J"]))
        ws.row_dimensions[row].height = max(18, 14 * lines + 4)

    vcol = COL["value"]
    for (lo, hi), rows in groups.items():
        rng = range_text(lo, hi, w)
        kw = dict(type="decimal", allow_blank=True, showErrorMessage=True, showInputMessage=True,
                  promptTitle=w.get("template.prompt_title"),
                  prompt=w.say("template.prompt", range=rng) if rng else w.get("template.prompt_any"),
                  errorTitle=w.get("template.error_title"),
                  error=w.say("template.error", range=rng) if rng else w.get("template.error_any"))
        if not math.isnan(lo) and not math.isnan(hi):
            dv = DataValidation(operator="between", formula1=number_text(lo), formula2=number_text(hi), **kw)
        elif not math.isnan(lo):
            dv = DataValidation(operator="greaterThanOrEqual", formula1=number_text(lo), **kw)
        elif not math.isnan(hi):
            dv = DataValidation(operator="lessThanOrEqual", formula1=number_text(hi), **kw)
        else:
            dv = DataValidation(operator="between", formula1="-1E+15", formula2="1E+15", **kw)
        for r in rows:
            dv.add(f"{vcol}{r}")
        ws.add_data_validation(dv)

    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{COLS[-1]}{max(1, FIRST_ROW + len(items) - 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = w.say("template.page_header", **values).replace("&", "&&")
    ws.oddFooter.center.text = "&P / &N"
    ws.protection.sheet = True
    ws.protection.formatColumns = False   # False = allowed while protected
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False

    # --- the instructions -------------------------------------------------------------
    info = wb.create_sheet(w.get("instructions.sheet"))
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 72
    r = 1
    c = info.cell(r, 1)
    string_cell(c, w.say("instructions.title", **values))
    c.font = Font(name=heading, size=14, bold=True)
    info.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    info.row_dimensions[r].height = 30
    r += 2
    for label, text in w.get("instructions.facts"):
        shown = w.say(text, _literal=True, **values)
        if not shown.strip():
            continue
        string_cell(info.cell(r, 1), w.say(label, _literal=True, **values))
        string_cell(info.cell(r, 2), shown)
        info.cell(r, 1).font = Font(name=heading, size=10.5, bold=True)
        info.cell(r, 2).font = Font(name=body, size=10.5, bold=label == w.get("instructions.filer_label"))
        r += 1
    for section in ("columns", "checks", "return"):
        r += 1
        c = info.cell(r, 1)
        string_cell(c, w.get(f"instructions.{section}_heading"))
        c.font = Font(name=heading, size=11, bold=True)
        r += 1
        for label, text in w.get(f"instructions.{section}"):
            shown = w.say(text, _literal=True, **values)
            string_cell(info.cell(r, 1), w.say(label, _literal=True, **values) or None)
            string_cell(info.cell(r, 2), shown)
            info.cell(r, 1).font = Font(name=body, size=10.5, bold=True)
            info.cell(r, 2).font = Font(name=body, size=10.5)
            info.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
            info.cell(r, 1).alignment = Alignment(vertical="top")
            info.row_dimensions[r].height = 15 * estimate_lines(shown, 72) + 4
            r += 1
    info.page_setup.paperSize = info.PAPERSIZE_A4
    info.page_setup.orientation = "portrait"
    info.page_setup.fitToWidth = 1
    info.page_setup.fitToHeight = 0
    info.sheet_properties.pageSetUpPr.fitToPage = True
    info.protection.sheet = True

    # --- the hidden marker ------------------------------------------------------------
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "veryHidden"
    marker = {"format": FORMAT, "version": plan.version, "filer": filer, "city": st.city, "year": str(st.year),
              "sheet": INTAKE_SHEET, "items": str(len(items))}
    for i, key in enumerate(META_KEYS, 1):
        string_cell(meta.cell(i, 1), key)
        string_cell(meta.cell(i, 2), marker[key])
    for i, label in enumerate(("row", "code", "area", "year"), 1):
        string_cell(meta.cell(KEY_ROW - 1, i), label)
    for n, item in enumerate(items):
        row = KEY_ROW + n
        meta.cell(row, 1).value = FIRST_ROW + n
        string_cell(meta.cell(row, 2), item.code)
        string_cell(meta.cell(row, 3), item.area)
        meta.cell(row, 4).value = int(item.year)
    for dname, cell in DEFAULT_NAMES.items():
        wb.defined_names[dname] = DefinedName(dname, attr_text=f"{META_SHEET}!${cell[0]}${cell[1:]}")
    meta.protection.sheet = True

    wb.active = 0
    wb.properties.title = w.say("instructions.title", **values)
    wb.properties.subject = name
    wb.properties.keywords = plan.version
    return xlsx_bytes(wb)


def index_rows(plan: Plan, stems: dict[str, str]) -> list[dict]:
    return [{"filer": f, "name": plan.names.get(f, f), "file": f"{stems[f]}.xlsx", "items": len(items)}
            for f, items in plan.filers.items()]
