"""The city self-check report (城市自体检报告) as one Document.

Outline (after the outline of a 城市体检报告 in the provincial technical guides):
cover · contents ·
总体情况 (the analysts' overview; 城市概况 and 工作组织 composed when they wrote none;
  指标体系, 数据采集, 满意度调查 with its period and channels) ·
总体评价 (总体结论, 维度得分, 主要成效 and 主要问题 as judgements composed from the scores) ·
one chapter per dimension · 社会满意度调查 ·
问题与成因 (one section per main problem: its indicators, survey evidence and the
  analysts' cause narrative, see reportkit/analyse/problems.py) ·
the analysts' free chapters ·
对策建议 (strategies grouped by main problem, then by dimension, with priorities) ·
体检结果与策略建议一览表 (landscape) · 落实跟踪 ·
appendices (indicator table, the methods this report used, data sources).

A chapter bound to narratives takes the first narrative's title as its heading
(ComposeContext.chapter).  Wording comes from templates/report.toml and
templates/report/*.md; numbers from Scores/SurveyResult.
"""
from __future__ import annotations

import math
import re
from ..fmt import document_date
from pathlib import Path

from ..charts import ChartSpec
from ..document import (Block, Box, Cell, Cover, Document, FigureRow, Heading, ListBlock, Meta, Paragraph, Section,
                        Span, Toc)
from ..load.narratives import Narrative
from ..narrative import markdown_blocks, render_expressions
from ..theme import find_template
from ..vocab import GOOD, IMPROVED, NODATA, NOREF, SHORT, TRACKING_STATUSES, WARN
from .context import ComposeContext
from .keys import peers_fit_half_width, safe_name, trend_years
from .widths import fit
from .towns import town_chart_terms


def wording(project_root: Path | None = None, terms: dict | None = None) -> dict:
    from ..wording import load_toml

    return load_toml("report.toml", project_root, terms=terms)


def _nan(x) -> bool:
    try:
        return x is None or x != x or str(x) == "<NA>"
    except TypeError:
        return True


def rating_cell(rating: str) -> Cell:
    return Cell((Span(rating),), align="center", role=f"rating-{rating}")


def trend_cell(trend: str, fmt) -> Cell:
    return Cell((Span(trend or fmt.dash),), align="center", role=f"trend-{trend}" if trend else None)


