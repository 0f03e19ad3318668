"""The progress bulletin (填报进度通报) for the work group: one long image sized for
a phone screen (1080 px wide) and the same table as CSV.  The first line under
the title is the overall completion; filers follow, those needing action first
(需退回, 未报送, 已报送, then 已通过), each with its items, filed, errors, warnings,
status and the days left to the deadline.

"Days to the deadline" are counted from the bulletin's date: the `--date` given
to the command, else the day SOURCE_DATE_EPOCH names when it is set (a
reproducible build), else today's local date (products/intake/__init__._today).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ...render.png import Canvas, Rect, Text, TextStyle
from ...vocab import FILED, GOOD, NOT_FILED, PASSED, RETURNED, SHORT

WIDTH = 1080
MARGIN = 48
ROW_H = 64
HEAD_H = 290
ORDER = {RETURNED: 0, NOT_FILED: 1, FILED: 2, PASSED: 3}
BULLETIN_COLUMNS = ["filer", "name", "items", "filled", "errors", "warnings", "status", "days_left"]
# x offset and width of each column of the image (fractions of the text width)
COLUMNS = ((0.0, 0.44), (0.44, 0.11), (0.55, 0.11), (0.66, 0.10), (0.76, 0.11), (0.87, 0.13))
PASSED_ROWS = 8     # more passed filers than this are summarised in one paragraph (phone: 1-2 screens)


def days_left(deadline: dt.date | None, today: dt.date) -> int | None:
    return None if deadline is None else (deadline - today).days


def bulletin_rows(status: pd.DataFrame) -> pd.DataFrame:
    """Those needing action first (需退回, 未报送, 已报送, 已通过); within a status the
    least complete first, then the project's own order of filers (data/departments)."""
    df = status.copy()
    df["_o"] = df["status"].map(ORDER).fillna(9)
    df["_share"] = df["filled"] / df["items"].where(df["items"] > 0, 1)
    df["_n"] = range(len(df))
    return df.sort_values(["_o", "_share", "_n"], kind="stable").drop(columns=["_o", "_share", "_n"])


def headline_values(status: pd.DataFrame) -> dict:
    """The round as a whole: filers by status (a filer with errors is 需退回, never done)
    and the values usable so far (those refused are not counted)."""
    items = int(status["items"].sum())
    filled = int(status["filled"].sum())
    count = {s: int((status["status"] == s).sum()) for s in ORDER}
    return {"filers": len(status), "passed": count[PASSED], "returned": count[RETURNED],
            "filed": count[FILED], "not_filed": count[NOT_FILED], "sent": int((status["status"] != NOT_FILED).sum()),
            "items": items, "filled": filled,
            "percent": f"{(filled / items * 100) if items else 0:.1f}"}


def bulletin_csv(status: pd.DataFrame, deadline: dt.date | None, today: dt.date, w) -> bytes:
    """First row: the whole round (filer empty, name = the headline); then one row per filer."""
    from ...load.tables import write_csv_bytes
    from ...workbook import neutral_frame

    days = days_left(deadline, today)
    head = headline_values(status)
    rows = [{"filer": "", "name": w.say("bulletin.headline", **head), "items": head["items"],
             "filled": head["filled"], "errors": int(status["errors"].sum()),
             "warnings": int(status["warnings"].sum()), "status": "", "days_left": "" if days is None else days}]
    for r in bulletin_rows(status).itertuples():
        rows.append({"filer": r.filer, "name": r.name, "items": r.items, "filled": r.filled, "errors": r.errors,
                     "warnings": r.warnings, "status": r.status,
                     "days_left": "" if days is None or r.status == PASSED else days})
    return write_csv_bytes(neutral_frame(pd.DataFrame(rows, columns=BULLETIN_COLUMNS)))


