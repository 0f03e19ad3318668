"""The return slip (退回单) of a filer whose workbook has errors: what to fix, cell by
cell, and what to confirm; as a Document (laid out by the PDF renderer like the
department sheets) and as a one-sheet workbook."""
from __future__ import annotations

from ...document import Block, Box, Cell, Document, Heading, Meta, Paragraph, Span, Table
from pathlib import PurePath

from ...workbook import NUMBER_TEXT, string_cell
from .collect import ERROR, WARNING, Collected, Finding


def _cell(text, align=None, role=None, bold=False) -> Cell:
    return Cell((Span(str(text), role=role, bold=bold),), align=align)


def returns_filers(col: Collected) -> list[str]:
    """Filers with at least one error in what they sent (their slip is written)."""
    return [f for f in col.plan.filers if any(x.level == ERROR for x in col.findings_of(f))]


def _item_name(col: Collected, f: Finding) -> str:
    try:
        item = col.plan.by_key.get((f.code, f.area, int(f.year)))
    except ValueError:
        item = None
    return item.name if item is not None else ""


def return_document(project, col: Collected, filer: str, w, settings, date_text: str) -> Document:
    st = project.settings
    name = col.plan.names.get(filer, filer)
    mine = col.findings_of(filer)
    errors = [f for f in mine if f.level == ERROR]
    warnings = [f for f in mine if f.level == WARNING and f.rule != "superseded"]
    from pathlib import PurePath

    files = w.get("list_sep").join(dict.fromkeys(PurePath(f.file).name for f in errors)) or "—"
    deadline = settings.deadline
    values = {"city": st.city, "year": st.year, "filer": name, "files": files, "errors": len(errors),
              "warnings": len(warnings), "contact": settings.contact, "phone": settings.phone,
              "organisation": st.organisation, "date": date_text,
              "deadline": w.say("template.date", y=deadline.year, m=deadline.month, d=deadline.day)
              if deadline else ""}
    title = w.say("returns.title", **values)
    blocks: list[Block] = [Heading(1, title, "", numbered=False, anchor="sheet-title", toc=False),
                           Paragraph((Span(w.say("returns.info", **values)),), "center")]
    if st.demo:
        blocks.append(Box((Paragraph((Span(w.get("demo_notice")),), "note"),), "", "warning"))
    blocks.append(Paragraph((Span(w.say("returns.intro", **values)),)))
    cols = w.get("returns.columns")
    rules = w.get("rules")

    def cell_rows(group: list[Finding]):
        out = []
        for i, f in enumerate(group, 1):
            out.append((_cell(i, "center"), _cell(f.cell or "—", "center"), _cell(f.code or "—", "center"),
                        _cell(_item_name(col, f) or "—"), _cell(f.area or "—", "center"),
                        _cell(f.year or "—", "center"), _cell(f.value or "—", "right"),
                        _cell(w.say("returns.rule_message", rule=rules[f.rule], message=f.message)
                              if f.rule in rules else f.message),
                        _cell(f.hint)))
        return tuple(out)

    def table(group):
        head = (tuple(_cell(c, "center", bold=True) for c in cols),)
        return Table(head, cell_rows(group), widths=(0.5, 0.8, 1.2, 2.0, 1.0, 0.6, 1.4, 3.2, 2.4), size="small",
                     key=f"returns/{filer}/{group[0].level}")

    file_level = [f for f in errors if not f.cell]
    cell_level = [f for f in errors if f.cell]
    if file_level:
        blocks.append(Heading(2, w.say("returns.file_heading", n=len(file_level)), "", numbered=False, toc=False))
        head = (tuple(_cell(c, "center", bold=True) for c in w.get("returns.file_columns")),)
        rows = tuple((_cell(i, "center"), _cell(PurePath(f.file).name), _cell(w.say("returns.rule_message", rule=rules.get(f.rule, f.rule), message=f.message)),
                      _cell(f.hint)) for i, f in enumerate(file_level, 1))
        blocks.append(Table(head, rows, widths=(0.5, 2.5, 4.5, 3.5), size="small", key=f"returns/{filer}/file"))
    if cell_level:
        blocks.append(Heading(2, w.say("returns.errors_heading", n=len(cell_level)), "", numbered=False, toc=False))
        blocks.append(table(cell_level))
    if warnings:
        blocks.append(Heading(2, w.say("returns.warnings_heading", n=len(warnings)), "", numbered=False, toc=False))
        blocks.append(Paragraph((Span(w.get("returns.warnings_intro")),), "note"))
        blocks.append(table(warnings))
    if settings.contact:
        blocks.append(Paragraph((Span(w.say("returns.contact", **values)),)))
    blocks.append(Paragraph((Span(w.say("returns.issuer", **values)),), "signature"))
    blocks.append(Paragraph((Span(w.say("returns.date", **values)),), "signature"))
    meta = Meta(title=title, author=st.organisation, subject=w.say("returns.subject", **values),
                keywords=(st.city, str(st.year), name), header=w.say("returns.header", **values), demo=st.demo)
    return Document(meta, tuple(blocks), "sheet")


def return_xlsx(col: Collected, filer: str, w) -> bytes:
    """The same problems as a workbook: one row per problem, every text a string cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from ...write import xlsx_bytes

    mine = [f for f in col.findings_of(filer) if f.rule != "superseded"]
    wb = Workbook()
    ws = wb.active
    ws.title = w.get("returns.sheet")
    levels = w.get("returns.level")
    rules = w.get("rules")
    for i, label in enumerate(w.get("returns.xlsx_columns"), 1):
        c = ws.cell(1, i)
        string_cell(c, label)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDE6F0")
        c.alignment = Alignment(horizontal="center")
    for n, f in enumerate(mine, 1):
        row = [n, levels.get(f.level, f.level), PurePath(f.file).name, f.sheet, f.cell, f.code, _item_name(col, f),
               f.area, int(f.year) if f.year.isdigit() else f.year, f.value, rules.get(f.rule, f.rule), f.message,
               f.hint]
        for i, text in enumerate(row, 1):
            c = ws.cell(n + 1, i)
            if isinstance(text, int):
                c.value = text          # 序号, 年份: numbers
            elif i == 10 and f.rule != "edited" and NUMBER_TEXT.match(text or ""):
                c.value = float(text)   # a filed number stays a number (never text a sheet could run)
            else:
                string_cell(c, text if text != "" else None)
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for col_letter, width in zip("ABCDEFGHIJKLM", (6, 8, 24, 10, 8, 12, 28, 12, 6, 10, 16, 60, 40)):
        ws.column_dimensions[col_letter].width = width
    ws.freeze_panes = "A2"
    wb.properties.title = w.say("returns.title", city=col.plan.city, year=col.plan.year)
    wb.properties.subject = col.plan.names.get(filer, filer)
    return xlsx_bytes(wb)