def concentrated(counts: list[tuple[str, int]], groups: int) -> list[tuple[str, int]]:
    """Where the 短板 indicators are concentrated: the fewest groups (ties at the cut kept)
    holding at least half of them -- and only if that is at most half of all groups (a
    3/3/3/4 spread over four groups is concentrated nowhere).  `counts`: (group, n),
    largest first."""
    total = sum(n for _, n in counts)
    pick: list[tuple[str, int]] = []
    acc = 0
    for name, n in counts:
        if acc * 2 >= total and n < pick[-1][1]:
            break
        pick.append((name, n))
        acc += n
    return pick if pick and len(pick) <= max(1, groups // 2) else []


def _texts(header, rows) -> list[list[str]]:
    from ..document import plain

    out = [[str(h) for h in header]]
    for r in rows:
        out.append([plain(c.inlines) if isinstance(c, Cell) else str(c) for c in r])
    return out


def indicator_row_cells(ctx: ComposeContext, r, with_rank: bool = True) -> list:
    fmt = ctx.fmt
    labels = ctx.theme.data["labels"]["reference_kind"]
    ref = fmt.ind(r.code, r.reference, r.unit)
    cells = [Cell((Span(r.name),)), Cell((Span(r.unit),), align="center"),
             Cell((Span(fmt.ind(r.code, r.value, r.unit)),), align="right"),
             Cell((Span(ref),), align="right"),
             Cell((Span(labels.get(r.reference_kind, r.reference_kind)),), align="center"),
             rating_cell(r.rating), trend_cell(r.trend, fmt)]
    if with_rank:
        # a rank among one city alone says nothing
        rank = fmt.dash if _nan(r.rank) or int(r.rank_of) < 2 else f"{int(r.rank)}/{int(r.rank_of)}"
        cells.append(Cell((Span(rank),), align="center"))
    return cells


# Half of the text width (cm) for two charts to a row, and their height.
HALF_CHART = (7.6, 6.2)


class ReportComposer:
    def __init__(self, ctx: ComposeContext):
        self.ctx = ctx
        from ..terms import project_terms

        self.w = wording(ctx.project.root, project_terms(ctx.project))
        self.p = ctx.project
        self.s = ctx.scores
        self.settings = ctx.project.settings
        from ..analyse.problems import check_problems, plan_problems

        # cause narratives naming unknown problems are errors; main problems without one
        # are warnings (`reportkit validate` composes the report and shows them)
        self.plan = check_problems(self.p, self.s, ctx.problems) or plan_problems(self.p, self.s)

    # -- helpers -------------------------------------------------------------------
    def say(self, template: str, **extra) -> str:
        return self.ctx.render(template, **extra)

    def word(self, key: str, **extra):
        """A small word of report.toml [words], rendered with `extra`."""
        return self.say(self.w["words"][key], **extra) if extra else self.w["words"][key]

    def listing(self, items, sep: str = "list_sep") -> str:
        return self.w["words"][sep].join(items)

    def md(self, text: str) -> list[Block]:
        return self.ctx.number_headings(markdown_blocks(text, self.ctx.problems, None, base_level=2))

    def template_md(self, name: str, **extra) -> list[Block]:
        path = find_template(f"report/{name}", self.p.root)
        n = Narrative(path, f"templates/report/{name}", name, 0, path.read_text(encoding="utf-8"), 1)
        return self.md(render_expressions(n, self.ctx.narr, extra) or "")

    def labelled(self, label: str, rest) -> Paragraph:
        """A paragraph opened by a bold run-in label (指标表现。…)."""
        rest = (Span(rest),) if isinstance(rest, str) else tuple(rest)
        return self.ctx.para((Span(label, bold=True),) + rest)

    def indicator_phrase(self, code: str) -> str:
        view = self.ctx.narr.indicator(code)
        return self.say(self.w["problems"]["indicator"], i=view, rating=view.rating)

    def chapter_name(self, key: str, section: str) -> str:
        """The heading a chapter will have (its narrative's title, else the default)."""
        ns = self.ctx.chapter_narratives(section=section)
        return ns[0].title if ns else self.w["chapters"][key]

    # -- document ------------------------------------------------------------------
    def compose(self) -> Document:
        st = self.settings
        w = self.w
        date = st.date or self.say(w["cover"]["date"], year=st.year + 1)
        lines = tuple(self.say(x, organisation=st.organisation, date=date) for x in w["cover"]["lines"])
        blocks: list[Block] = [Cover(st.title, st.subtitle, lines, w["cover"]["badge"] if st.demo else "")]
        blocks.append(Toc(w["toc"]["title"], 2))
        blocks += self.overview()
        from .previous import previous_chapter  # v2 `previous`: last year's problems (empty when unset)
        blocks += previous_chapter(self.ctx)
        blocks += self.evaluation()
        for dim in self.p.dimensions:
            blocks += self.dimension(dim)
        if self.ctx.survey is not None:
            from .survey_chapter import survey_chapter
            blocks += survey_chapter(self.ctx)
        blocks += self.problems()
        blocks += self.free_chapters()
        blocks += self.recommendations()
        blocks += self.recommendation_list()
        blocks += self.tracking()
        blocks += self.appendices()
        meta = Meta(title=st.title, author=st.organisation, subject=self.word("subject", city=st.city, year=st.year),
                    keywords=(self.word("keyword"), st.city, str(st.year)), header=st.title, demo=st.demo,
                    date=document_date(date, st.year))   # the files' dates: the day the cover gives
        doc = Document(meta, tuple(blocks), "report")
        return self.ctx.resolve(doc)

    # -- 总体情况 ------------------------------------------------------------------
    def overview(self) -> list[Block]:
        ctx, w, p = self.ctx, self.w["overview"], self.p
        st = self.settings
        out: list[Block] = []
        if st.demo:
            out.append(Box((ctx.para(self.w["cover"]["demo_notice"], "note"),), self.w["cover"]["badge"], "warning"))
        chapter = ctx.open_chapter(self.w["chapters"]["overview"], section="overview")
        out = chapter[:1] + out + chapter[1:]
        if not ctx.chapter_narratives(section="overview"):
            # nobody described the city and the work: say what the project's files tell
            out.append(ctx.heading(2, w["profile_heading"]))
            out.append(ctx.para(self.say(w["profile"], peers=self.listing(p.peers), n_peers=len(p.peers))))
            out.append(ctx.heading(2, w["organisation_heading"]))
            leads = len(set(p.recommendations["lead"])) if len(p.recommendations) else 0
            out.append(ctx.para(self.say(w["organisation"], organisation=st.organisation,
                                         departments=len(p.departments), leads=leads)))
        t = self.s.table
        cats = p.categories
        counts = [(c, int((t["category"] == c).sum())) for c in cats]
        composition = self.say(w["composition"], categories=counts)
        out.append(ctx.heading(2, w["system_heading"]))
        out.append(ctx.para(self.say(w["system"], composition=composition,
                                     dimension_list=self.listing(p.dimensions))))
        rows = []
        keyed = bool(t["key"].any())   # no key indicators: no column of zeros
        for d in p.dimensions:
            sub = t[t["dimension"] == d]
            rows.append([d] + [str(int((sub["category"] == c).sum())) for c in cats] + [str(len(sub))]
                        + ([str(int(sub["key"].sum()))] if keyed else []))
        rows.append([w["total_row"]] + [str(n) for _, n in counts] + [str(len(t))]
                    + ([str(int(t["key"].sum()))] if keyed else []))
        first, *rest = w["system_columns"]
        rest = rest if keyed else rest[:1]
        header = [first, *cats, *rest]
        out.append(ctx.table(w["system_table"], header, rows,
                             align=("left",) + ("center",) * (len(cats) + 2), key="indicator-system",
                             widths=fit([("fit", 8)] + [("flex", 1)] * (len(header) - 1), _texts(header, rows),
                                        size="normal")))
        methods = t["method"].replace("", w["method_unknown"]).value_counts()
        if (t["method"] == "").all():
            methods = methods.iloc[:0]   # no indicator names its method: nothing to count
        sub_n = len(p.sub_indicators) if p.sub_indicators is not None else 0
        decomposed = str(p.sub_indicators["indicator"].nunique()) if sub_n else "0"
        from ..filers import filer_kinds

        filers = [self.say(w["filer_item"], n=n, kind=k) for n, k in filer_kinds(p)]
        collection = self.say(
            w["collection"] if filers else w["collection_none"], filers=filers, sub_indicators=sub_n, decomposed=decomposed,
            methods=self.listing(self.word("count", label=m, n=int(n)) for m, n in methods.items()))
        if collection.strip():
            out.append(ctx.heading(2, w["collection_heading"]))
            out.append(ctx.para(collection))
        out.append(ctx.heading(2, w["survey_heading"]))
        if ctx.survey is None:
            out.append(ctx.para(w["no_survey"]))
        else:
            start, end, channels, unnamed = self._survey_period()
            title = ctx.chapter_narratives(section="survey")
            chapter_title = title[0].title if title else ctx.survey.config.chapter["title"]
            out.append(ctx.para(self.say(w["survey"], start=start, end=end, channels=channels,
                                         unnamed=ctx.fmt.int(unnamed) if unnamed else "",
                                         chapter=chapter_title)))
        return out

    def _survey_period(self) -> tuple[str, str, list, int]:
        """First and last day of the valid questionnaires; the channels of the collected
        ones (the sentence counts what was collected, as the promo's progress image does)
        and how many collected questionnaires name no channel."""
        import pandas as pd

        r = self.ctx.survey
        collected = r.project.survey
        df = collected
        mask = getattr(r, "_valid_mask", None)
        if mask is not None and len(mask) == len(df):
            df = df[mask]
        start = end = ""
        if "submitted_at" in df.columns:
            t = pd.to_datetime(df["submitted_at"].where(df["submitted_at"] != ""), errors="coerce",
                               format="mixed")
            t = t.dropna()
            if len(t):
                fmt = self.w["overview"]["date"]
                lo, hi = t.min(), t.max()
                start = end = self.say(fmt, y=lo.year, m=lo.month, d=lo.day)
                if hi.date() != lo.date():   # the year once when both days are of one year
                    same = hi.year == lo.year and self.w["overview"].get("date_same_year")
                    end = self.say(same or fmt, y=hi.year, m=hi.month, d=hi.day)
        channels, unnamed = [], 0
        if "channel" in collected.columns:
            named = collected["channel"].astype(str).str.strip()
            vc = named[named != ""].value_counts()
            channels = [(str(c), self.ctx.fmt.int(int(n))) for c, n in vc.items()]
            unnamed = int(len(collected) - vc.sum()) if channels else 0
        return start, end, channels, unnamed

    # -- 总体评价 ------------------------------------------------------------------
    def evaluation(self) -> list[Block]:
        ctx, w = self.ctx, self.w["evaluation"]
        d = self.s.dimensions
        t = self.s.table
        out: list[Block] = ctx.open_chapter(self.w["chapters"]["evaluation"], section="evaluation")
        counts = t["rating"].value_counts()
        rated = int(sum(counts.get(k, 0) for k in (GOOD, WARN, SHORT)))
        short_dims = [(r.dimension, int(getattr(r, SHORT))) for r in
                      d.sort_values(SHORT, ascending=False, kind="stable").itertuples() if getattr(r, SHORT)]
        other = [(k, int(counts.get(k, 0))) for k in (NODATA, NOREF) if counts.get(k, 0)]
        out.append(ctx.heading(2, w["summary_heading"]))
        out.append(ctx.para(self.say(w["summary"], good=int(counts.get(GOOD, 0)), warn=int(counts.get(WARN, 0)),
                                     short=int(counts.get(SHORT, 0)), rated=str(rated),
                                     good_share=ctx.fmt.pct(counts.get(GOOD, 0) / rated) if rated else ctx.fmt.dash,
                                     short_dims=concentrated(short_dims, len(d)), other=other)))
        out.append(ctx.heading(2, w["scores_heading"]))
        scored = d.dropna(subset=["score"])
        if len(scored):
            from .ties import extremes, join_names

            scores = dict(zip(scored["dimension"], scored["score"]))
            best, worst = extremes(scores)
            words = self.w["words"]

            def names(xs):
                return join_names(xs, words["list_sep"], words["list_last"])

            if best == worst:   # one dimension, or every one prints the same
                out.append(ctx.para(self.say(w["scores_level"], n=len(scores), name=best[0],
                                             score=ctx.fmt.score(scores[best[0]]))))
            else:
                out.append(ctx.para(self.say(w["scores"], best=names(best), best_score=ctx.fmt.score(scores[best[0]]),
                                             best_tied=len(best) > 1, worst=names(worst),
                                             worst_score=ctx.fmt.score(scores[worst[0]]), worst_tied=len(worst) > 1)))
        radar = {"labels": list(d["dimension"]), "values": [None if _nan(v) else float(v) for v in d["score"]],
                 "series_name": w["radar_series"], "max": 100}
        summary = getattr(ctx.survey, "summary", None)
        caption = w["radar_caption"]
        if summary:
            radar["compare"] = {"name": w["radar_compare"],
                                "values": [summary["dimensions"].get(x) for x in d["dimension"]]}
            caption = w["radar_caption_compare"]
        if len(d) >= 3:
            out.append(ctx.figure(ChartSpec("radar", "dimension-radar", radar), caption,
                                  key="dimension-radar", width=0.7))
        ratings = {"labels": list(d["dimension"]),
                   "counts": {r: [int(x) for x in d[r]] for r in (GOOD, WARN, SHORT, NODATA, NOREF)}}
        out.append(ctx.figure(ChartSpec("ratings", "rating-counts", ratings), w["ratings_caption"],
                              key="rating-counts"))
        rows = [[r.dimension, ctx.fmt.score(r.score), str(r.indicators), str(getattr(r, GOOD)),
                 str(getattr(r, WARN)), str(getattr(r, SHORT)), str(getattr(r, NODATA) + getattr(r, NOREF))]
                for r in d.itertuples()]
        out.append(ctx.table(w["table_caption"], w["table_columns"],
                             rows, align=("left",) + ("center",) * 6, key="dimension-scores",
                             widths=fit([("fit", 8)] + [("flex", 1)] * 5 + [("flex", 1.6)],
                                        _texts(w["table_columns"], rows), size="normal")))
        # the analysts' own 主要成效 / 主要问题 sections, if they wrote them, take the
        # composed judgements at their end instead of a second section of the same name
        self._section(out, w["achievements_heading"], self.achievements)
        self._section(out, w["problems_heading"], self.main_problems_summary)
        return out

    def _section(self, out: list, heading: str, body) -> None:
        at = next((i for i, b in enumerate(out) if isinstance(b, Heading) and b.level == 2 and b.text == heading),
                  None)
        if at is None:
            out.append(self.ctx.heading(2, heading))
            out += body()
            return
        end = next((i for i in range(at + 1, len(out)) if isinstance(out[i], Heading) and out[i].level <= 2),
                   len(out))
        out[end:end] = body()

    def achievements(self) -> list[Block]:
        """The dimensions that do best, as judgements: score, indicators at their reference,
        the ones that also improved."""
        ctx, w = self.ctx, self.w["evaluation"]
        d = self.s.dimensions.dropna(subset=["score"])
        t = self.s.table
        out: list[Block] = []
        if not len(d):
            return out + [ctx.para(w["achievements_none"])]
        # 表现较好: a dimension scoring at least the median whose share of 良好 indicators is
        # at least the whole system's (a high score carried by a few indicators is no
        # achievement) and that has more 良好 than 短板 indicators (1 良好 of 4 beside 2 短板
        # in a weak system is none either)
        median = float(d["score"].median())
        rated = d[GOOD] + d[WARN] + d[SHORT]
        overall = float(d[GOOD].sum() / rated.sum()) if rated.sum() else 0.0
        share = (d[GOOD] / rated.where(rated > 0)).fillna(0.0)
        chosen = d[(d["score"] >= median) & (d[GOOD] > d[SHORT]) & (share >= overall - 1e-9)]
        chosen = chosen.sort_values("score", ascending=False, kind="stable")
        if chosen.empty:
            good = t[t["rating"] == GOOD].sort_values("score", ascending=False, kind="stable")["code"]
            if not len(good):
                return out + [ctx.para(w["achievements_none"])]
            # no dimension does well as a whole: the indicators that reached their reference,
            # the best scored first, at most [evaluation] few_names of them named
            top = list(good[:int(w["few_names"])])
            return out + [ctx.para(self.say(w["achievements_few"], n=len(good), shown=len(top))),
                          ctx.para(self.listing((self.indicator_phrase(c) for c in top), "clause_sep")
                                   + self.word("end"))]
        items = []
        for r in chosen.itertuples():
            sub = t[(t["dimension"] == r.dimension) & (t["rating"] == GOOD) & (t["trend"] == IMPROVED)].copy()
            sub["gain"] = [abs(v - p) / abs(p) if not _nan(p) and p else 0.0
                           for v, p in zip(sub["value"], sub["previous_value"])]
            names = list(sub.sort_values("gain", ascending=False, kind="stable")["name"].head(int(w["improved_names"])))
            text = self.say(w["achievement"], dimension=r.dimension, score=ctx.fmt.score(r.score),
                            count=int(r.indicators), good=int(getattr(r, GOOD)), improved=self.listing(names))
            items.append((Paragraph((Span(r.dimension, bold=True), Span(text[len(r.dimension):]))
                                    if text.startswith(r.dimension) else (Span(text),)),))
        out.append(ctx.para(w["achievements_intro"]))
        out.append(ListBlock(tuple(items)))
        return out

    def main_problems_summary(self) -> list[Block]:
        ctx, w = self.ctx, self.w["evaluation"]
        out: list[Block] = []
        if not self.plan.main:
            return out + [ctx.para(w["problems_none"])]
        out.append(ctx.para(self.say(w["problems_intro"], n=len(self.plan.main),
                                     chapter=self.chapter_name("problems", "problems"))))
        items = []
        limit = int(w["problem_indicators"])
        for m in self.plan.main:
            codes = [c for c in self._worst(self.plan_evidence(m)) if self._rated(c)][:limit]
            phrases = self.listing((self.indicator_phrase(c) for c in codes), "clause_sep")
            inl = (Span(m.title, bold=True),) + ((Span(self.word("after_label", text=phrases)),) if phrases else ())
            items.append((Paragraph(inl),))
        out.append(ListBlock(tuple(items)))
        return out

    def _rated(self, code: str) -> bool:
        t = self.s.table.set_index("code")
        return code in t.index and t.at[code, "rating"] in (GOOD, WARN, SHORT)

    def _worst(self, codes) -> list[str]:
        """Codes ordered worst first (短板, 预警, then the rest; lower score first)."""
        t = self.s.table.set_index("code")
        order = {SHORT: 0, WARN: 1}
        have = [c for c in codes if c in t.index]
        return sorted(have, key=lambda c: (order.get(t.at[c, "rating"], 2),
                                           t.at[c, "score"] if not _nan(t.at[c, "score"]) else 1e9))

    # -- dimension chapters ----------------------------------------------------------
    def dimension(self, dim: str) -> list[Block]:
        ctx, w = self.ctx, self.w["dimension"]
        t = self.s.table[self.s.table["dimension"] == dim]
        out: list[Block] = ctx.open_chapter(dim, dimension=dim, combine=lambda title: self.dimension_heading(dim, title))
        if not ctx.chapter_narratives(dimension=dim):
            # nobody wrote this chapter: open it with what the scores say
            row = self.s.dimensions.set_index("dimension").loc[dim]
            counts = [(k, int(row[k])) for k in (GOOD, WARN, SHORT, NODATA, NOREF) if int(row.get(k, 0) or 0)]
            out.append(ctx.para(self.say(w["summary"], name=dim, n=len(t), counts=counts,
                                         score="" if _nan(row["score"]) else ctx.fmt.score(row["score"]))))
        out.append(ctx.heading(2, w["table_heading"]))
        rows = [[Cell((Span(r.code),), align="center"), *indicator_row_cells(ctx, r)] for r in t.itertuples()]
        widths = fit([("fit", 8), ("flex", 1), ("fit", 7), ("fit", 6), ("fit", 6), ("fit", 4), ("pill",),
                      ("fit", 2), ("fit", 3)], _texts(w["table_columns"], rows))
        out.append(ctx.table(self.say(w["table_caption"], name=dim), w["table_columns"],
                             rows, widths=widths, size="small", key=f"indicators/{dim}"))
        keys = t[t["key"]]
        if keys.empty:
            # no key indicator to analyse in depth: the indicators that fall short, each
            # with its value and reference, instead of a section that says nothing
            rating = dict(zip(t["code"], t["rating"]))
            weak = [c for c in self._worst(t["code"]) if rating[c] in (SHORT, WARN)]
            if weak:
                ratings = {rating[c] for c in weak}
                out.append(ctx.heading(2, w["weak_heading"]))
                out.append(ctx.para(self.say(w["weak"], n=len(weak), short=SHORT in ratings, warn=WARN in ratings)))
                out.append(ctx.para(self.listing((self.indicator_phrase(c) for c in weak), "clause_sep")
                                    + self.word("end")))
        else:
            out.append(ctx.heading(2, w["key_heading"]))
        for r in keys.itertuples():
            out += self.key_indicator(r)
        # The town comparisons follow as a section of their own: a tall town chart after each
        # key indicator's text and charts would leave half of a page empty before it.
        towns = [r for r in keys.itertuples() if (self.s.towns["code"] == r.code).any()]
        if towns:
            out.append(ctx.heading(2, w["towns_heading"]))
            for r in towns:
                out += self.town_comparison(r)
        return out

    def dimension_heading(self, dim: str, title: str | None) -> str:
        """The analysts' title kept: "住房：从“有房住”走向“住好房”" as written; a title not
        naming the dimension is joined to it by [chapters] dimension_title."""
        if not title or title == dim:
            return dim
        if title.startswith(dim):
            return title
        return self.say(self.w["chapters"]["dimension_title"], dimension=dim, title=title)

    def key_indicator(self, r) -> list[Block]:
        ctx, w, st = self.ctx, self.w["dimension"], self.settings
        out: list[Block] = [ctx.heading(3, r.name)]
        view = ctx.narr.indicator(r.code)
        text = self.say(w["key_text"], i=view)
        if r.progress:
            text += self.say(w["progress_text"], i=view, target_year=int(r.target_year) if not _nan(r.target_year) else "")
        labels = ctx.theme.data["labels"]["reference_kind"]
        years, values = trend_years(self.p, self.s, r.code)
        measured = [y for y, v in zip(years, values) if v is not None]
        if len(measured) < 2:
            text += self.say(w["single_year"], years=self.listing(str(y) for y in measured) or str(st.year))
        out.append(ctx.para(text))
        ref = None if _nan(r.reference) else float(r.reference)
        row = []
        peers = self.s.peers[self.s.peers["code"] == r.code]
        has_peers = (peers["area"] != self.s.city).any()
        order = [self.s.city] + list(self.p.peers)
        pair = has_peers and len(measured) >= 2 and peers_fit_half_width(order, ctx.theme, HALF_CHART[0])
        size = HALF_CHART if pair else None
        if len(measured) >= 2:
            trend = {"indicator": r.name, "area": self.s.city, "unit": r.unit, "years": years, "values": values,
                     "reference": ref, "reference_label": labels.get(r.reference_kind, ""), "direction": r.direction,
                     "decimals": ctx.fmt.decimals_of(r.code)}
            row.append(ctx.figure(ChartSpec("trend", f"trend-{safe_name(r.code)}", trend, size=size),
                                  self.say(w["trend_caption"], name=r.name), key=f"trend/{r.code}",
                                  width=1.0 if pair else 0.9))
        if has_peers:
            vals = dict(zip(peers["area"], peers["value"]))
            data = {"indicator": r.name, "unit": r.unit, "year": st.year, "areas": order,
                    "values": [None if _nan(vals.get(a)) else float(vals[a]) for a in order],
                    "city": self.s.city, "reference": ref, "reference_label": labels.get(r.reference_kind, ""),
                    "direction": r.direction, "decimals": ctx.fmt.decimals_of(r.code)}
            if pair:
                data["horizontal"] = True   # names beside the bars: they fit half the width
            row.append(ctx.figure(ChartSpec("peers", f"peers-{safe_name(r.code)}", data, size=size),
                                  self.say(w["peers_caption"], name=r.name), key=f"peers/{r.code}",
                                  width=1.0 if pair else 0.9))
        if pair:
            out.append(FigureRow(tuple(row)))
        else:
            out += row
        return out

    def town_comparison(self, r) -> list[Block]:
        """One key indicator across the towns: a sentence on the best, the worst and how
        many fall short of the reference, then the chart (bars, or a map)."""
        ctx, w = self.ctx, self.w["dimension"]
        labels = ctx.theme.data["labels"]["reference_kind"]
        ref = None if _nan(r.reference) else float(r.reference)
        out: list[Block] = [ctx.heading(3, r.name)]
        towns = self.s.towns[self.s.towns["code"] == r.code]
        ranked = towns.dropna(subset=["value"]).sort_values("rank", kind="stable")
        if len(ranked) >= 2:
            best, worst = ranked.iloc[0], ranked.iloc[-1]
            inds = self.p.indicators
            agg = dict(zip(inds["code"], inds["aggregate"])) if "aggregate" in inds.columns else {}
            additive = str(agg.get(r.code, "") or "").strip() == "sum"   # a total: no town meets a city target
            short = 0
            if ref is not None and not additive:
                # as printed (reportkit.fmt: a town is compared by its printed value)
                v = [ctx.fmt.shown(r.code, x) for x in ranked["value"]]
                rp = ctx.fmt.shown(r.code, ref)
                short = sum(1 for x in v if (x < rp if r.direction == "+" else x > rp))
            have = set(ranked["area"])
            missing = [a for a in self.p.towns if a not in have]
            if additive:   # a total: towns of different size are compared per capita, or not at all
                out.append(ctx.para(self._towns_total_text(r, ranked, missing)))
                return out + self._towns_chart(r, towns, ref, labels)
            out.append(ctx.para(self.say(
                w["towns_text"], name=r.name, n=len(ranked), best=best["area"], missing=len(missing),
                missing_names=self.listing(missing) if len(missing) <= int(w.get("towns_missing_named", 3)) else "",
                best_value=ctx.fmt.ind_unit(r.code, best["value"], r.unit), worst=worst["area"],
                worst_value=ctx.fmt.ind_unit(r.code, worst["value"], r.unit),
                compared=ref is not None and not additive, short=short,
                reference_kind=labels.get(r.reference_kind, ""))))
        return out + self._towns_chart(r, towns, ref, labels)

    def _towns_total_text(self, r, ranked, missing) -> str:
        """The sentence on a `sum` indicator across the towns: per capita where the areas
        have populations (as the chart and the town sheets compare it), else the largest and
        smallest totals, not judged (towns differ in size)."""
        from ..fmt import round_text
        from .towns import WORSE, compare, per_capita_decimals, per_capita_table

        ctx, w = self.ctx, self.w["dimension"]
        fmt = ctx.fmt
        common = dict(name=r.name, missing=len(missing),
                      missing_names=self.listing(missing) if len(missing) <= int(w.get("towns_missing_named", 3)) else "")
        pc = per_capita_table(self.p, self.s, r.code, r.direction)
        if pc is not None and len(pc) >= 2:
            d = per_capita_decimals(fmt, pc, r.direction)
            order = pc.sort_values(["rank", "per_capita"], kind="stable")
            unit = self.say(w["towns_per_capita_unit"], unit=r.unit)
            shown = lambda v: fmt.num(float(v), d) + unit   # noqa: E731
            best, worst = order.index[0], order.index[-1]
            city = float(pc["city_per_capita"].iloc[0])
            # compared as printed, as the town sheets compare them
            printed = lambda v: float(round_text(v, d, False))   # noqa: E731
            worse = sum(1 for v in pc["per_capita"]
                        if compare(printed(v), printed(city), r.direction) == WORSE)
            return self.say(w["towns_text_per_capita"], n=len(pc), best=best, worst=worst,
                            best_value=shown(pc.at[best, "per_capita"]), worst_value=shown(pc.at[worst, "per_capita"]),
                            city_value=shown(city), worse=worse, **common)
        big, small = ranked.sort_values("value", ascending=False, kind="stable").iloc[[0, -1]].itertuples()
        return self.say(w["towns_text_total"], n=len(ranked), largest=big.area, smallest=small.area,
                        largest_value=fmt.ind_unit(r.code, big.value, r.unit),
                        smallest_value=fmt.ind_unit(r.code, small.value, r.unit), **common)

    def _towns_chart(self, r, towns, ref, labels) -> list[Block]:
        ctx, w, st = self.ctx, self.w["dimension"], self.settings
        out: list[Block] = []
        if len(towns):
            # every town, those without a value as None: the chart names them under it
            vals = dict(zip(towns["area"], towns["value"]))
            order = list(towns["area"]) + [a for a in self.p.towns if a not in vals]
            data = {"indicator": r.name, "unit": r.unit, "year": st.year, "areas": order,
                    "values": [None if _nan(vals.get(a)) else float(vals[a]) for a in order], "city": self.s.city,
                    "city_value": None if _nan(r.value) else float(r.value), "reference": ref,
                    "reference_label": labels.get(r.reference_kind, ""), "direction": r.direction,
                    "town_term": st.terms.town, "decimals": ctx.fmt.decimals_of(r.code)}
            data.update(town_chart_terms(self.p, self.s, r.code, r.direction, order, ctx.theme))
            if self.p.geojson is not None:
                data["geojson"] = self.p.geojson
            out.append(ctx.figure(ChartSpec("towns", f"towns-{safe_name(r.code)}", data),
                                  self.say(w["towns_caption"], name=r.name), key=f"towns/{r.code}"))
        return out

    # -- 问题与成因 ------------------------------------------------------------------
    def problems(self) -> list[Block]:
        ctx, w = self.ctx, self.w["problems"]
        out: list[Block] = ctx.open_chapter(self.w["chapters"]["problems"], section="problems")
        uncovered = self._uncovered()
        if not self.plan.main and not uncovered:
            out.append(ctx.para(w["none"]))
            return out
        if self.plan.main:
            out.append(ctx.para(self.say(w["intro"], n=len(self.plan.main), survey=ctx.survey is not None,
                                         causes=all(m.narrative is not None for m in self.plan.main),
                                         chapter=self.chapter_name("recommendations", "recommendations"))))
        for m in self.plan.main:
            out += self.main_problem(m)
        if uncovered:
            # rated as a problem, yet in no recommendation: said, never silently left out
            if self.plan.main:
                out.append(ctx.heading(2, w["uncovered_heading"]))
            rating = dict(zip(self.s.table["code"], self.s.table["rating"]))
            out.append(ctx.para(self.say(w["uncovered"], n=len(uncovered), alone=not self.plan.main,
                                         ratings=self.listing(dict.fromkeys(rating[c] for c in uncovered)))))
            out.append(ctx.para(self.listing((self.indicator_phrase(c) for c in uncovered), "clause_sep")
                                + self.word("end")))
        return out

    def _uncovered(self) -> tuple[str, ...]:
        """Indicators rated as main problems ([problems] main_ratings) that no
        recommendation cites."""
        cited = {c for r in self.p.recommendations.itertuples() for c in r.indicator_list}
        main_ratings = set(self.w["problems"]["main_ratings"])
        t = self.s.table
        return tuple(c for c, r in zip(t["code"], t["rating"]) if r in main_ratings and c not in cited)

    def main_problem(self, m) -> list[Block]:
        ctx, w = self.ctx, self.w["problems"]
        out: list[Block] = [ctx.heading(2, m.title)]
        codes = self._worst(self.plan_evidence(m))
        if codes:
            out.append(self.labelled(w["indicators_label"],
                                     self.listing((self.indicator_phrase(c) for c in codes), "clause_sep")
                                     + self.word("end")))
        if ctx.survey is not None:
            out.append(self.labelled(w["survey_label"], self.survey_evidence(m)))
        if m.narrative is not None:
            from ..narrative import render_narrative

            body = ctx.number_headings(render_narrative(m.narrative, ctx.narr, base_level=3))
            if body and isinstance(body[0], Paragraph):
                first = body[0]
                body[0] = Paragraph((Span(w["cause_label"], bold=True),) + tuple(first.inlines), first.style)
            else:
                body.insert(0, ctx.para((Span(w["cause_label"], bold=True),)))
            out += body
        ids = self.listing(m.recommendations)
        out.append(self.labelled(w["recommendations_label"], self.say(
            w["recommendations"], n=len(m.recommendations), ids=ids, table=ctx.narr.table("recommendations"))))
        return out

    def survey_evidence(self, m) -> str:
        """The satisfaction of the problem's dimensions, the related question that scores
        lowest, and the hot issue the problem's indicators feed."""
        ctx, w = self.ctx, self.w["problems"]
        r = ctx.survey
        summary = r.summary
        t = self.s.table.set_index("code")
        codes = self.plan_evidence(m)
        dims = list(dict.fromkeys(t.at[c, "dimension"] for c in codes if c in t.index))
        q = related_question(r.question_table, dims, [m.title] + [t.at[c, "name"] for c in codes if c in t.index],
                             codes, self._themes(), list(t["name"]),
                             {c: 2 if t.at[c, "rating"] == SHORT else 1 for c in codes if c in t.index})
        parts = []
        for dim in dims:
            v = summary["dimensions"].get(dim)
            if v is None:
                continue
            part = self.say(w["survey_dimension"], dimension=dim, score=ctx.fmt.score(v),
                            overall=ctx.fmt.score(summary["overall"]) if not parts else "")
            if q is not None and q[2] == dim:    # the question under its own dimension
                part += self.word("also", text=self.say(w["survey_question"], text=q[0], score=ctx.fmt.score(q[1])))
            parts.append(part)
        hot = self._hot_issue(m)
        if hot is not None:
            parts.append(self.say(w["survey_hot"], name=hot[0], rank=hot[1]))
        return self.listing(parts, "clause_sep") + self.word("end") if parts else w["survey_none"]

    def _hot_method(self) -> str:
        """How the hot issues were ranked, for the method appendix, when the survey
        chapter ranked some (it refers to the appendix instead of printing the formula)."""
        if self.ctx.survey is None or self.ctx.scores is None:
            return ""
        try:
            from ..analyse.hot_issues import hot_issues

            if not len(hot_issues(self.s, self.ctx.survey).top):
                return ""
        except Exception:   # no questionnaire text, no themes: no hot issues were ranked
            return ""
        from .survey_chapter import survey_method_text

        return survey_method_text(self.ctx.survey)

    def _themes(self) -> tuple:
        """The residents' themes (templates/concerns.toml) resolved against this project."""
        if not hasattr(self, "_themes_cache"):
            self._themes_cache = ()
            try:
                from ..analyse.concerns import load_concerns_config

                qt = self.ctx.survey.question_table
                self._themes_cache = load_concerns_config(
                    getattr(self.p, "root", None), project=self.p,
                    questions=None if qt is None else qt[["qid", "text", "dimension"]]).themes
            except Exception:   # no usable themes: questions are matched by words only
                self._themes_cache = ()
        return self._themes_cache

    def plan_evidence(self, m) -> tuple[str, ...]:
        """The indicators shown as a main problem's evidence: an indicator several main
        problems cite is shown under the one whose recommendations cite it most (the first
        on a tie), so that no two problems rest on the same number; a problem left with
        none keeps all of its own."""
        if not hasattr(self, "_owner"):
            recs = {r.id: set(r.indicator_list) for r in self.p.recommendations.itertuples()}
            cites: dict[str, list[tuple[int, int]]] = {}
            for k, mp in enumerate(self.plan.main):
                for c in mp.indicators:
                    n = sum(1 for rid in mp.recommendations if c in recs.get(rid, ()))
                    cites.setdefault(c, []).append((n, -k))
            self._owner = {c: -max(v)[1] for c, v in cites.items()}
        k = self.plan.main.index(m)
        own = tuple(c for c in m.indicators if self._owner.get(c, k) == k)
        return own or tuple(m.indicators)

    def _hot_issue(self, m):
        """The hot issue (热点问题) this problem's indicators feed: the only one citing one of
        them, or among several the one whose name shares a word with the problem."""
        if not hasattr(self, "_hot"):
            self._hot = None
            try:
                from ..analyse.hot_issues import hot_issues

                self._hot = hot_issues(self.s, self.ctx.survey).top
            except Exception:   # no questionnaire text, no themes: no hot issues to cite
                self._hot = None
        if self._hot is None or "weak_indicators" not in self._hot.columns:
            return None
        linked = []
        for h in self._hot.itertuples():
            cited = set(_CODE_TOKEN.findall(str(h.weak_indicators or "")))
            if cited & set(self.plan_evidence(m)):
                linked.append((str(h.problem), int(h.rank)))
        if len(linked) == 1:
            return linked[0]
        t = self.s.table.set_index("code")
        words = set().union(_bigrams(m.title), *(_bigrams(t.at[c, "name"]) for c in self.plan_evidence(m)
                                                 if c in t.index))
        near = [x for x in linked if _bigrams(x[0]) & words]
        return near[0] if near else None

    def free_chapters(self) -> list[Block]:
        out: list[Block] = []
        for n in self.ctx.free_narratives():
            out.append(self.ctx.heading(1, n.title))
            from ..narrative import render_narrative
            out += self.ctx.number_headings(render_narrative(n, self.ctx.narr))
        return out

    # -- 对策建议 ------------------------------------------------------------------
    def recommendations(self) -> list[Block]:
        ctx, w = self.ctx, self.w["recommendations"]
        recs = self.p.recommendations
        out: list[Block] = ctx.open_chapter(self.w["chapters"]["recommendations"], section="recommendations")
        if not len(recs):
            return out
        labels = w["priority_labels"]
        counts = [(labels[str(k)], sum(1 for v in self.plan.priority.values() if v == k)) for k in (1, 2, 3)]
        out.append(ctx.para(self.say(w["intro"], total=len(recs), counts=[c for c in counts if c[1]],
                                     table=ctx.narr.table("recommendations"))))
        by_id = {r.id: r for r in recs.itertuples()}
        for m in self.plan.main:
            out.append(ctx.heading(2, m.title))
            out.append(self.strategies([by_id[i] for i in m.recommendations]))
        if self.plan.others:
            t = self.s.table.set_index("code")
            groups: dict[str, list] = {}
            for rid in self.plan.others:
                r = by_id[rid]
                dim = next((t.at[c, "dimension"] for c in r.indicator_list if c in t.index), "")
                groups.setdefault(dim, []).append(r)
            order = {d: i for i, d in enumerate(self.p.dimensions)}
            for dim in sorted(groups, key=lambda d: order.get(d, len(order))):
                head = self.say(w["other_heading"], dimension=dim) if dim else w["others_heading"]
                out.append(ctx.heading(2, head))
                out.append(self.strategies(groups[dim]))
        return out

    def strategies(self, recs) -> ListBlock:
        """One numbered item per recommendation: countermeasure (priority): action, departments."""
        w = self.w["recommendations"]
        names = self.p.department_names
        labels = w["priority_labels"]
        items = []
        for r in sorted(recs, key=lambda r: self.plan.priority[r.id]):
            # the countermeasure is a title here: its own end mark would come before the
            # priority's parenthesis ("…衔接。（近期优先）：")
            title = str(r.countermeasure).strip().rstrip("".join(self.word("ends")) + self.word("end"))
            head = self.say(w["strategy"], countermeasure=title or r.countermeasure,
                            priority=labels[str(self.plan.priority[r.id])])
            action = self.say(w["strategy_action"], action=r.action)
            depts = self.say(w["strategy_departments"], lead=names.get(r.lead, r.lead),
                             assist=self.listing(names.get(a, a) for a in r.assist_list))
            end = "" if action.endswith(tuple(self.word("ends"))) else self.word("end")
            items.append((Paragraph((Span(head, bold=True), Span(action + end + depts))),))
        return ListBlock(tuple(items), ordered=True)

    def recommendation_list(self) -> list[Block]:
        ctx, w = self.ctx, self.w["recommendations"]
        names = self.p.department_names
        ind_names = dict(zip(self.s.table["code"], self.s.table["name"]))
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["list"])]
        out.append(ctx.para(w["list_intro"]))
        rows = []
        for r in self.p.recommendations.itertuples():
            rows.append([Cell((Span(r.id),), align="center"), r.problem,
                         self.listing((ind_names.get(c, c) for c in r.indicator_list), "clause_sep"), r.result,
                         r.countermeasure, r.action, names.get(r.lead, r.lead),
                         self.listing(names.get(a, a) for a in r.assist_list)])
        table = ctx.table(w["caption"], w["columns"], rows, widths=(0.6, 1.6, 1.7, 2.4, 2.2, 2.4, 1.2, 1.5),
                          size="small", key="recommendations")
        out.append(table)
        return [Section(tuple(out), "landscape")]

    # -- 落实跟踪 ------------------------------------------------------------------
    def tracking(self) -> list[Block]:
        tr = self.p.tracking
        if tr is None or tr.empty:
            return []
        ctx, w = self.ctx, self.w["tracking"]
        out: list[Block] = ctx.open_chapter(self.w["chapters"]["tracking"], section="tracking")
        counts = tr["status"].value_counts()
        total = len(self.p.recommendations)
        missing = total - len(tr)
        # as of the newest feedback (tracking `updated`), so a reader knows when the counts hold
        dates = [tuple(int(x) for x in re.split(r"[-/]", u)) for u in tr["updated"] if str(u).strip()]
        as_of = self.say(self.w["overview"]["date"], y=max(dates)[0], m=max(dates)[1], d=max(dates)[2]) \
            if dates else ""
        out.append(ctx.para(self.say(w["intro"], total=total, as_of=as_of,
                                     statuses=[(s, int(counts.get(s, 0))) for s in TRACKING_STATUSES],
                                     missing=max(0, missing))))
        recs = self.p.recommendations.merge(tr[["id", "status"]], on="id", how="left")
        recs["status"] = recs["status"].fillna(w["no_feedback"])
        names = self.p.department_names
        leads = list(dict.fromkeys(recs["lead"]))
        statuses = list(TRACKING_STATUSES) + ([w["no_feedback"]] if missing > 0 else [])
        data = {"statuses": statuses, "counts": [int((recs["status"] == s).sum()) for s in statuses],
                "departments": [names.get(d, d) for d in leads],
                "by_department": {s: [int(((recs["lead"] == d) & (recs["status"] == s)).sum()) for d in leads]
                                  for s in statuses}}
        out.append(ctx.figure(ChartSpec("tracking", "tracking-status", data), w["caption"], key="tracking-status"))
        rows = [[names.get(d, d)] + [str(int(((recs["lead"] == d) & (recs["status"] == s)).sum())) for s in statuses]
                + [str(int((recs["lead"] == d).sum()))] for d in leads]
        out.append(ctx.table(w["dept_caption"], [w["dept_columns_first"], *statuses, w["dept_columns_last"]], rows,
                             align=("left",) + ("center",) * (len(statuses) + 1), size="small", key="tracking",
                             widths=fit([("flex", 1)] + [("fit", 5)] * (len(statuses) + 1),
                                        _texts([w["dept_columns_first"], *statuses, w["dept_columns_last"]], rows))))
        return out

    # -- appendices ------------------------------------------------------------------
    def appendices(self) -> list[Block]:
        ctx, w, fmt = self.ctx, self.w["appendix"], self.ctx.fmt
        ch = self.w["chapters"]
        t = self.s.table
        labels = ctx.theme.data["labels"]
        head = ctx.appendix(ch["appendix_indicators"])
        mark = w.get("computed_mark", "")
        rows = [[r.code, r.name, r.dimension, r.category, r.unit, labels["direction_short"].get(r.direction, r.direction),
                 fmt.ind(r.code, r.value, r.unit) + (mark if getattr(r, "computed", False) else ""),
                 fmt.ind(r.code, r.reference, r.unit), labels["reference_kind"].get(r.reference_kind, ""),
                 rating_cell(r.rating), trend_cell(r.trend, fmt), fmt.score(r.score)] for r in t.itertuples()]
        widths = fit([("fit", 8), ("flex", 1), ("fit", 7), ("fit", 5), ("fit", 7), ("fit", 2), ("fit", 6),
                      ("fit", 6), ("fit", 7), ("pill",), ("fit", 2), ("fit", 5)],
                     _texts(w["indicators_columns"], rows), orientation="landscape")
        table = ctx.table(w["indicators_caption"], w["indicators_columns"], rows,
                          widths=widths, size="small", key="appendix-indicators",
                          note=self.say(w["computed_note"], mark=mark, appendix=ch["appendix_method"]) if t["computed"].any() and "computed_note" in w
                          else "")
        out: list[Block] = [Section((head, table), "landscape")]
        out.append(ctx.appendix(ch["appendix_method"]))
        sc = self.settings.scoring
        kinds = set(t["reference_kind"])
        out += self.template_md(
            "method.md", band=f"{sc.warning_band:g}", flat=fmt.pct(sc.flat_band, 0),
            peers=self.listing(self.p.peers) or "", target_year=sc.target_year or "",
            uses_target="target" in kinds, uses_standard="standard" in kinds, uses_peers="peer_median" in kinds,
            uses_trend=bool((t["trend"] != "").any()), uses_progress=bool((t["progress"] != "").any()),
            uses_problems=bool(self.plan.main), uses_priority=bool(len(self.p.recommendations)),
            main_ratings=list(self.w["problems"]["main_ratings"]),
            priority_1=list(self.w["recommendations"]["priority_1"]),
            priority_2=list(self.w["recommendations"]["priority_2"]),
            priority_labels=[self.w["recommendations"]["priority_labels"][k] for k in ("1", "2", "3")],
            compare_gap=fmt.plain(self.settings.survey.compare_gap) if ctx.survey else "",
            hot_method=self._hot_method(),
            **self.computed_vars())
        src = t[t["source"] != ""]
        named = bool((t["method"] != "").any())
        if not named and not len(src):
            return out   # no indicator names its method or its source: no appendix that would say so
        out.append(ctx.appendix(ch["appendix_sources"]))
        if named:
            methods = t["method"].replace("", self.w["overview"]["method_unknown"]).value_counts()
            rows = [[m, str(int(n)), fmt.pct(n / len(t))] for m, n in methods.items()]
            out.append(ctx.table(w["sources_caption"], w["sources_columns"], rows, align=("left", "center", "center"),
                                 key="appendix-methods"))
        if len(src):
            rows = [[r.code, r.name, r.method or fmt.dash, r.source] for r in src.itertuples()]
            out.append(ctx.table(w["sources_list_caption"], w["sources_list_columns"], rows,
                                 widths=fit([("fit", 8), ("flex", 2), ("fit", 5), ("flex", 1.5)],
                                            _texts(w["sources_list_columns"], rows)),
                                 size="small", key="appendix-sources"))
        return out


