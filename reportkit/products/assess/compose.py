"""The five-year assessment (城市体检评估报告) as one Document, and its result tables.

Outline: cover · contents · 评估概况 · 各维度得分变化 · 指标年度变化 (one table per
dimension, a trend mark per indicator) · 规划目标实现情况 · 问题整治成效 · 社会满意度变化
· the analysts' chapters (narratives with `section: assessment` of the latest
checkup) · appendices (指标可比性说明, 评估方法).  Wording: templates/assess.toml.
Every function here is pure: Documents, chart specs and bytes, nothing on disk.
"""
from __future__ import annotations

import math

import pandas as pd

from ...fmt import document_date
from ...charts import ChartSpec
from ...compose.context import ComposeContext
from ...document import Block, Box, Cell, Cover, Document, Meta, Paragraph, Section, Span, Toc
from ...load.tables import write_csv_bytes
from ...narrative import render_narrative
from ...vocab import (ACCELERATE, ACHIEVED, DETERIORATING, FLAT, GOOD, IMPROVED, LIMITED, NODATA, NOREF,
                      ON_TRACK, SHORT, TRACKING_STATUSES, WARN, WORSENED)
from ...wording import Wording
from .model import Assessment

PREFIX = "assess"                     # output folder and chart-name prefix
SECTION = "assessment"                # narratives of this section are the analysts' chapters
PROGRESS_LABELS = (ACHIEVED, ON_TRACK, ACCELERATE, LIMITED, DETERIORATING)
PROGRESS_ROLE = {ACHIEVED: f"rating-{GOOD}", ON_TRACK: "secondary", ACCELERATE: f"rating-{WARN}",
                 LIMITED: f"rating-{SHORT}", DETERIORATING: f"rating-{SHORT}"}
RATED = (GOOD, WARN, SHORT)
TRACKING_ROLE = dict(zip(TRACKING_STATUSES, (f"trend-{IMPROVED}", f"rating-{WARN}", f"trend-{WORSENED}")))
WIDE = 6                              # more years than this: the indicator tables go landscape


SAMPLE_JUMP = 5      # valid questionnaires this many times the other years' (or a fifth): note it


def _nan(x) -> bool:
    try:
        return x is None or x != x or str(x) == "<NA>"
    except TypeError:
        return True


