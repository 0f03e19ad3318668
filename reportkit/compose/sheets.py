"""Department recommendation sheets (策略建议落实反馈单) and town sheets
(town sheets, 指标情况表) as Documents of kind "sheet".

A department sheet holds exactly the recommendations the department leads or
assists (lead items first): the problem, the related indicators with value,
reference, rating and trend and a small trend chart, the result,
countermeasure and action, and a feedback box (role "feedback") to tick the
status and write the progress, contact and date.  A town sheet lists the
town's indicators against the city value with its rank among the towns,
shortfalls first, and a chart of its position on every indicator.

Each sheet is numbered on its own (one ComposeContext per sheet); charts that
several sheets share (the trend of one indicator) have one ChartSpec name and
are drawn once.  Wording comes from templates/sheets.toml.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from ..fmt import document_date
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..charts import ChartSpec
from ..document import KEEP, Block, Box, Cell, Document, FigureRow, Heading, Meta, Paragraph, Section, Span, Table
from ..errors import Problems, ReportkitError
from ..messages import join, msg
from ..fmt import Formatter, round_text
from ..score.indicators import rate
from ..terms import project_terms
from ..tracking import ASSIST, LEAD, Duty, duties, file_stem, role_split, sheet_wording
from ..wording import Wording
from ..vocab import SHORT, WARN
from . import towns as towns_mod
from .context import ComposeContext
from .keys import safe_name
from .previous import last_year_line
from .report import indicator_row_cells

DEPARTMENT, TOWN = "department", "town"
TREND_SIZE = (8.0, 4.8)       # cm: a small trend chart, two to a row (half the text width)
TREND_WIDTH = 0.49             # an odd last trend chart alone: as wide as the others
TOWN_CHART_WIDTH = 0.95
TOWN_CHART_CM = (16.0, 1.6)   # width, height without bars (cm)
TOWN_BAR_CM = 0.4              # height per indicator bar (cm)
EPS = 1e-9


def id_order(text: str) -> tuple:
    """Natural order of ids: R2 < R10 < R11, A-2 < A-10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(text)) if p)


_nan = towns_mod.is_missing


@dataclass(frozen=True)
class Sheet:
    kind: str                    # DEPARTMENT | TOWN
    key: str                     # department id or town (area) name
    name: str                    # department name or town name, as shown
    stem: str                    # file name stem under sheets/, e.g. "zrzyj", "town-01"
    items: tuple[str, ...]       # recommendation ids / indicator codes, in sheet order
    doc: Document

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass
class SheetSet:
    sheets: list[Sheet]
    specs: dict[str, ChartSpec] = field(default_factory=dict)   # every chart, once by name
    problems: Problems = field(default_factory=Problems)


def town_stems(project, scores) -> dict[str, str]:
    """Town -> file stem ("town-01" …), numbered in the order of data/areas; only
    towns that have at least one value in the checkup year get a sheet."""
    towns = project.towns
    width = max(2, len(str(len(towns))))
    have = set(scores.towns["area"]) if len(scores.towns) else set()
    return {t: f"town-{i:0{width}d}" for i, t in enumerate(towns, 1) if t in have}


