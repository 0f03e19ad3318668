"""The follow-up loop (落实跟踪): who answers for which recommendation, the XLSX
form each department fills in, and collecting the returned forms into the
contract's tracking table (`id, status, note, updated`).

Workbook layout (version 1, fixed so that problems can name cells):
- one visible sheet, the form, named by templates/sheets.toml [workbook] sheet
  (落实情况反馈): title (row 1), department line (row 2), instructions
  (row 3), header (row 4), one recommendation per row from row 5 with the
  columns of `COLUMNS`.  Columns A–D are locked item text; E (status, a
  drop-down list), F (note) and G (date) are unlocked.  Sheet protection is on
  without a password, so it guards against slips, not against intent.
- a very hidden sheet `reportkit` holding the template version, the
  department id, the checkup year and the name of the form sheet in B1:B4,
  with defined names `reportkit_template_version`, `reportkit_department`,
  `reportkit_year`, `reportkit_sheet` pointing at those cells.  `collect` reads
  them to reject a workbook from another template version, another department
  list or another year.
`collect` finds the form by its sheet name (the marker's, else the one of
sheets.toml for forms written before B4 existed), never by position: a
department may add sheets (说明, 附件 …) in front of it.  A workbook whose form
sheet is gone or renamed, or which has no item row at all, is an error.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import Problems, Source, error, warning
from .messages import join, msg
from .safety.cells import append_row, clean_text, set_text
from .terms import project_terms
from .vocab import DATE_UNITS, TRACKING_STATUSES
from .wording import Wording

TEMPLATE_VERSION = "1"
META_SHEET = "reportkit"
NAME_VERSION = "reportkit_template_version"
NAME_DEPARTMENT = "reportkit_department"
NAME_YEAR = "reportkit_year"
NAME_SHEET = "reportkit_sheet"
META_CELLS = {NAME_VERSION: "B1", NAME_DEPARTMENT: "B2", NAME_YEAR: "B3", NAME_SHEET: "B4"}
META_KEYS = {NAME_VERSION: "template_version", NAME_DEPARTMENT: "department", NAME_YEAR: "year",
             NAME_SHEET: "sheet"}

HEADER_ROW = 4
FIRST_ROW = 5
# column letter of each field of a row
COL_ID, COL_ROLE, COL_PROBLEM, COL_ACTION, COL_STATUS, COL_NOTE, COL_DATE = "ABCDEFG"
COLUMN_WIDTHS = {"A": 10, "B": 11, "C": 30, "D": 46, "E": 13, "F": 36, "G": 13}
TRACKING_COLUMNS = ["id", "status", "note", "updated"]

LEAD, ASSIST = "lead", "assist"


# --- who answers for what ------------------------------------------------------
@dataclass(frozen=True)
class Duty:
    rec_id: str
    role: str   # LEAD | ASSIST


def duties(project) -> dict[str, list[Duty]]:
    """Department id -> its recommendations (lead items first, then assist items,
    each in the order of data/recommendations).  Only departments that lead or
    assist at least one recommendation appear; order follows data/departments."""
    lead: dict[str, list[Duty]] = {}
    assist: dict[str, list[Duty]] = {}
    for r in project.recommendations.itertuples():
        lead.setdefault(r.lead, []).append(Duty(r.id, LEAD))
        for a in dict.fromkeys(r.assist_list):
            if a != r.lead:
                assist.setdefault(a, []).append(Duty(r.id, ASSIST))
    known = list(project.departments["id"])
    order = [d for d in known if d in lead or d in assist]
    order += [d for d in dict.fromkeys([*lead, *assist]) if d not in order]
    return {d: lead.get(d, []) + assist.get(d, []) for d in order}


def roles_of(project) -> dict[str, dict[str, str]]:
    """Recommendation id -> {department id: role}."""
    out: dict[str, dict[str, str]] = {}
    for r in project.recommendations.itertuples():
        roles = {r.lead: LEAD}
        for a in r.assist_list:
            roles.setdefault(a, ASSIST)
        out[r.id] = roles
    return out


# shared with the filing workbooks (reportkit/workbook.py)
from .workbook import file_stem  # noqa: E402,F401


# --- wording: templates/sheets.toml through the one wording mechanism ---------------
def sheet_wording(project_root: Path | None = None, terms: dict | None = None) -> Wording:
    return Wording.load("sheets.toml", project_root, terms=terms)


def role_split(items: list[Duty], w: Wording) -> str:
    """"牵头 7 项、配合 13 项": the items by role, roles without items left out."""
    parts = []
    for role, key in ((LEAD, "department.split_lead"), (ASSIST, "department.split_assist")):
        n = sum(1 for i in items if i.role == role)
        if n:
            parts.append(w.say(key, n=n))
    return w.get("list_sep").join(parts)


# --- the template workbook -------------------------------------------------------
from .workbook import estimate_lines as _estimate_lines  # noqa: E402


def build_template(project, dept_id: str, items: list[Duty], w: Wording) -> bytes:
    """The department's feedback workbook as reproducible XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    from .write import xlsx_bytes

    st = project.settings
    names = project.department_names
    recs = project.recommendations.set_index("id")
    dept = names.get(dept_id, dept_id)
    roles = w.get("department.roles")
    values = {"city": st.city, "year": st.year, "department": dept, "total": len(items),
              "split": role_split(items, w),
              "example_date": f"{int(st.year) + 1}-03-31"}   # ISO form, as the date cells want it

    wb = Workbook()
    ws = wb.active
    ws.title = w.get("workbook.sheet")
    from .workbook import form_style

    fs = form_style(project.root)
    heading, body = fs.heading, fs.body
    border, head_font, body_font = fs.border, fs.head_font, fs.body_font
    locked_fill, header_fill, wrap_top = fs.locked_fill, fs.header_fill, fs.wrap
    last_col = "G"

    set_text(ws["A1"], w.say("workbook.title", **values))
    ws["A1"].font = Font(name=heading, size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    set_text(ws["A2"], w.say("workbook.info", **values))
    ws["A2"].font = body_font
    ws["A2"].alignment = Alignment(vertical="center")
    ws.row_dimensions[2].height = 20
    set_text(ws["A3"], w.say("workbook.instructions", **values))
    ws["A3"].font = Font(name=body, size=9.5, color="555555")
    ws["A3"].alignment = wrap_top
    total_width = sum(COLUMN_WIDTHS.values())
    ws.row_dimensions[3].height = 14 * _estimate_lines(ws["A3"].value, total_width) + 4
    for row in (1, 2, 3):
        ws.merge_cells(f"A{row}:{last_col}{row}")
    for col, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[col].width = width

    for i, label in enumerate(w.get("workbook.columns")):
        c = ws.cell(HEADER_ROW, i + 1)
        set_text(c, label)
        c.font, c.fill, c.border = head_font, header_fill, border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[HEADER_ROW].height = 22

    for n, item in enumerate(items):
        row = FIRST_ROW + n
        r = recs.loc[item.rec_id]
        cells = {COL_ID: item.rec_id, COL_ROLE: roles[item.role], COL_PROBLEM: r["problem"],
                 COL_ACTION: r["action"], COL_STATUS: None, COL_NOTE: None, COL_DATE: None}
        for col, value in cells.items():
            c = ws[f"{col}{row}"]
            set_text(c, value)
            c.font, c.border = body_font, border
            editable = col in (COL_STATUS, COL_NOTE, COL_DATE)
            c.protection = Protection(locked=not editable)
            if not editable:
                c.fill = locked_fill
            c.alignment = Alignment(wrap_text=True, vertical="top",
                                    horizontal="center" if col in (COL_ID, COL_ROLE, COL_STATUS, COL_DATE)
                                    else None)
        ws[f"{COL_DATE}{row}"].number_format = "yyyy-mm-dd"
        lines = max(_estimate_lines(str(cells[c]), COLUMN_WIDTHS[c]) for c in (COL_PROBLEM, COL_ACTION))
        ws.row_dimensions[row].height = max(30, 14 * lines + 6)

    if items:
        last = FIRST_ROW + len(items) - 1
        dv = DataValidation(type="list", formula1='"' + ",".join(TRACKING_STATUSES) + '"', allow_blank=True,
                            showErrorMessage=True, showInputMessage=True,
                            promptTitle=w.get("workbook.status_prompt_title"), prompt=w.get("workbook.status_prompt"),
                            errorTitle=w.get("workbook.status_error_title"), error=w.get("workbook.status_error"))
        dv.add(f"{COL_STATUS}{FIRST_ROW}:{COL_STATUS}{last}")
        ws.add_data_validation(dv)
        dd = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                            formula2="DATE(2099,12,31)", allow_blank=True, showErrorMessage=True,
                            showInputMessage=True, promptTitle=w.get("workbook.date_prompt_title"),
                            prompt=w.say("workbook.date_prompt", **values), errorTitle=w.get("workbook.date_error_title"),
                            error=w.say("workbook.date_error", **values))
        dd.add(f"{COL_DATE}{FIRST_ROW}:{COL_DATE}{last}")
        ws.add_data_validation(dd)

    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    ws.protection.formatColumns = False   # False = allowed while protected
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False

    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "veryHidden"
    meta_values = {NAME_VERSION: TEMPLATE_VERSION, NAME_DEPARTMENT: dept_id, NAME_YEAR: str(st.year),
                   NAME_SHEET: ws.title}
    for name, cell in META_CELLS.items():
        set_text(meta[f"A{cell[1:]}"], META_KEYS[name])
        set_text(meta[cell], meta_values[name])
        col, row = cell[0], cell[1:]
        wb.defined_names[name] = DefinedName(name, attr_text=f"{META_SHEET}!${col}${row}")
    meta.protection.sheet = True

    wb.properties.title = clean_text(ws["A1"].value or "")
    wb.properties.subject = clean_text(dept)
    return xlsx_bytes(wb)