class AssessComposer:
    def __init__(self, a: Assessment, ctx: ComposeContext, words: Wording):
        self.a, self.ctx, self.w = a, ctx, words
        st = a.latest.project.settings
        self.settings = st
        self.vars = {"first": a.first, "last": a.last, "n": len(a.years), "city": st.city,
                     "organisation": st.organisation}

    def say(self, key: str, **extra) -> str:
        return self.ctx.render(self.w.get(key), **{**self.vars, **extra})

    def year(self, y: int) -> str:
        return self.say("common.year", year=y)

    def sample_notes(self) -> str:
        """A comparability note for every year whose valid questionnaires are SAMPLE_JUMP
        times (or a SAMPLE_JUMP-th) the median of the other years': a sample that size
        apart was very likely collected another way."""
        import statistics

        fmt = self.ctx.fmt
        have = [(y.year, int(y.survey["valid"])) for y in self.a.years if y.survey and y.survey.get("valid")]
        notes = []
        for year, valid in have:
            others = [v for yy, v in have if yy != year]
            if len(others) < 2:
                continue
            typical = statistics.median(others)
            if typical <= 0 or (valid < SAMPLE_JUMP * typical and valid * SAMPLE_JUMP > typical):
                continue
            ratio = valid / typical
            notes.append(self.say("survey.sample_change", year=year, valid=fmt.int(valid), typical=fmt.int(typical),
                                  more=ratio > 1, times=fmt.num(ratio if ratio > 1 else 1 / ratio, 0)))
        return "".join(notes)

    def shown_diff(self, a: float, b: float) -> float:
        from decimal import Decimal

        fmt = self.ctx.fmt
        return float(Decimal(fmt.num(b, 1, sep=False)) - Decimal(fmt.num(a, 1, sep=False)))

    def points(self, a: float, b: float) -> str:
        if _nan(a) or _nan(b):
            return self.ctx.fmt.dash
        # the difference of the scores as printed (the one number rule: a reader who
        # subtracts the printed scores gets the printed difference)
        d = self.shown_diff(a, b)
        if d > 0:
            return self.say("overview.up", points=self.ctx.fmt.num(d, 1))
        if d < 0:
            return self.say("overview.down", points=self.ctx.fmt.num(-d, 1))
        return self.say("overview.flat")

    # -- the document -------------------------------------------------------------------
    def compose(self) -> Document:
        ctx, st = self.ctx, self.settings
        date = st.date or self.year(st.year + 1)
        lines = tuple(self.say_text(x, date=date) for x in self.w.get("cover.lines"))
        title = self.say("cover.title")
        subtitle = self.say("cover.subtitle")
        blocks: list[Block] = [Cover(title, subtitle, lines, self.w.get("cover.badge") if st.demo else ""),
                               Toc(self.w.get("toc.title"), 2)]
        blocks += self.overview()
        blocks += self.dimensions()
        blocks += self.indicators()
        blocks += self.targets()
        blocks += self.problems()
        blocks += self.satisfaction()
        blocks += self.analysts()
        blocks += self.appendices()
        meta = Meta(title=self.say("cover.header"), author=st.organisation, subject=self.say("cover.subject"),
                    keywords=(st.city, str(self.a.first), str(self.a.last)), header=self.say("cover.header"),
                    demo=st.demo, date=document_date(date, st.year))
        return ctx.resolve(Document(meta, tuple(blocks), "report"))

    def say_text(self, text: str, **extra) -> str:
        return self.ctx.render(text, **{**self.vars, **extra})

    # -- 评估概况 -------------------------------------------------------------------------
    def overview(self) -> list[Block]:
        ctx, a, fmt = self.ctx, self.a, self.ctx.fmt
        out: list[Block] = [ctx.heading(1, self.say("chapters.overview"))]
        if self.settings.demo:
            out.append(Box((ctx.para(self.w.get("cover.demo_notice"), "note"),), self.w.get("cover.badge"),
                           "warning"))
        latest = a.latest
        out.append(ctx.para(self.say("overview.intro", indicators=len(latest.scores.table),
                                     dimensions=len(latest.project.dimensions),
                                     dimension_list=self.w.get("common.list_sep").join(latest.project.dimensions))))
        s0, s1 = a.overall_score(a.first), a.overall_score(a.last)
        out.append(ctx.para(self.say("overview.scores", score_first=fmt.score(s0), score_last=fmt.score(s1),
                                     change=self.points(s0, s1), problems_first=a.problem_count(a.first),
                                     problems_last=a.problem_count(a.last))))
        rows = []
        counts_by_rating = {r: [] for r in (GOOD, WARN, SHORT, NODATA, NOREF)}
        for y in a.years:
            c = y.scores.table["rating"].value_counts()
            for r in counts_by_rating:
                counts_by_rating[r].append(int(c.get(r, 0)))
            sv = y.survey
            rows.append([Cell((Span(self.year(y.year)),), align="center"), str(len(y.scores.table)),
                         *(str(int(c.get(r, 0))) for r in (GOOD, WARN, SHORT)),
                         str(int(c.get(NODATA, 0)) + int(c.get(NOREF, 0))), fmt.score(a.overall_score(y.year)),
                         fmt.int(sv["valid"]) if sv else fmt.dash, fmt.score(sv["overall"]) if sv else fmt.dash])
        out.append(ctx.table(self.say("overview.table_caption"), self.w.get("overview.table_columns"), rows,
                             align=("center",) * 9, size="small", key="assess-overview",
                             note=self.say("overview.score_note") + self.sample_notes()))
        data = {"labels": [self.year(y) for y in a.year_list], "counts": counts_by_rating}
        out.append(ctx.figure(ChartSpec("ratings", f"{PREFIX}-ratings", data), self.say("overview.ratings_caption"),
                              key="assess-ratings"))
        return out

    # -- 各维度得分变化 -------------------------------------------------------------------
    def dimensions(self) -> list[Block]:
        ctx, a, fmt = self.ctx, self.a, self.ctx.fmt
        out: list[Block] = [ctx.heading(1, self.say("chapters.dimensions"))]
        rises = []
        rows = []
        series = [{"name": self.say("dimensions.overall"), "values": [self._v(a.overall_score(y)) for y in a.year_list]}]
        for d in a.dimensions:
            vals = [a.dimension_score(d, y) for y in a.year_list]
            known = [v for v in vals if not _nan(v)]
            change = self.points(known[0], known[-1]) if len(known) >= 2 else fmt.dash
            rises.append((self.shown_diff(known[0], known[-1]) if len(known) >= 2 else -math.inf, d, change))
            rows.append([d, *(fmt.score(v) for v in vals), change])
            series.append({"name": d, "values": [self._v(v) for v in vals]})
        total = [a.overall_score(y) for y in a.year_list]
        rows.append([self.say("dimensions.overall"), *(fmt.score(v) for v in total), self.points(total[0], total[-1])])
        rises.sort(key=lambda r: -r[0])
        text = self.w.get("common.list_sep").join(self.say("dimensions.rise", name=d, change=c)
                                                  for _, d, c in rises if _ != -math.inf)
        out.append(ctx.para(self.say("dimensions.intro", rises=text)))
        header = [self.say("dimensions.first_column"), *(self.year(y) for y in a.year_list),
                  self.say("dimensions.change_column")]
        out.append(ctx.table(self.say("dimensions.caption"), header, rows,
                             align=("left",) + ("center",) * (len(a.year_list) + 1), size="small",
                             key="assess-dimensions"))
        data = {"years": a.year_list, "series": series, "unit": self.say("dimensions.chart_unit"),
                "axis_label": self.say("dimensions.chart_axis"), "decimals": 1,
                "highlight": self.say("dimensions.overall")}
        out.append(ctx.figure(ChartSpec("series", f"{PREFIX}-dimensions", data), self.say("dimensions.chart_caption"),
                              key="assess-dimension-trend"))
        return out

    @staticmethod
    def _v(x):
        return None if _nan(x) else float(x)

    # -- 指标年度变化 ----------------------------------------------------------------------
    def indicators(self) -> list[Block]:
        ctx, a, fmt, w = self.ctx, self.a, self.ctx.fmt, self.w
        out: list[Block] = [ctx.heading(1, self.say("chapters.indicators"))]
        out.append(ctx.para(self.say("indicators.intro")))
        tally = {IMPROVED: 0, FLAT: 0, WORSENED: 0}
        latest = a.latest.scores.table
        dims = list(dict.fromkeys(latest["dimension"]))
        marks = w.get("indicators.marks")
        tables: list[Block] = []
        for dim in dims:
            codes = list(latest.loc[latest["dimension"] == dim, "code"])
            rows, notes = [], []
            for code in codes:
                comparable = set(a.comparable_years(code))
                last = a.row(code, a.last)
                cells = [Cell((Span(code),), align="center"), Cell((Span(last["name"]),)),
                         Cell((Span(last["unit"]),), align="center")]
                old_units: dict[str, list[int]] = {}
                old_dirs: dict[str, list[int]] = {}
                old_names: dict[str, list[int]] = {}
                for y in a.year_list:
                    r = a.row(code, y)
                    if r is None:
                        cells.append(Cell((Span(w.get("indicators.absent"), role="muted"),), align="center"))
                        continue
                    text = fmt.value(r["value"], r["unit"])
                    if y not in comparable:
                        text += w.get("indicators.changed_mark")
                        if r["unit"] != last["unit"]:
                            old_units.setdefault(r["unit"], []).append(y)
                        if r["direction"] != last["direction"]:
                            old_dirs.setdefault(r["direction"], []).append(y)
                    if r["name"] != last["name"]:
                        old_names.setdefault(r["name"], []).append(y)
                    role = f"rating-{r['rating']}" if r["rating"] in RATED else "muted"
                    cells.append(Cell((Span(text, role=role),), align="right"))
                tr, v0, v1, y0, y1 = a.overall_trend(code)
                if tr:
                    tally[tr] += 1
                    mark = marks["up"] if v1 > v0 and tr != FLAT else marks["down"] if v1 < v0 and tr != FLAT \
                        else marks["flat"]
                    cells.append(Cell((Span(self.say("indicators.trend", mark=mark, trend=tr)),), align="center",
                                      role=f"trend-{tr}"))
                else:
                    cells.append(Cell((Span(fmt.dash),), align="center"))
                rows.append(cells)
                direction_labels = ctx.theme.data.get("labels", {}).get("direction_short", {})
                for unit, ys in old_units.items():
                    notes.append(self.say("indicators.changed_note", code=code, years=self._years(ys), unit=unit))
                for d, ys in old_dirs.items():
                    notes.append(self.say("indicators.changed_direction_note", code=code, years=self._years(ys),
                                          direction=direction_labels.get(d, d)))
                for name, ys in old_names.items():
                    notes.append(self.say("indicators.renamed_note", code=code, years=self._years(ys), name=name))
            note = (w.get("indicators.notes_prefix") + w.get("indicators.notes_join").join(notes)
                    + w.get("indicators.notes_end")) if notes else ""
            header = [*w.get("indicators.columns_head"), *(self.say("common.year_short", year=y) for y in a.year_list),
                      self.say("indicators.trend_column")]
            n = len(a.year_list)
            widths = (1.5, 3.2, 1.4) + (1.0,) * n + (1.2,)
            table = ctx.table(self.say("indicators.caption", name=dim), header, rows, widths=widths, size="small",
                              key=f"assess-indicators/{dim}", note=note)
            tables.append(table)
        n = sum(tally.values())
        out.append(ctx.para(self.say("indicators.summary", n=n, improved=tally[IMPROVED], flat=tally[FLAT],
                                     worse=tally[WORSENED])))
        if len(a.year_list) > WIDE:
            out.append(Section(tuple(tables), "landscape"))
        else:
            out += tables
        return out

    def _years(self, ys: list[int]) -> str:
        if len(ys) > 1 and ys == list(range(ys[0], ys[-1] + 1)):
            return f"{ys[0]}—{ys[-1]}"
        return self.w.get("common.list_sep").join(str(y) for y in ys)

    # -- 规划目标实现情况 -------------------------------------------------------------------
    def targets(self) -> list[Block]:
        ctx, a, fmt = self.ctx, self.a, self.ctx.fmt
        out: list[Block] = [ctx.heading(1, self.say("chapters.targets"))]
        t = a.targets
        if t.empty:
            out.append(ctx.para(self.say("targets.none")))
            return out
        out.append(ctx.para(self.say("targets.intro")))
        counts = {lab: int((t["label"] == lab).sum()) for lab in PROGRESS_LABELS}
        unknown = int((t["label"] == "").sum())
        items = [self.say("targets.label_item", label=lab, n=n) for lab, n in counts.items() if n]
        if unknown:
            items.append(self.say("targets.label_item", label=self.say("targets.no_label"), n=unknown))
        out.append(ctx.para(self.say("targets.summary", total=len(t), label_text=self.w.get("common.list_sep").join(items))))
        rows = []
        severity = {lab: i for i, lab in enumerate(reversed(PROGRESS_LABELS))}   # 倒退 first, 已达成 last
        t = t.assign(_o=t["label"].map(lambda x: severity.get(x, -1))).sort_values("_o", kind="stable")
        other_base = False
        for r in t.itertuples(index=False):
            if r.base_year is None or _nan(r.base_year):
                base = fmt.dash
            elif int(r.base_year) != a.first:
                base = self.say("targets.base_value", value=fmt.value(r.base, r.unit), year=int(r.base_year))
                other_base = True
            else:
                base = fmt.value(r.base, r.unit)
            label = r.label or self.say("targets.no_label")
            rows.append([Cell((Span(r.code),), align="center"), r.name, Cell((Span(r.unit),), align="center"),
                         Cell((Span(base),), align="right"), Cell((Span(fmt.value(r.value, r.unit)),), align="right"),
                         Cell((Span(fmt.like(r.target, r.value, r.unit)),), align="right"),
                         Cell((Span(str(r.target_year) if r.target_year else fmt.dash),), align="center"),
                         Cell((Span(fmt.dash if _nan(r.ratio) else fmt.num(r.ratio, 2)),), align="center"),
                         Cell((Span(label),), align="center", role=PROGRESS_ROLE.get(r.label, "muted"))])
        header = [self.say_text(h) for h in self.w.get("targets.columns")]
        out.append(ctx.table(self.say("targets.caption"), header, rows,
                             widths=(1.5, 2.8, 1.2, 1.4, 1.3, 1.0, 1.0, 0.9, 1.4), size="small",
                             key="assess-targets", note=self.say("targets.base_note") if other_base else ""))
        shown = [lab for lab in PROGRESS_LABELS if counts[lab]]
        if shown:
            data = {"labels": shown, "values": [counts[lab] for lab in shown], "unit": self.say("targets.chart_unit"),
                    "axis_label": self.say("targets.chart_axis"), "orientation": "h", "decimals": 0,
                    "colors": [PROGRESS_ROLE[lab] for lab in shown]}
            out.append(ctx.figure(ChartSpec("bars", f"{PREFIX}-targets", data, size=(16.0, 2.6 + 0.8 * len(shown))),
                                  self.say("targets.chart_caption"), key="assess-targets", width=0.8))
        return out

    # -- 问题整治成效 -------------------------------------------------------------------
    def problems(self) -> list[Block]:
        ctx, a, fmt, w = self.ctx, self.a, self.ctx.fmt, self.w
        out: list[Block] = [ctx.heading(1, self.say("chapters.problems"))]
        out.append(ctx.para(self.say("problems.intro")))
        res = a.resolution_rows()
        rates = [r["rate"] for r in res if not _nan(r["rate"])]
        if rates:
            out.append(ctx.para(self.say("problems.summary", low=fmt.pct(min(rates)), high=fmt.pct(max(rates)),
                                         resolved=sum(r["resolved"] for r in res))))
        rows = []
        for r in res:
            other = r["unrated"] + r["dropped"]
            rows.append([Cell((Span(self.say("problems.pair", a=r["prev_year"], b=r["year"])),), align="center"),
                         str(r["problems"]), str(r["resolved"]), str(r["improved"]), str(r["persisting"]),
                         str(r["worse"]), str(other), fmt.pct(r["rate"]), str(r["recs"]), str(r["continued"]),
                         str(r["recs_dropped"]), fmt.pct(r["done_rate"])])
        out.append(ctx.table(self.say("problems.caption"), w.get("problems.columns"), rows,
                             align=("center",) * 12, size="small", key="assess-problems"))
        data = {"labels": [self.say("problems.pair", a=r["prev_year"], b=r["year"]) for r in res],
                "values": [None if _nan(r["rate"]) else round(r["rate"] * 100, 4) for r in res],
                "unit": "%", "axis_label": self.say("problems.chart_axis"), "orientation": "v", "max": 100,
                "decimals": 1}
        out.append(ctx.figure(ChartSpec("bars", f"{PREFIX}-resolution", data), self.say("problems.chart_caption"),
                              key="assess-resolution", width=0.8))
        out.append(ctx.heading(2, self.say("problems.persisting_heading")))
        per = a.persisting
        if per.empty:
            out.append(ctx.para(self.say("problems.persisting_none")))
        else:
            out.append(ctx.para(self.say("problems.persisting_intro", n=len(per))))
            rows = []
            for r in per.itertuples(index=False):
                if r.ongoing:
                    state, role = self.say("problems.ongoing"), f"trend-{WORSENED}"
                else:
                    # the first later year that says something: a rating, or the indicator gone;
                    # years without data are looked past (they do not end a problem)
                    later = [y for y in a.year_list if y > r.last]
                    seen = [(y, a.row(r.code, y)) for y in later]
                    told = next(((y, now) for y, now in seen
                                 if now is None or now["rating"] not in (NODATA, NOREF)), None)
                    if told is None:
                        state = self.say("problems.unknown", years=self.w.get("common.list_sep").join(
                            str(y) for y in later))
                        role = "muted"
                    else:
                        after, now = told
                        solved = now is not None and now["rating"] == GOOD
                        state = self.say("problems.ended" if solved else "problems.ended_other", year=after)
                        role = f"trend-{IMPROVED}" if solved else "muted"
                rows.append([Cell((Span(r.code),), align="center"), r.name,
                             Cell((Span(self.say("problems.span", a=r.first, b=r.last)),), align="center"),
                             Cell((Span(str(r.years)),), align="center"),
                             Cell(tuple(self._rating_spans(r.ratings)), align="center"),
                             Cell((Span(state),), align="center", role=role)])
            out.append(ctx.table(self.say("problems.persisting_caption"), w.get("problems.persisting_columns"), rows,
                                 widths=(1.2, 3.4, 1.8, 0.9, 2.6, 1.9), size="small", key="assess-persisting"))
        out.append(ctx.heading(2, self.say("problems.recs_heading")))
        lr = a.long_recommendations
        if lr.empty:
            out.append(ctx.para(self.say("problems.recs_none")))
        else:
            out.append(ctx.para(self.say("problems.recs_intro", n=len(lr))))
            rows = [[Cell((Span(r.id),), align="center"), r.problem,
                     Cell((Span(self.say("problems.span", a=r.first, b=r.last)),), align="center"),
                     Cell((Span(str(r.years)),), align="center"),
                     Cell((Span(r.status or self.say("problems.not_reported")),), align="center",
                          role=TRACKING_ROLE.get(r.status, "muted"))]
                    for r in lr.itertuples(index=False)]
            out.append(ctx.table(self.say("problems.recs_caption"), w.get("problems.recs_columns"), rows,
                                 widths=(0.9, 4.6, 1.8, 1.0, 1.4), size="small", key="assess-recommendations"))
        return out

    def _rating_spans(self, ratings) -> list:
        spans = []
        for i, r in enumerate(ratings):
            if i:
                spans.append(Span(" "))
            spans.append(Span(r, role=f"rating-{r}"))
        return spans

    # -- 社会满意度变化 -------------------------------------------------------------------
    def satisfaction(self) -> list[Block]:
        ctx, a, fmt = self.ctx, self.a, self.ctx.fmt
        out: list[Block] = [ctx.heading(1, self.say("chapters.survey"))]
        have = [y for y in a.years if y.survey]
        if not have:
            out.append(ctx.para(self.say("survey.none")))
            return out
        text = ""
        if len(have) >= 2:
            s0, s1 = have[0].survey["overall"], have[-1].survey["overall"]
            text = self.say("survey.change", first=have[0].year, last=have[-1].year, a=fmt.score(s0), b=fmt.score(s1),
                            change=self.points(s0, s1))
        missing = [y.year for y in a.years if not y.survey]
        if missing:
            text += self.say("survey.some_missing", years=self.w.get("common.list_sep").join(str(y) for y in missing))
        out.append(ctx.para(self.say("survey.intro", text=text)))
        sample = self.sample_notes()
        absent = self.say("survey.absent")

        def cell(y, fn):
            return fmt.score(fn(y.survey)) if y.survey else absent

        rows = [[self.say("survey.valid"), *(fmt.int(y.survey["valid"]) if y.survey else absent for y in a.years)],
                [self.say("survey.overall"), *(cell(y, lambda s: s["overall"]) for y in a.years)]]
        dims = [d for d in a.dimensions if any(y.survey and d in y.survey.get("dimensions", {}) for y in a.years)]
        for d in dims:
            rows.append([d, *(cell(y, lambda s, d=d: s.get("dimensions", {}).get(d)) for y in a.years)])
        header = [self.say("survey.first_column"), *(self.year(y) for y in a.year_list)]
        out.append(ctx.table(self.say("survey.caption"), header, rows,
                             align=("left",) + ("center",) * len(a.year_list), size="small", key="assess-survey",
                             note=sample))
        series = [{"name": self.say("survey.overall"),
                   "values": [self._v(y.survey["overall"]) if y.survey else None for y in a.years]}]
        for d in dims:
            series.append({"name": d, "values": [self._v(y.survey.get("dimensions", {}).get(d)) if y.survey else None
                                                 for y in a.years]})
        data = {"years": a.year_list, "series": series, "unit": self.say("survey.chart_unit"),
                "axis_label": self.say("survey.chart_axis"), "decimals": 1, "highlight": self.say("survey.overall")}
        out.append(ctx.figure(ChartSpec("series", f"{PREFIX}-survey", data), self.say("survey.chart_caption"),
                              key="assess-survey-trend"))
        return out

    # -- the analysts' chapters --------------------------------------------------------
    def analysts(self) -> list[Block]:
        out: list[Block] = []
        for n in self.a.latest.project.narratives:
            if n.section == SECTION:
                out.append(self.ctx.heading(1, n.title))
                out += self.ctx.number_headings(render_narrative(n, self.ctx.narr))
        return out

    # -- appendices ---------------------------------------------------------------------
    def appendices(self) -> list[Block]:
        ctx, a = self.ctx, self.a
        out: list[Block] = [ctx.appendix(self.say("chapters.appendix_changes"))]
        ch = a.definition_changes
        if ch.empty:
            out.append(ctx.para(self.say("changes.none")))
        else:
            out.append(ctx.para(self.say("changes.intro")))
            labels = ctx.theme.data.get("labels", {}).get("direction_short", {})
            rows = []
            for r in ch.itertuples(index=False):
                if r.kind in ("added", "removed"):
                    what = self.say(f"changes.{r.kind}")
                else:
                    before, after = r.before, r.after
                    if r.kind == "direction":
                        before, after = labels.get(before, before), labels.get(after, after)
                    what = self.say(f"changes.{r.kind}", before=before, after=after)
                rows.append([Cell((Span(r.code),), align="center"), r.name, what,
                             Cell((Span(self.say("changes.year", year=r.year)),), align="center")])
            out.append(ctx.table(self.say("changes.caption"), self.w.get("changes.columns"), rows,
                                 widths=(1.2, 3.6, 4.0, 1.2), size="small", key="assess-changes"))
        out.append(ctx.appendix(self.say("chapters.appendix_method")))
        flat = ctx.fmt.pct(a.flat_band, 0)
        for line in self.say("method.text", flat=flat).split("\n"):
            if line.strip():
                out.append(Paragraph((Span(line.strip()),)))
        return out