def bulletin_canvas(project, status: pd.DataFrame, deadline: dt.date | None, today: dt.date, w, theme) -> Canvas:
    st = project.settings
    colors = theme.data["colors"]
    rating = colors["rating"]
    status_color = {RETURNED: rating[SHORT], NOT_FILED: colors["muted"], FILED: colors["primary"],
                    PASSED: rating[GOOD]}
    rows = bulletin_rows(status)
    passed = rows[rows["status"] == PASSED]
    summarised = len(passed) > PASSED_ROWS
    if summarised:
        rows = rows[rows["status"] != PASSED]
    text_w = WIDTH - 2 * MARGIN
    legend_h = 120
    summary_text = w.say("bulletin.passed_summary", n=len(passed),
                         names=w.get("list_sep").join(passed["name"])) if summarised else ""
    per_line = max(1, text_w // 24)
    summary_lines = -(-len(summary_text) // per_line) + 1 if summarised else 0
    summary_h = 24 * 1.4 * summary_lines + 40 if summarised else 0
    summary_h = int(summary_h)
    height = HEAD_H + 70 + ROW_H * len(rows) + summary_h + legend_h + 90
    c = Canvas("intake-status", WIDTH, height, "#FFFFFF")
    ink, muted, primary = colors["text"], colors["muted"], colors["primary"]

    def style(size, color=ink, bold=0.0, align="left", valign="middle", min_size=None, max_lines=1):
        return TextStyle(size, min_size or max(16, int(size * 0.7)), color, "sans", bold, 1.3, align, valign,
                         max_lines)

    c.add(Rect((0, 0, WIDTH, HEAD_H), primary))
    c.add(Text("title", w.say("bulletin.title", city=st.city, year=st.year), (MARGIN, 24, text_w, 100),
               style(44, "#FFFFFF", 0.02, "left", "middle", 28, 2)))
    head = headline_values(status)
    c.add(Text("headline", w.say("bulletin.headline", **head), (MARGIN, 128, text_w, 100),
               style(30, "#FFFFFF", 0.02, valign="top", min_size=20, max_lines=2)))
    days = days_left(deadline, today)
    date = w.say("bulletin.date", y=today.year, m=today.month, d=today.day)
    dl = w.say("bulletin.date", y=deadline.year, m=deadline.month, d=deadline.day) if deadline else ""
    as_of = w.say("bulletin.as_of", date=date, deadline=dl)
    if days is not None:
        key = "days_left" if days > 0 else ("days_today" if days == 0 else "days_over")
        as_of = w.say("bulletin.as_of_days", as_of=as_of, days=w.say(f"bulletin.{key}", days=abs(days)))
    c.add(Text("as_of", as_of, (MARGIN, 232, text_w, 40), style(24, "#FFFFFF", min_size=16)))

    y = HEAD_H + 10
    c.add(Rect((MARGIN - 12, y, text_w + 24, 56), theme.data["colors"]["table_header"]))
    for i, label in enumerate(w.get("bulletin.columns")):
        x0, cw = COLUMNS[i]
        c.add(Text(f"col.{i}", label, (MARGIN + int(x0 * text_w), y, int(cw * text_w) - 6, 56),
                   style(24, ink, 0.02, "left" if i == 0 else "center", min_size=16)))
    y += 60
    stripe = colors["table_stripe"]
    for n, r in enumerate(rows.itertuples()):
        if n % 2:
            c.add(Rect((MARGIN - 12, y, text_w + 24, ROW_H), stripe))
        cells = (r.name, str(r.items), str(r.filled), str(r.errors), str(r.warnings), r.status)
        for i, text in enumerate(cells):
            x0, cw = COLUMNS[i]
            color = ink
            if i == 5:
                color = status_color.get(r.status, ink)
            elif i == 3 and r.errors:
                color = rating[SHORT]
            c.add(Text(f"row.{n}.{i}", text, (MARGIN + int(x0 * text_w), y, int(cw * text_w) - 6, ROW_H),
                       style(26, color, 0.02 if i == 5 else 0.0, "left" if i == 0 else "center", min_size=16)))
        y += ROW_H
    if summarised:
        y += 16
        c.add(Text("passed", summary_text, (MARGIN, y, text_w, summary_h - 16),
                   style(24, status_color[PASSED], valign="top", min_size=16, max_lines=summary_lines + 2)))
        y += summary_h - 16
    y += 16
    c.add(Text("legend", w.get("bulletin.legend"), (MARGIN, y, text_w, legend_h - 16),
               style(21, muted, valign="top", min_size=15, max_lines=4)))
    y += legend_h
    c.add(Rect((0, y, WIDTH, height - y), colors["table_header"]))
    c.add(Text("footer", w.say("bulletin.footer", organisation=st.organisation, date=date),
               (MARGIN, y, text_w, height - y), style(24, ink, align="center", min_size=16)))
    return c


def bulletin_png(project, status: pd.DataFrame, deadline, today, w, theme) -> bytes:
    from ...render.png import encode, render

    return encode(render(bulletin_canvas(project, status, deadline, today, w, theme)).image, "png")