def _computed_vars(self) -> dict:
    """For the method appendix: the indicators whose value was computed from their parts,
    each with its formula written with names, and the sum indicators."""
    from ..products.intake.plan import basis_text
    from ..score.formula import aggregates, sub_codes

    t = self.s.table
    sub = self.p.sub_indicators
    names = dict(zip(sub["code"], sub["name"])) if sub is not None else {}
    formulas = dict(zip(self.p.df("indicators")["code"], self.p.df("indicators").get("formula", "")))
    codes = sub_codes(self.p)
    computed = [f"{r.name} = {basis_text(formulas.get(r.code, ''), names, codes)}"
                for r in t.itertuples() if r.computed and str(formulas.get(r.code, "")).strip()]
    summed = [r.name for r in t.itertuples() if aggregates(self.p).get(r.code) == "sum"]
    return {"computed": computed, "computed_count": len(computed), "summed": self.listing(summed),
            "mark": self.w["appendix"].get("computed_mark", "")}


ReportComposer.computed_vars = _computed_vars


def _bigrams(text: str) -> set[str]:
    """Two-character pieces of the CJK runs of `text`."""
    out = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", text or ""):
        out |= {run[i:i + 2] for i in range(len(run) - 1)}
    return out


def related_question(questions, dimensions, texts, codes=(), themes=(), catalogue=(),
                     weights=None) -> tuple[str, float, str] | None:
    """The likert question of `dimensions` that is most about the problem, as (text, score,
    dimension), or None when none is about it.

    A question is about the problem through
    - a residents' theme (templates/concerns.toml, resolved against the catalogue) whose
      indicators include the problem's `codes` and whose patterns occur in the question,
      counted once per indicator of the problem the theme holds (`weights`: code -> how
      much that indicator counts, default 1: the report counts a 短板 twice);
    - a distinctive two-character word shared with `texts` (the problem and its indicator
      names), counted once per word.  Words found in a third or more of the questions
      (您对, 满意, 程度 …) or in a tenth or more of the `catalogue`'s indicator names
      (城市, 覆盖 …) say nothing and are ignored.
    The strongest wins; between equally strong ones, the lower score (the one that shows
    the problem).  Being in the problem's dimension alone is no reason to be cited."""
    if questions is None or not len(questions):
        return None
    qs = questions[questions["score"].notna()]
    if not len(qs):
        return None
    grams = [_bigrams(str(x)) for x in qs["text"]]
    df: dict[str, int] = {}
    for g in grams:
        for b in g:
            df[b] = df.get(b, 0) + 1
    names: dict[str, int] = {}
    for n in catalogue:
        for b in _bigrams(str(n)):
            names[b] = names.get(b, 0) + 1
    limit = max(2, math.ceil(len(qs) / 3))
    name_limit = max(3, math.ceil(len(catalogue) / 10))
    wanted = {b for b in set().union(*(_bigrams(x) for x in texts)) if names.get(b, 0) < name_limit} \
        if texts else set()
    mine = set(codes)
    weights = weights or {}
    topical = [(th, sum(weights.get(c, 1) for c in mine & set(th.codes))) for th in themes
               if mine & set(th.codes) and th.patterns]
    best, best_key = None, None
    for (text, dim, score), g in zip(zip(qs["text"], qs["dimension"], qs["score"]), grams):
        if dim not in dimensions:
            continue
        text = str(text)
        strength = sum(n for th, n in topical if _mentions(text, th))
        strength += sum(1 for b in g if b in wanted and df[b] < limit)
        if not strength:
            continue
        key = (strength, -float(score))
        if best_key is None or key > best_key:
            best, best_key = (text, float(score), str(dim)), key
    return best


def _mentions(text: str, theme) -> bool:
    """Whether a question's text is about a residents' theme (its patterns, not its exclusions)."""
    return theme.mentioned_in(text)


def compose_report(ctx: ComposeContext) -> Document:
    return ReportComposer(ctx).compose()


# the codes in hot_issues' weak_indicators ("STYJ-01 名称（短板）;…"): runs without ; ( or space,
# half or full width (the full-width forms are the ASCII ones + 0xFEE0)
_CODE_TOKEN = re.compile(r"[^;(\s" + "".join(chr(ord(c) + 0xFEE0) for c in ";(") + "]+")
