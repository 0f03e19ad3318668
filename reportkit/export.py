"""Machine-readable outputs that other programs read back (contract: "Outputs").

scores.csv (UTF-8 with BOM), scores.xlsx, dimensions.csv and towns.csv keep their
names and columns.  Numbers are written unformatted; empty cells mean "none".
"""
from __future__ import annotations


import pandas as pd

from .load.tables import plain_float, write_csv_bytes
from .safety.cells import append_row
from .score.indicators import Scores
from .write import xlsx_bytes


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = out[col].map({True: 1, False: 0})
        elif out[col].dtype.kind == "f":   # 12 significant digits, as in the CSV files
            out[col] = out[col].map(plain_float)
    return out


def scores_csv(scores: Scores) -> bytes:
    return write_csv_bytes(_plain(scores.table))


def dimensions_csv(scores: Scores) -> bytes:
    return write_csv_bytes(scores.dimensions)


def towns_csv(scores: Scores) -> bytes:
    return write_csv_bytes(scores.towns)


def scores_xlsx(scores: Scores) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    sheets = [("scores", scores.table), ("dimensions", scores.dimensions), ("towns", scores.towns)]
    header_font = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    for i, (title, df) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        df = _plain(df)
        append_row(ws, [str(c) for c in df.columns])
        for row in df.itertuples(index=False):
            append_row(ws, [None if (v is pd.NA or (isinstance(v, float) and v != v)) else
                       (int(v) if hasattr(v, "dtype") and "int" in str(getattr(v, "dtype", "")) else v)
                       for v in row])
        for c in range(1, len(df.columns) + 1):
            cell = ws.cell(row=1, column=c)
            cell.font = header_font
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center")
            name = str(df.columns[c - 1])
            width = 28 if name in ("name", "source", "departments") else max(8, len(name) + 4)
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.freeze_panes = "A2"
    return xlsx_bytes(wb)


def add_score_outputs(writer, scores: Scores) -> None:
    writer.add("scores.csv", scores_csv(scores))
    writer.add("scores.xlsx", scores_xlsx(scores))
    writer.add("dimensions.csv", dimensions_csv(scores))
    writer.add("towns.csv", towns_csv(scores))
