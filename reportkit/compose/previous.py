"""The report's chapter on last year's problems (上一年度问题整治情况), and the line the
department sheets show under an item that continues last year's.

Composed only when project.toml sets `previous` (the previous checkup is then on
`project.previous`, see reportkit/previous.py); the statuses are computed by
reportkit/analyse/years.py.  Wording: templates/years.toml.
"""
from __future__ import annotations

import math

from ..charts import ChartSpec
from ..document import Block, Cell, Span
from ..vocab import GOOD, IMPROVED, SHORT, TRACKING_STATUSES, WARN
from ..wording import Wording

STATUS_ROLE = {"resolved": f"rating-{GOOD}", "improved": f"trend-{IMPROVED}", "persisting": f"rating-{WARN}",
               "worse": f"rating-{SHORT}", "unrated": "muted", "dropped": "muted"}
DONE = TRACKING_STATUSES[0]
PREVIOUS_FIGURE_KEYS = ("previous-changes", "previous-tracking")     # narratives may cite these
PREVIOUS_TABLE_KEYS = ("previous-problems", "previous-recommendations")
TRACKING_ROLE = dict(zip(TRACKING_STATUSES, (f"rating-{GOOD}", f"rating-{WARN}", f"rating-{SHORT}")))


def _nan(x) -> bool:
    try:
        return x is None or x != x or str(x) == "<NA>"
    except TypeError:
        return True


def words(project) -> Wording:
    return Wording.load("years.toml", project.root)


def changed_text(w: Wording, row, labels: dict) -> str:
    """What changed in one indicator's definition, e.g. 单位由“公顷”调整为“亩”."""
    parts = []
    for what in row["changed"]:
        before, after = row[f"prev_{what}"], row[what]
        if what == "direction":
            before, after = labels.get(before, before), labels.get(after, after)
        parts.append(w.say(f"previous.changed_{what}", before=before, after=after))
    return w.get("previous.changed_join").join(parts)


def pair(fmt, before, after, unit_before: str, unit_after: str, comparable: bool) -> tuple[str, str]:
    """Last year's and this year's value as written.  When both round to the same text
    although they differ (3.35% and 3.42% both "3.4%"), one more decimal is shown, up to
    three, so that a reader sees the change the status speaks of."""
    a, b = fmt.value(before, unit_before), fmt.value(after, unit_after)
    # equal within float noise (a value computed from its parts) is equal
    if not comparable or a != b or _nan(before) or _nan(after) or \
            math.isclose(float(before), float(after), rel_tol=1e-9, abs_tol=1e-12):
        return a, b
    d = fmt.decimals_for(unit_before, before)
    for extra in range(d + 1, 4):
        a, b = fmt.num(before, extra), fmt.num(after, extra)
        if a != b:
            break
    return a, b


def _method_appendix(project) -> str:
    """The title of the report's method appendix, which the chapter's notes refer to."""
    from ..wording import load_toml

    return load_toml("report.toml", getattr(project, "root", None))["chapters"]["appendix_method"]


