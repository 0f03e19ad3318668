"""The progress bulletin (填报进度通报) for the work group: one long image sized for
a phone screen (1080 px wide) and the same table as CSV.  The first line under
the title is the overall completion; filers follow, those needing action first
(需退回, 未报送, 已报送, then 已通过), each with its items, filed, errors, warnings,
status and the days left to the deadline.

"Days to the deadline" are counted from a reproducible date: the `--date` given
to the command, else the build time (reportkit.write.build_time, which honours
SOURCE_DATE_EPOCH), never the machine's clock.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ...render.png import Canvas, Rect, Text, TextStyle
from ...vocab import FILED, GOOD, NOT_FILED, PASSED, RETURNED, SHORT

WIDTH = 1080
MARGIN = 48
ROW_H = 64
HEAD_H = 250
ORDER = {RETURNED: 0, NOT_FILED: 1, FILED: 2, PASSED: 3}
BULLETIN_COLUMNS = ["filer", "name", "items", "filled", "errors", "warnings", "status", "days_left"]
# x offset and width of each column (fractions of the text width)
COLUMNS = ((0.0, 0.38), (0.38, 0.10), (0.48, 0.10), (0.58, 0.09), (0.67, 0.10), (0.77, 0.12), (0.89, 0.11))


def days_left(deadline: dt.date | None, today: dt.date) -> int | None:
    return None if deadline is None else (deadline - today).days


def bulletin_rows(status: pd.DataFrame) -> pd.DataFrame:
    df = status.copy()
    df["_o"] = df["status"].map(ORDER).fillna(9)
    df["_share"] = df["filled"] / df["items"].where(df["items"] > 0, 1)
    return df.sort_values(["_o", "_share", "filer"], kind="stable").drop(columns=["_o", "_share"])


def headline_values(status: pd.DataFrame) -> dict:
    items = int(status["items"].sum())
    filled = int(status["filled"].sum())
    return {"filers": len(status), "returned": int((status["status"] != NOT_FILED).sum()),
            "passed": int((status["status"] == PASSED).sum()), "items": items, "filled": filled,
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
    text_w = WIDTH - 2 * MARGIN
    legend_h = 120
    height = HEAD_H + 70 + ROW_H * len(rows) + legend_h + 90
    c = Canvas("intake-status", WIDTH, height, "#FFFFFF")
    ink, muted, primary = colors["text"], colors["muted"], colors["primary"]

    def style(size, color=ink, bold=0.0, align="left", valign="middle", min_size=None, max_lines=1):
        return TextStyle(size, min_size or max(16, int(size * 0.7)), color, "sans", bold, 1.3, align, valign,
                         max_lines)

    c.add(Rect((0, 0, WIDTH, HEAD_H), primary))
    c.add(Text("title", w.say("bulletin.title", city=st.city, year=st.year), (MARGIN, 28, text_w, 100),
               style(44, "#FFFFFF", 0.02, "left", "middle", 28, 2)))
    head = headline_values(status)
    c.add(Text("headline", w.say("bulletin.headline", **head), (MARGIN, 132, text_w, 52),
               style(30, "#FFFFFF", 0.02, min_size=20)))
    days = days_left(deadline, today)
    date = w.say("bulletin.date", y=today.year, m=today.month, d=today.day)
    dl = w.say("bulletin.date", y=deadline.year, m=deadline.month, d=deadline.day) if deadline else ""
    as_of = w.say("bulletin.as_of", date=date, deadline=dl)
    if days is not None:
        key = "days_left" if days > 0 else ("days_today" if days == 0 else "days_over")
        as_of = w.say("bulletin.as_of_days", as_of=as_of, days=w.say(f"bulletin.{key}", days=abs(days)))
    c.add(Text("as_of", as_of, (MARGIN, 190, text_w, 40), style(24, "#FFFFFF", min_size=16)))

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
        d = "" if days is None or r.status == PASSED else w.say("bulletin.days_cell", days=days)
        cells = (r.name, str(r.items), str(r.filled), str(r.errors), str(r.warnings), r.status,
                 d or w.get("bulletin.no_deadline"))
        for i, text in enumerate(cells):
            x0, cw = COLUMNS[i]
            color = ink
            if i == 5:
                color = status_color.get(r.status, ink)
            elif i == 3 and r.errors:
                color = rating[SHORT]
            elif i == 6 and not d:
                color = muted
            c.add(Text(f"row.{n}.{i}", text, (MARGIN + int(x0 * text_w), y, int(cw * text_w) - 6, ROW_H),
                       style(26 if i == 0 else 26, color, 0.02 if i == 5 else 0.0,
                             "left" if i == 0 else "center", min_size=16)))
        y += ROW_H
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