def compose_assessment(assessment: Assessment, ctx: ComposeContext, words: Wording | None = None) -> Document:
    """The assessment Document; its charts are registered in ctx.specs."""
    words = words or Wording.load("assess.toml", assessment.latest.project.root)
    return AssessComposer(assessment, ctx, words).compose()


# -- machine-readable tables -----------------------------------------------------------
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(df: pd.DataFrame, columns) -> pd.DataFrame:
    """Text a spreadsheet would run as a formula is written with a leading apostrophe."""
    out = df.copy()
    for c in columns:
        out[c] = out[c].map(lambda s: f"'{s}" if isinstance(s, str) and s.startswith(_FORMULA) else s)
    return out


def indicators_csv(a: Assessment) -> bytes:
    """assess/indicators.csv: code, year, value, rating, score (+ name, dimension, unit,
    direction, reference, reference_kind), one row per indicator and checkup year."""
    h = a.history.copy()
    order = {c: i for i, c in enumerate(a.codes)}
    h = h.sort_values(["code", "year"], key=lambda s: s.map(order) if s.name == "code" else s, kind="stable")
    return write_csv_bytes(_safe(h, ["code", "name", "dimension", "unit"]).reset_index(drop=True))


def dimensions_csv(a: Assessment) -> bytes:
    """assess/dimensions.csv: dimension, year, score, indicators, 良好 … 无参照, satisfaction."""
    return write_csv_bytes(_safe(a.dimension_table, ["dimension"]))