# --- collecting the returned workbooks ---------------------------------------------
@dataclass(frozen=True)
class Answer:
    rec_id: str
    dept: str
    status: str
    note: str
    updated: str
    file: str
    row: int

    def cell(self, col: str) -> Source:
        return Source(self.file, cell=f"{col}{self.row}")


@dataclass
class Collected:
    table: pd.DataFrame                       # the contract's tracking table, merged
    problems: Problems
    files: int = 0
    answers: list[Answer] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)     # ids answered in the returned forms
    kept: list[str] = field(default_factory=list)        # ids kept from the existing tracking table
    missing: list[str] = field(default_factory=list)     # ids with no status at all


_Y, _M, _D = DATE_UNITS   # 2021年3月31日 is a date too
_DATE_TEXT = re.compile(rf"^\s*(\d{{4}})\s*[-/.{_Y}]\s*(\d{{1,2}})\s*[-/.{_M}]\s*(\d{{1,2}})\s*{_D}?\s*$")


def _date_text(value) -> str | None:
    """A cell value as an ISO date, "" when empty, None when it is no date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        try:
            got = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            return None
        if isinstance(got, dt.datetime) and 2000 <= got.year <= 2099:
            return got.date().isoformat()
        return None
    text = str(value).strip()
    if not text:
        return ""
    m = _DATE_TEXT.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


from .workbook import cell_text as _text  # noqa: E402


_ONE_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([1-9]\d{0,6})")
MAX_FORM_ROWS = 100_000     # a form has one row per recommendation; more is not a returned form


def _small_sheet(ws, max_row: int = 20, max_col: int = 5) -> dict[str, object]:
    """The top-left cells of a (read-only) sheet, coordinate -> value."""
    from openpyxl.utils import get_column_letter

    out = {}
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True), 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                out[f"{get_column_letter(c)}{r}"] = v
    return out


def _read_meta(wb, display: str = "", problems: Problems | None = None) -> dict[str, tuple[str | None, str]]:
    """Marker name -> (value or None when absent, the cell it was read from).  A defined
    name is followed only when it points at one cell of the marker sheet's first rows;
    anything else (a range, a formula, another workbook, #REF!) is reported and ignored."""
    from .safety.messages import say

    sheets: dict[str, dict] = {}

    def cells(title: str) -> dict:
        if title not in sheets:
            sheets[title] = _small_sheet(wb[title]) if title in wb.sheetnames else {}
        return sheets[title]

    out = {}
    for name, cell in META_CELLS.items():
        where = f"{META_SHEET}!{cell}"
        value = None
        try:
            dn = wb.defined_names.get(name)
        except Exception:  # pragma: no cover - a damaged names table
            dn = None
        if dn is not None:
            target = None
            try:
                dests = list(dn.destinations)
            except Exception:
                dests = []
            if len(dests) == 1:
                title, ref = dests[0]
                m = _ONE_CELL.fullmatch(str(ref))
                if m and title == META_SHEET and int(m.group(2)) <= 20:
                    target = (title, f"{m.group(1)}{m.group(2)}")
            if target is None:
                if problems is not None:
                    text = str(getattr(dn, "attr_text", "") or "")
                    problems.add(warning(Source(display), say("tracking.odd_name", name=name,
                                                              ref=text[:80] + ("…" if len(text) > 80 else ""))))
            else:
                value = cells(target[0]).get(target[1])
                where = f"{target[0]}!{target[1]}"
        if value is None and META_SHEET in wb.sheetnames:
            value = cells(META_SHEET).get(cell)
        out[name] = (None if value is None else _text(value), where)
    return out


def _sheet_list(wb) -> str:
    """The workbook's own sheets (the hidden marker left out), for messages."""
    names = [n for n in wb.sheetnames if n != META_SHEET]
    return join(msg("tracking.sheet_name", name=n) for n in names) or msg("tracking.no_sheets")


def read_workbook(path: Path, display: str, project, problems: Problems,
                  sheet: str | None = None) -> tuple[str | None, list[Answer]]:
    """One returned workbook -> (department id, its answers).  Problems name file and cell.

    The form is the worksheet named by the marker (reportkit!B4), else `sheet`
    (templates/sheets.toml [workbook] sheet), whatever its position."""
    import zipfile

    import openpyxl

    from .safety.files import FileRefused, check_file, check_zip

    try:   # measured before any parser sees it: a regular file, no zip bomb, a form-sized sheet
        check_file(path, None, "workbook", display)
    except FileRefused as exc:
        problems.add(exc.problem)
        return None, []
    if not zipfile.is_zipfile(path):
        problems.add(error(Source(display), msg("tracking.not_xlsx"),
                           hint=msg("tracking.not_xlsx_hint")))
        return None, []
    try:
        check_zip(path, display, "workbook", max_rows=MAX_FORM_ROWS, max_cols=1000)
    except FileRefused as exc:
        problems.add(exc.problem)
        return None, []
    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # a damaged workbook raises many kinds
        problems.add(error(Source(display), msg("tables.xlsx_unreadable", kind=type(exc).__name__),
                           hint=msg("tables.xlsx_unreadable_hint")))
        return None, []
    try:
        return _read_form(wb, display, project, problems, sheet)
    except Exception as exc:  # a damaged sheet met while reading rows
        problems.add(error(Source(display), msg("tables.xlsx_unreadable", kind=type(exc).__name__),
                           hint=msg("tables.xlsx_unreadable_hint")))
        return None, []
    finally:
        wb.close()


def _read_form(wb, display: str, project, problems: Problems, sheet: str | None) -> tuple[str | None, list[Answer]]:
    meta = _read_meta(wb, display, problems)
    version, vcell = meta[NAME_VERSION]
    if version is None:
        problems.add(error(Source(display), msg("tracking.no_marker"),
                           hint=msg("tracking.no_marker_hint")))
        return None, []
    if version != TEMPLATE_VERSION:
        problems.add(error(Source(display, cell=vcell), msg("tracking.version", version=version, current=TEMPLATE_VERSION),
                           version, msg("tracking.version_hint")))
        return None, []
    dept, dcell = meta[NAME_DEPARTMENT]
    year, ycell = meta[NAME_YEAR]
    ok = True
    if str(year) != str(project.settings.year):
        problems.add(error(Source(display, cell=ycell),
                           msg("tracking.year", form_year=year or msg("tracking.unknown"), year=project.settings.year), year,
                           msg("tracking.year_hint")))
        ok = False
    names = project.department_names
    if not dept or dept not in names:
        problems.add(error(Source(display, cell=dcell), msg("tracking.department"), dept or "",
                           msg("tracking.department_hint")))
        ok = False
    if not ok:
        return None, []

    form, _ = meta[NAME_SHEET]
    form = form or sheet
    worksheets = {s.title: s for s in wb.worksheets}
    if not form or form not in worksheets:
        problems.add(error(Source(display), msg("tracking.no_form", form=form or msg("tracking.unknown"), sheets=_sheet_list(wb)),
                           hint=msg("tracking.no_form_renamed", form=form) if form
                           else msg("tracking.no_form_hint")))
        return None, []
    ws = worksheets[form]
    roles = roles_of(project)
    answers: list[Answer] = []
    seen: dict[str, int] = {}
    cols = {c: "ABCDEFG".index(c) for c in (COL_ID, COL_STATUS, COL_NOTE, COL_DATE)}
    # read-only, one pass over the rows (never ws[cell], which would build every cell)
    for row, values in enumerate(ws.iter_rows(min_row=FIRST_ROW, max_col=7, values_only=True), FIRST_ROW):
        if row >= FIRST_ROW + MAX_FORM_ROWS:
            break
        values = tuple(values) + (None,) * (7 - len(values))
        rid = _text(values[cols[COL_ID]])
        raw_status = values[cols[COL_STATUS]]
        status = _text(raw_status)
        note = _text(values[cols[COL_NOTE]])
        date_raw = values[cols[COL_DATE]]
        if not rid:
            if status or note or (date_raw not in (None, "")):
                problems.add(error(Source(display, cell=f"{COL_ID}{row}"), msg("tracking.no_id"),
                                   hint=msg("tracking.no_id_hint")))
            continue
        if rid in seen:
            problems.add(error(Source(display, cell=f"{COL_ID}{row}"),
                               msg("tracking.duplicate_id", rid=rid, row=seen[rid]), rid))
            continue
        seen[rid] = row
        if rid not in roles:
            problems.add(error(Source(display, cell=f"{COL_ID}{row}"), msg("tracking.unknown_id"), rid,
                               msg("tracking.unknown_id_hint")))
            continue
        if dept not in roles[rid]:
            problems.add(error(Source(display, cell=f"{COL_ID}{row}"),
                               msg("tracking.not_involved", department=names.get(dept, dept), rid=rid), rid,
                               msg("tracking.not_involved_hint")))
            continue
        bad = False
        if status and status not in TRACKING_STATUSES:
            problems.add(error(Source(display, cell=f"{COL_STATUS}{row}"),
                               msg("tracking.bad_status", statuses=join(TRACKING_STATUSES)), status,
                               msg("tracking.bad_status_hint")))
            bad = True
        updated = _date_text(date_raw)
        if updated is None:
            problems.add(error(Source(display, cell=f"{COL_DATE}{row}"), msg("tracking.bad_date"), _text(date_raw),
                               msg("tracking.bad_date_hint")))
            bad = True
        if bad:
            continue
        if not status:
            if note or updated:
                problems.add(warning(Source(display, cell=f"{COL_STATUS}{row}"),
                                     msg("tracking.no_status", rid=rid)))
            continue
        answers.append(Answer(rid, dept, status, note, updated, display, row))
    if not seen:
        problems.add(error(Source(display), msg("tracking.no_rows", form=form, first_row=FIRST_ROW, sheets=_sheet_list(wb)),
                           hint=msg("tracking.no_rows_hint")))
        return None, []
    return dept, answers


def collect(project, paths: list[Path], displays: list[str] | None = None) -> Collected:
    """Read every returned workbook, check it, and merge the answers with the
    existing tracking table.  The lead department's answer wins; disagreements
    are reported as warnings naming both files and cells."""
    problems = Problems()
    displays = displays or [str(p) for p in paths]
    names = project.department_names
    w = sheet_wording(project.root, project_terms(project))
    sheet = w.get("workbook.sheet")
    by_dept: dict[str, str] = {}
    answers: list[Answer] = []
    for path, display in zip(paths, displays):
        dept, got = read_workbook(path, display, project, problems, sheet)
        if dept is None:
            continue
        if dept in by_dept:
            problems.add(error(Source(display), msg("tracking.two_forms", department=names.get(dept, dept), other=by_dept[dept]),
                               hint=msg("tracking.two_forms_hint")))
            continue
        by_dept[dept] = display
        answers += got

    roles = roles_of(project)
    grouped: dict[str, list[Answer]] = {}
    for a in answers:
        grouped.setdefault(a.rec_id, []).append(a)
    chosen: dict[str, tuple[Answer, list[Answer]]] = {}
    for rid, group in grouped.items():
        rank = {d: i for i, d in enumerate(roles[rid])}  # lead first, then assists in order
        group = sorted(group, key=lambda a: rank.get(a.dept, len(rank)))
        win, others = group[0], group[1:]
        chosen[rid] = (win, others)
        win_role = roles[rid].get(win.dept)
        for o in others:
            if o.status != win.status:
                who = msg("tracking.lead" if win_role == LEAD else "tracking.assist")
                rule = msg("tracking.lead_wins" if win_role == LEAD else "tracking.assist_wins")
                problems.add(warning(o.cell(COL_STATUS),
                                     msg("tracking.disagree", rid=rid, department=names.get(o.dept, o.dept),
                                         status=o.status, who=who, winner=names.get(win.dept, win.dept),
                                         status2=win.status, file=win.file, cell=f"{COL_STATUS}{win.row}",
                                         rule=rule)))

    existing = project.tracking
    extra_cols: list[str] = []
    old: dict[str, dict] = {}
    if existing is not None and len(existing):
        extra_cols = [c for c in existing.columns if c not in TRACKING_COLUMNS]
        old = {str(r["id"]): dict(r) for _, r in existing.iterrows()}
    rows, updated, kept, missing = [], [], [], []
    for rid in project.recommendations["id"]:
        if rid in chosen:
            win, others = chosen[rid]
            notes = [win.note] if win.note else []
            notes += [w.say("collect.note_from", department=names.get(o.dept, o.dept), note=o.note)
                      for o in others if o.note]
            row = {"id": rid, "status": win.status, "note": w.get("collect.note_separator").join(notes),
                   "updated": win.updated}
            for c in extra_cols:
                row[c] = old.get(rid, {}).get(c, "")
            rows.append(row)
            updated.append(rid)
        elif rid in old:
            rows.append({c: old[rid].get(c, "") for c in TRACKING_COLUMNS + extra_cols})
            kept.append(rid)
        else:
            missing.append(rid)
    table = pd.DataFrame(rows, columns=TRACKING_COLUMNS + extra_cols).fillna("")
    return Collected(table, problems, len(paths), answers, updated, kept, missing)


def tracking_xlsx(df: pd.DataFrame) -> bytes:
    """The tracking table as a one-sheet workbook (header on row 1), reproducible."""
    from openpyxl import Workbook

    from .write import xlsx_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "tracking"
    append_row(ws, [str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        append_row(ws, [None if v == "" else str(v) for v in row])
    for col, width in zip("ABCDEFGHIJ", (8, 12, 60, 12)):
        ws.column_dimensions[col].width = width
    return xlsx_bytes(wb)