class PreviousChapter:
    def __init__(self, ctx):
        self.ctx = ctx
        self.p = ctx.project
        self.prev = ctx.project.previous
        self.cmp = self.prev.comparison(ctx.project, ctx.scores)
        self.w = words(ctx.project)
        self.vars = {"prev_year": self.prev.year, "year": self.p.settings.year}

    def say(self, key: str, **extra) -> str:
        return self.ctx.render(self.w.get(key), **self.vars, **extra)

    def blocks(self) -> list[Block]:
        ctx = self.ctx
        out: list[Block] = [ctx.heading(1, self.say("previous.chapter"))]
        out += ctx.narrative(section="previous")
        out += self.summary()
        if len(self.cmp.problems):
            out += self.problems()
        out += self.recommendations()
        return out

    # -- 整治成效概况 ------------------------------------------------------------------
    def summary(self) -> list[Block]:
        ctx, cmp = self.ctx, self.cmp
        out: list[Block] = [ctx.heading(2, self.say("previous.summary_heading"))]
        prev_t = self.prev.scores.table
        short = int((prev_t["rating"] == SHORT).sum())
        warn = int((prev_t["rating"] == WARN).sum())
        recs = len(cmp.recommendations)
        if len(cmp.problems):
            counts = cmp.counts()
            labels = self.w.get("status")
            status_text = self.w.get("previous.list_sep").join(self.say("previous.status_item", label=labels[k], n=n)
                                                               for k, n in counts.items() if n)
            out.append(ctx.para(self.say("previous.summary", short=short, warn=warn, recs=recs,
                                         total=len(cmp.problems), status_text=status_text,
                                         rate=ctx.fmt.pct(cmp.resolution_rate))))
        else:
            out.append(ctx.para(self.say("previous.summary_none", recs=recs)))
        t = ctx.scores.table.set_index("code")
        before = dict(zip(prev_t["code"], prev_t["rating"]))
        was_good = [c for c in cmp.new_problems if before.get(c) == GOOD]
        unknown = [c for c in cmp.new_problems if before.get(c) != GOOD]   # no data, no reference, not listed
        for key, codes in (("previous.new_problems", was_good), ("previous.new_problems_unknown", unknown)):
            if codes:
                out.append(ctx.para(self.say(key, n=len(codes), names=self.w.get("previous.list_sep").join(t.loc[c, "name"] for c in codes))))
        if not cmp.new_problems:
            out.append(ctx.para(self.say("previous.no_new_problems")))
        return out

    # -- 问题指标变化情况 ----------------------------------------------------------------
    def problems(self) -> list[Block]:
        ctx, fmt, w = self.ctx, self.ctx.fmt, self.w
        probs = self.cmp.problems
        labels = w.get("status")
        direction_labels = ctx.theme.data.get("labels", {}).get("direction_short", {})
        out: list[Block] = [ctx.heading(2, self.say("previous.problems_heading"))]
        out.append(ctx.para(self.say("previous.problems_intro")))
        rows, notes = [], []
        for i, r in enumerate(probs.itertuples(index=False)):
            row = probs.iloc[i]
            name = r.name
            if r.changed:
                notes.append(self.say("previous.changed_note", code=r.code,
                                      what=changed_text(w, row, direction_labels)))
            dropped = r.status == "dropped"
            before, after = pair(fmt, r.prev_value, r.value, r.prev_unit, r.unit, r.comparable)
            rows.append([
                Cell((Span(r.code),), align="center"),
                Cell((Span(name + ("*" if r.changed else "")),)),
                Cell((Span(r.unit if not r.changed or r.unit == r.prev_unit else f"{r.prev_unit}→{r.unit}"),),
                     align="center"),
                Cell((Span(before),), align="right"),
                Cell((Span(r.prev_rating),), align="center", role=f"rating-{r.prev_rating}"),
                Cell((Span(fmt.dash if dropped else after),), align="right"),
                Cell((Span(fmt.dash if dropped else r.rating),), align="center",
                     role=None if dropped else f"rating-{r.rating}"),
                Cell((Span(labels[r.status]),), align="center", role=STATUS_ROLE.get(r.status)),
            ])
        note = ""
        if notes:
            note = w.get("previous.notes_prefix") + "*" + w.get("previous.notes_join").join(notes) + w.get("previous.notes_end")
        header = [self.ctx.render(h, **self.vars) for h in w.get("previous.problems_columns")]
        out.append(ctx.table(self.say("previous.problems_caption"), header, rows,
                             widths=(1.5, 3.0, 1.3, 1.2, 1.1, 1.2, 1.1, 1.6), size="small",
                             key=PREVIOUS_TABLE_KEYS[0], note=note))
        flat = fmt.pct(self.p.settings.scoring.flat_band, 0)
        out.append(ctx.para(self.say("previous.method", flat=flat), "note"))
        data = {"labels": [r.name for r in probs.itertuples(index=False)],
                "before": [None if _nan(v) else float(v) for v in probs["prev_score"]],
                "after": [None if _nan(v) else float(v) for v in probs["score"]],
                "status": list(probs["status"]), "status_labels": dict(labels),
                "before_label": self.say("previous.chart_before"), "after_label": self.say("previous.chart_after"),
                "axis_label": self.say("previous.chart_axis"),
                "unit": self.say("previous.chart_unit"), "missing_label": self.say("previous.chart_missing"),
                "lines": [[float(a), str(b)] for a, b in w.get("previous.chart_lines")], "decimals": 1}
        out.append(ctx.figure(ChartSpec("changes", "previous-changes", data), self.say("previous.chart_caption"),
                              key=PREVIOUS_FIGURE_KEYS[0], note=self.say("previous.chart_note", appendix=_method_appendix(self.p))))
        return out

    # -- 策略建议落实情况 ----------------------------------------------------------------
    def recommendations(self) -> list[Block]:
        ctx, w, cmp = self.ctx, self.w, self.cmp
        recs = cmp.recommendations
        out: list[Block] = [ctx.heading(2, self.say("previous.recs_heading"))]
        if recs.empty:
            out.append(ctx.para(self.say("previous.no_recs")))
            return out
        not_reported = self.say("previous.not_reported")
        statuses = list(TRACKING_STATUSES) + [""]
        counts = cmp.status_counts(statuses)
        status_text = self.w.get("previous.list_sep").join(self.say("previous.status_item", label=s or not_reported, n=n)
                                                           for s, n in counts.items() if n)
        out.append(ctx.para(self.say("previous.recs_summary", total=len(recs), status_text=status_text,
                                     done_rate=ctx.fmt.pct(counts[DONE] / len(recs)), continued=cmp.continued,
                                     dropped=cmp.dropped, new=len(cmp.new_recommendations))))
        shown = [s for s in statuses if counts[s]]
        data = {"statuses": [s or not_reported for s in shown], "counts": [counts[s] for s in shown]}
        out.append(ctx.figure(ChartSpec("tracking", "previous-tracking", data), self.say("previous.recs_chart_caption"),
                              key=PREVIOUS_FIGURE_KEYS[1], width=0.8))
        cont = w.get("continues")
        rows = []
        for r in recs.itertuples(index=False):
            status = r.status or not_reported
            rows.append([Cell((Span(r.id),), align="center"), r.problem, r.lead,
                         Cell((Span(status),), align="center",
                              role=TRACKING_ROLE.get(r.status, "muted")),
                         r.note or ctx.fmt.dash, Cell((Span(r.updated or ctx.fmt.dash),), align="center"),
                         Cell((Span(cont["yes"] if r.continues else cont["no_resolved"] if r.resolved
                                    else cont["no"]),), align="center", role="strong" if r.continues else "muted")])
        header = [self.ctx.render(h, **self.vars) for h in w.get("previous.recs_columns")]
        out.append(ctx.table(self.say("previous.recs_caption"), header, rows,
                             widths=(0.9, 2.4, 1.7, 1.4, 2.5, 1.8, 1.4), size="small",
                             key=PREVIOUS_TABLE_KEYS[1]))
        return out


def previous_chapter(ctx) -> list[Block]:
    """The chapter, or nothing when the project has no previous checkup."""
    if getattr(ctx.project, "previous", None) is None:
        return []
    return PreviousChapter(ctx).blocks()


def last_year_line(project, scores, rec_id: str) -> tuple[str, str] | None:
    """(label, text) of last year's tracking status for a recommendation that continues
    last year's (same id), for the department sheets; None otherwise."""
    prev = getattr(project, "previous", None)
    if prev is None:
        return None
    row = prev.comparison(project, scores).last_status(rec_id)
    if row is None:
        return None
    w = words(project)
    status = row["status"] or w.get("sheets.not_reported")
    text = w.say("sheets.value", status=status, updated=row["updated"], note=row["note"], prev_year=prev.year)
    return w.say("sheets.label", prev_year=prev.year), text