class SheetComposer:
    def __init__(self, project, scores, theme, figures_dir: Path, wording: Wording | None = None):
        self.p = project
        self.s = scores
        self.theme = theme
        self.figures_dir = Path(figures_dir)
        self.w = wording or sheet_wording(project.root, project_terms(project))
        self.st = project.settings
        self.names = project.department_names
        self.recs = project.recommendations.set_index("id", drop=False)
        self.table = scores.table.set_index("code", drop=False)
        self.labels = theme.data["labels"]["reference_kind"]
        self.specs: dict[str, ChartSpec] = {}
        self.problems = Problems()
        self._years = None
        self._feedback_info = None
        self._aggregate = None
        self._pc: dict = {}
        # the project's number rule (reportkit.fmt), computed once for every sheet
        self.fmt = Formatter.from_theme(theme).for_scores(scores, self.st.scoring.warning_band)

    # -- shared helpers ---------------------------------------------------------------
    def _ctx(self) -> ComposeContext:
        return ComposeContext(self.p, self.s, self.theme, self.figures_dir, problems=self.problems, fmt=self.fmt)

    def _keep_specs(self, ctx: ComposeContext) -> None:
        for name, spec in ctx.specs.items():
            old = self.specs.get(name)
            if old is not None and old != spec:  # pragma: no cover - a composer bug
                raise ReportkitError(msg("sheets.chart_differs", name=name))
            self.specs[name] = spec

    def _say(self, key: str, **values) -> str:
        return self.w.say(key, city=self.st.city, year=self.st.year, **values)

    def _title(self, text: str) -> Heading:
        return Heading(1, text, "", numbered=False, anchor="sheet-title", toc=False)

    def _demo(self) -> list[Block]:
        if not self.st.demo:
            return []
        return [Box((Paragraph((Span(self.w.get("demo_notice")),), "note"),), self.w.get("demo_title"), "warning")]

    def _meta(self, title: str, header: str, subject: str, who: str) -> Meta:
        st = self.st
        return Meta(title=self.w.say("meta_title", title=title, who=who), author=st.organisation, subject=subject,
                    keywords=(self.w.get("keyword"), st.city, str(st.year), who), header=header, demo=st.demo,
                    date=document_date(st.date or str(st.year + 1), st.year))   # the report's publication day

    @property
    def years(self) -> list[int]:
        if self._years is None:
            ys = set(int(y) for y in self.p.values["year"].dropna().unique()) | {self.st.year}
            self._years = sorted(y for y in ys if y <= self.st.year)
        return self._years

    def _label_run(self, label: str, value: str) -> Paragraph:
        return Paragraph((Span(label, bold=True), Span(value)))

    # -- department sheets ------------------------------------------------------------------
    def trend_spec(self, code: str) -> ChartSpec | None:
        """The small trend chart of one indicator (None when fewer than two years have values)."""
        r = self.table.loc[code]
        h = self.s.history[self.s.history["code"] == code]
        by_year = dict(zip(h["year"].astype(int), h["value"]))
        values = [None if _nan(by_year.get(y)) else float(by_year[y]) for y in self.years]
        if sum(v is not None for v in values) < 2:
            return None
        data = {"indicator": r["name"], "area": self.s.city, "unit": r["unit"], "years": list(self.years),
                "values": values, "reference": None if _nan(r["reference"]) else float(r["reference"]),
                "reference_label": self.labels.get(r["reference_kind"], ""), "direction": r["direction"],
                "decimals": self.fmt.decimals_of(code)}
        return ChartSpec("trend", f"sheet-trend-{safe_name(code)}", data, size=TREND_SIZE)

    def department(self, dept_id: str, items: list[Duty]) -> Sheet:
        ctx = self._ctx()
        w = self.w
        name = self.names.get(dept_id, dept_id)
        stem = file_stem(dept_id)
        leads = [d for d in items if d.role == LEAD]
        assists = [d for d in items if d.role == ASSIST]
        title = self._say("department.title")
        blocks: list[Block] = [self._title(title)]
        blocks.append(self._issue_table(name))
        blocks += self._demo()
        fb = self.feedback
        blocks.append(ctx.para(self._say("department.summary", department=name, total=len(items),
                                         split=role_split(items, w), workbook=f"{stem}.xlsx",
                                         deadline=fb["deadline"], issuer=fb["issuer"])))
        table, charts = self._indicators(ctx, [d.rec_id for d in items])
        blocks += table
        for group, heading in ((leads, "department.lead_heading"), (assists, "department.assist_heading")):
            if not group:
                continue
            blocks.append(ctx.heading(1, self._say(heading, n=len(group))))
            for duty in group:
                # the item and its feedback box stay on one page (never a box alone)
                blocks.append(Section(tuple(self._item(ctx, dept_id, duty)), KEEP))
        if charts:   # the indicators' trends after the items: the items come first for a bureau
            blocks.append(ctx.heading(1, self._say("department.charts_heading")))
            figures = [ctx.figure(spec, caption, key=key, width=1.0) for spec, caption, key in charts]
            # two to a row (each at its natural size, half the text width); an odd last one alone
            for i in range(0, len(figures) - 1, 2):
                blocks.append(FigureRow(tuple(figures[i:i + 2])))
            if len(figures) % 2:
                blocks.append(replace(figures[-1], width=TREND_WIDTH))
        header = self._say("department.header", department=name)
        meta = self._meta(title, header, self._say("department.subject", department=name), name)
        doc = ctx.resolve(Document(meta, tuple(blocks), "sheet"))
        self._keep_specs(ctx)
        return Sheet(DEPARTMENT, dept_id, name, stem, tuple(d.rec_id for d in items), doc)

    @property
    def feedback(self) -> dict:
        """The issuing details of every department sheet (project.toml [feedback]); what
        the project does not give is left as a blank to fill in."""
        if self._feedback_info is None:
            fb = getattr(self.st, "feedback", None)
            blank = self.w.get("department.blank")

            def text(key: str) -> str:
                v = getattr(fb, key, "") if fb is not None else ""
                if isinstance(v, dt.date):
                    return self._say("department.date_format", y=v.year, m=v.month, d=v.day)
                return str(v).strip() or ""

            date = str(self.st.date or "").strip()
            self._feedback_info = {"deadline": text("deadline"), "contact": text("contact"),
                                   "phone": text("phone"), "issuer": text("issuer") or self.st.organisation,
                                   "date": date, "blank": blank}
        return self._feedback_info

    def _issue_table(self, department: str) -> Table:
        """Recipient, issuing office, date, deadline and the office's contact: who sends
        the sheet to whom, and by when and to whom it goes back."""
        w, fb = self.w, self.feedback

        def label(key: str) -> Cell:
            return Cell((Span(w.get(key)),), align="center", bold=True)

        def value(v: str, bold: bool = False) -> Cell:
            return Cell((Span(v or fb["blank"], bold=bold and bool(v)),))

        # the issue date is the project's `date` (the report's, on its cover); without one
        # the row holds the deadline alone: a sheet never prints a made-up or a blank date
        if fb["date"]:
            dates = (label("department.issue_date_label"), value(fb["date"]),
                     label("department.deadline_label"), value(fb["deadline"], True))
        else:
            dates = (label("department.deadline_label"),
                     Cell((Span(fb["deadline"] or fb["blank"], bold=bool(fb["deadline"])),), colspan=3))
        rows = ((label("department.recipient_label"), value(department, True),
                 label("department.issuer_label"), value(fb["issuer"])),
                dates,
                (label("department.office_contact_label"), value(fb["contact"]),
                 label("department.office_phone_label"), value(fb["phone"])))
        return Table((), rows, widths=(1.3, 2.6, 1.3, 2.6), size="small", key="issue")

    def _indicators(self, ctx: ComposeContext, rec_ids: list[str]) -> tuple[list[Block], list]:
        """One table of every indicator the department's items refer to (each once, with
        the items it concerns), and one small trend chart per indicator (spec, caption,
        key) for the end of the sheet."""
        w = self.w
        codes: dict[str, list[str]] = {}
        for rid in rec_ids:
            for c in self.recs.loc[rid, "indicator_list"]:
                if c in self.table.index:
                    codes.setdefault(c, [])
                    if rid not in codes[c]:
                        codes[c].append(rid)
        if not codes:
            return [], []
        out: list[Block] = [ctx.heading(1, self._say("department.indicators_heading", n=len(codes)))]
        rows = []
        for c, rids in codes.items():
            cells = indicator_row_cells(ctx, self.table.loc[c].pipe(_Row), with_rank=False)
            rows.append(cells + [Cell((Span(w.get("list_sep").join(sorted(rids, key=id_order))),),
                                      align="center")])
        out.append(ctx.table(self._say("department.indicators_caption"), w.get("department.indicators_columns"),
                             rows, widths=(3.2, 1.4, 1.0, 1.0, 1.5, 0.8, 0.8, 1.1), size="small",
                             key="indicators"))
        charts = []
        for c in codes:
            spec = self.trend_spec(c)
            if spec is not None:
                charts.append((spec, self._say("department.trend_caption", name=self.table.loc[c, "name"]),
                               f"trend/{c}"))
        return out, charts

    def _item(self, ctx: ComposeContext, dept_id: str, duty: Duty) -> list[Block]:
        w = self.w
        r = self.recs.loc[duty.rec_id]
        roles = w.get("department.roles")
        sep = w.get("list_sep")
        out: list[Block] = [ctx.heading(2, r["problem"])]

        def dept_label(d: str) -> str:
            return self.names.get(d, d) + (w.get("department.self_mark") if d == dept_id else "")

        assists = [a for a in dict.fromkeys(r["assist_list"]) if a != r["lead"]]

        def label(key: str) -> Cell:
            return Cell((Span(w.get(key)),), align="center", bold=True)

        names = [self.table.loc[c, "name"] for c in r["indicator_list"] if c in self.table.index]
        info = ((label("department.id_label"), Cell((Span(duty.rec_id),)),
                 label("department.role_label"), Cell((Span(roles[duty.role], bold=True, role="accent"),))),
                (label("department.lead_label"), Cell((Span(dept_label(r["lead"])),)),
                 label("department.assist_label"),
                 Cell((Span(sep.join(dept_label(a) for a in assists) or w.get("none")),))),
                (label("department.item_indicators_label"),
                 Cell((Span(sep.join(names) or w.get("department.no_indicators")),), colspan=3)))
        last = last_year_line(self.p, self.s, duty.rec_id)   # continues last year's item (v2 `previous`)
        if last is not None:
            info += ((Cell((Span(last[0]),), align="center", bold=True), Cell((Span(last[1]),), colspan=3)),)
        out.append(Table((), info, widths=(1.1, 2.4, 1.1, 3.4), size="small", key=f"item/{duty.rec_id}"))
        out.append(self._label_run(w.get("department.result_label"), r["result"]))
        out.append(self._label_run(w.get("department.countermeasure_label"), r["countermeasure"]))
        out.append(self._label_run(w.get("department.action_label"), r["action"]))
        out.append(self._feedback(duty.rec_id))
        return out

    def _feedback(self, rec_id: str) -> Box:
        w = self.w
        def label(key: str) -> Cell:
            return Cell((Span(w.get(key)),), bold=True, align="center")

        # one row: contact, phone and date side by side (a box stays a third of a page)
        cells = ((label("department.contact"), Cell((Span(""),)), label("department.phone"), Cell((Span(""),)),
                  label("department.date"), Cell((Span(w.get("department.date_blank")),))),)
        form = Table((), cells, widths=(0.9, 1.5, 1.0, 1.7, 1.0, 2.1),
                     align=("center", "left", "center", "left", "center", "left"))
        return Box((Paragraph((Span(w.get("department.status_line")),)),
                    Paragraph((Span(w.get("department.progress_label")),)),
                    form), self.w.say("department.feedback_title", id=rec_id), "feedback")

    # -- town sheets ------------------------------------------------------------------
    def town_rows(self, town: str) -> tuple[list[dict], list[dict], list[dict]]:
        """(shortfalls, rest, shares) for one town: each a dict per indicator with a value.
        A shortfall is worse than the city value, or short of the reference (预警/短板,
        the ONE rating rule with the project's warning_band), by the indicator's
        direction, as printed (reportkit.fmt's keep_comparisons: a printed tie is a tie).
        A `sum` indicator is compared per capita where populations are known (a
        shortfall when worse than the city per capita), never with the city total or
        the target; without populations it is not compared at all, only shown with its
        share of the city total (`shares`, in catalogue order).
        Shortfalls are ordered worst position first, the rest in catalogue order."""
        band = self.st.scoring.warning_band
        tv = self.s.towns[self.s.towns["area"] == town]
        short, rest, shares = [], [], []
        for t in tv.itertuples():
            ind = self.table.loc[t.code]
            direction = ind["direction"]
            value, city = float(t.value), t.city_value
            row = {"code": t.code, "name": ind["name"], "unit": ind["unit"], "value": value, "city": city,
                   "reference": ind["reference"], "rank": int(t.rank), "of": int(t.rank_of), "sum": False}
            if self.aggregate.get(t.code) == towns_mod.SUM:
                pc = self._per_capita(t.code, direction)
                row.update(sum=True, share=value / float(city) if not _nan(city) and float(city) else math.nan,
                           rating="", below_ref=False, per_capita=math.nan, city_per_capita=math.nan,
                           cmp_city=None, pc_decimals=0)
                if pc is not None and town in pc.index:
                    p = pc.loc[town]
                    pcd = self._pc_decimals(t.code, direction)
                    row.update(per_capita=float(p["per_capita"]), city_per_capita=float(p["city_per_capita"]),
                               rank=int(p["rank"]), of=int(p["of"]), pc_decimals=pcd,
                               cmp_city=towns_mod.compare(float(round_text(p["per_capita"], pcd, False)),
                                                          float(round_text(p["city_per_capita"], pcd, False)),
                                                          direction))
            else:
                # compared as printed (reportkit.fmt: printed with the decimals that keep each
                # comparison, a finer difference is below the indicator's precision)
                shown = self.fmt.shown
                rating = rate(shown(t.code, value), shown(t.code, ind["reference"]), direction, band)
                row.update(cmp_city=towns_mod.compare(shown(t.code, value), shown(t.code, city), direction),
                           rating=rating, below_ref=rating in (WARN, SHORT))
            of = row["of"]
            row["position"] = None if of <= 1 else (of - row["rank"]) / (of - 1) * 100
            if row["sum"] and row["cmp_city"] is None:
                shares.append(row)
            else:
                (short if row["cmp_city"] == towns_mod.WORSE or row["below_ref"] else rest).append(row)
        order = {c: i for i, c in enumerate(self.s.table["code"])}
        short.sort(key=lambda x: (x["position"] if x["position"] is not None else 50.0, order[x["code"]]))
        rest.sort(key=lambda x: order[x["code"]])
        shares.sort(key=lambda x: order[x["code"]])
        return short, rest, shares

    @property
    def aggregate(self) -> dict:
        if self._aggregate is None:
            self._aggregate = towns_mod.aggregates(self.p, self.s)
        return self._aggregate

    def _per_capita(self, code: str, direction: str):
        if code not in self._pc:
            self._pc[code] = towns_mod.per_capita_table(self.p, self.s, code, direction)
        return self._pc[code]

    def _pc_decimals(self, code: str, direction: str) -> int:
        """One number of decimals for an indicator's per capita values on every town sheet:
        as few as they need (reportkit.fmt), raised until each town's per capita value prints
        on its side of the city's."""
        key = ("decimals", code)
        if key not in self._pc:
            self._pc[key] = towns_mod.per_capita_decimals(self.fmt, self._per_capita(code, direction), direction)
        return self._pc[key]

    def _compare(self, row: dict) -> Cell:
        c = self.w.get("town.compare")
        parts = []
        if row["cmp_city"] == -1:
            parts.append(c["worse_city_per_capita"] if row["sum"] else c["worse_city"])
        if row["below_ref"]:
            parts.append(c["below_reference"])
        if parts:
            role = f"rating-{SHORT}" if row["rating"] == SHORT or row["cmp_city"] == -1 else f"rating-{WARN}"
            return Cell((Span(self.w.get("list_sep").join(parts), role=role),), align="center")
        if row["sum"]:
            text = {1: c["better_city_per_capita"], 0: c["same_city_per_capita"], None: c["no_city"]}[row["cmp_city"]]
        else:
            text = {1: c["better_city"], 0: c["same_city"], None: c["no_city"]}[row["cmp_city"]]
        return Cell((Span(text),), align="center")

    def _town_table(self, ctx, town: str, rows: list[dict], caption: str, key: str,
                    totals_caption: str | None = None) -> list[Table]:
        """The rated indicators against the city value and the reference, and the `sum`
        indicators (totals) by share of the city and per capita, in a table of their own
        (`totals_caption`); with no caption for them, the totals are shown by share only,
        compared with nothing."""
        fmt = ctx.fmt
        out = []
        plain = [r for r in rows if not r["sum"]]
        totals = [r for r in rows if r["sum"]]
        if plain:
            cols = [self.w.say(c, _literal=True, town=town) for c in self.w.get("town.columns")]
            body = []
            for r in plain:
                nums = (r["value"], r["city"], r["reference"])
                body.append([Cell((Span(r["name"]),)), Cell((Span(r["unit"]),), align="center"),
                             *(Cell((Span(fmt.ind(r["code"], x, r["unit"])),), align="right") for x in nums),
                             Cell((Span(self.w.say("town.rank", rank=r["rank"], of=r["of"])),), align="center"),
                             self._compare(r)])
            out.append(ctx.table(caption, cols, body, widths=(3.3, 1.5, 1.0, 1.0, 1.0, 0.9, 2.3), size="small",
                                 key=key))
        if totals:
            with_pc = totals_caption is not None
            cols = [self.w.say(c, _literal=True, town=town)
                    for c in self.w.get("town.total_columns" if with_pc else "town.share_columns")]
            body = []
            for r in totals:
                row = [Cell((Span(r["name"]),)), Cell((Span(r["unit"]),), align="center"),
                       Cell((Span(fmt.ind(r["code"], r["value"], r["unit"])),), align="right"),
                       Cell((Span(fmt.pct(r["share"])),), align="right")]
                if with_pc:
                    rank = Cell((Span(self.w.say("town.rank", rank=r["rank"], of=r["of"])),), align="center")
                    pcd = r["pc_decimals"]
                    row += [Cell((Span(fmt.num(r["per_capita"], pcd)),), align="right"),
                            Cell((Span(fmt.num(r["city_per_capita"], pcd)),), align="right"),
                            Cell((Span(self._say("town.per_capita_unit", unit=r["unit"])),), align="center"),
                            rank, self._compare(r)]
                # without populations a total is not compared, so not ranked either (a small
                # town is not "34/34" for having less of it)
                body.append(row)
            # 4-character headers (本地人均) and 6-character units (万人次/万人) on one line
            widths = (2.5, 0.9, 1.3, 0.9, 1.2, 1.2, 1.6, 0.8, 1.6) if with_pc else (4.4, 1.5, 1.8, 1.6)
            out.append(ctx.table(totals_caption if with_pc else caption, cols, body,
                                 widths=widths, size="small", key=f"{key}-totals",
                                 note=self._say("town.total_note" if with_pc else "town.share_note")))
        return out

    def town(self, town: str, stem: str) -> Sheet:
        ctx = self._ctx()
        w = self.w
        short, rest, shares = self.town_rows(town)
        title = self._say("town.title")
        blocks: list[Block] = [self._title(title),
                               Paragraph((Span(self._say("town.info", town=town)),), "center")]
        blocks += self._demo()
        total = len(short) + len(rest) + len(shares)
        intro = "town.intro" if short else "town.intro_none"
        blocks.append(ctx.para(self._say(intro, town=town, total=total, short=len(short),
                                         compared=len(short) + len(rest), shares=len(shares))))
        if short:
            blocks.append(ctx.heading(1, self._say("town.short_heading", n=len(short))))
            blocks += self._town_table(ctx, town, short, self._say("town.short_caption"), "town-short",
                                       self._say("town.short_totals_caption"))
        if rest or shares:
            # the other indicators, and the totals listed by share (compared with nothing) in
            # a table of their own under the same heading
            blocks.append(ctx.heading(1, self._say("town.rest_heading", n=len(rest) + len(shares))))
            blocks += self._town_table(ctx, town, rest, self._say("town.rest_caption"), "town-rest",
                                       self._say("town.rest_totals_caption"))
            blocks += self._town_table(ctx, town, shares, self._say("town.shares_caption"), "town-shares")
        blocks.append(Paragraph((Span(self._say("town.table_note")),), "note"))
        every = short + rest + shares
        order = {r["code"]: i for i, r in enumerate(every)}
        ranked = sorted((r for r in every if r["position"] is not None),
                        key=lambda r: (r["position"], order[r["code"]]))
        if ranked:
            blocks.append(ctx.heading(1, self._say("town.chart_heading")))
            short_codes = {r["code"] for r in short}
            data = {"labels": [r["name"] for r in ranked],
                    "values": [round(r["position"], 4) for r in ranked],
                    "unit": "%", "axis_label": w.get("town.chart_axis"), "orientation": "h",
                    "colors": [f"rating-{SHORT}" if r["code"] in short_codes else "secondary" for r in ranked],
                    "reference": 50, "reference_label": w.get("town.chart_reference"), "max": 100, "decimals": 0}
            spec = ChartSpec("bars", f"sheet-{stem}", data,
                             size=(TOWN_CHART_CM[0], max(5.0, TOWN_CHART_CM[1] + TOWN_BAR_CM * len(ranked))))
            blocks.append(ctx.figure(spec, self._say("town.chart_caption", town=town), key="town-position",
                                     width=TOWN_CHART_WIDTH, note=w.get("town.chart_note")))
        header = self._say("town.header", town=town)
        meta = self._meta(title, header, self._say("town.subject", town=town), town)
        doc = ctx.resolve(Document(meta, tuple(blocks), "sheet"))
        self._keep_specs(ctx)
        return Sheet(TOWN, town, town, stem, tuple(r["code"] for r in every), doc)


class _Row:
    """Attribute access over a scores row (what indicator_row_cells expects)."""

    def __init__(self, series):
        self._s = series

    def __getattr__(self, name):
        return self._s[name]


def compose_sheets(project, scores, theme, figures_dir: Path, kinds=(DEPARTMENT, TOWN),
                   only: set[str] | None = None) -> SheetSet:
    """Every department sheet (departments that lead or assist a recommendation, in
    data/departments order) and every town sheet (towns with values, in data/areas
    order).  `only` limits to these department ids / towns (used by the benchmark)."""
    comp = SheetComposer(project, scores, theme, figures_dir)
    sheets: list[Sheet] = []
    if DEPARTMENT in kinds:
        for dept, items in duties(project).items():
            if only is None or dept in only:
                sheets.append(comp.department(dept, items))
    if TOWN in kinds:
        for town, stem in town_stems(project, scores).items():
            if only is None or town in only:
                sheets.append(comp.town(town, stem))
    stems = [s.stem for s in sheets]
    dupes = sorted({s for s in stems if stems.count(s) > 1})
    if dupes:
        raise ReportkitError(msg("sheets.duplicate_stems", stems=join(dupes), town=project.settings.terms.town))
    return SheetSet(sheets, comp.specs, comp.problems)
