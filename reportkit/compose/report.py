"""The city self-check report (城市自体检报告) as one Document.

Structure: cover · contents · 总体情况 · 总体评价 · one chapter per dimension ·
社会满意度调查 · 主要问题 · 体检结果与策略建议一览表 (landscape) · 落实跟踪 ·
appendices (indicator table, scoring method, data sources).  Wording comes from
templates/report.toml and templates/report/*.md; numbers from Scores/SurveyResult.
"""
from __future__ import annotations

from pathlib import Path

from ..charts import ChartSpec
from ..document import Block, Box, Cell, Cover, Document, Meta, Section, Span, Toc
from ..load.narratives import Narrative
from ..narrative import markdown_blocks, render_expressions
from ..theme import find_template
from ..vocab import GOOD, NODATA, NOREF, SHORT, TRACKING_STATUSES, WARN
from .context import ComposeContext
from .keys import safe_name
from .towns import town_chart_terms


def wording(project_root: Path | None = None) -> dict:
    from ..wording import load_toml

    return load_toml("report.toml", project_root)


def _nan(x) -> bool:
    try:
        return x is None or x != x or str(x) == "<NA>"
    except TypeError:
        return True


def rating_cell(rating: str) -> Cell:
    return Cell((Span(rating),), align="center", role=f"rating-{rating}")


def trend_cell(trend: str, fmt) -> Cell:
    return Cell((Span(trend or fmt.dash),), align="center", role=f"trend-{trend}" if trend else None)


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
        rank = fmt.dash if _nan(r.rank) else f"{int(r.rank)}/{int(r.rank_of)}"
        cells.append(Cell((Span(rank),), align="center"))
    return cells


class ReportComposer:
    def __init__(self, ctx: ComposeContext):
        self.ctx = ctx
        self.w = wording(ctx.project.root)
        self.p = ctx.project
        self.s = ctx.scores
        self.settings = ctx.project.settings

    # -- helpers -------------------------------------------------------------------
    def say(self, template: str, **extra) -> str:
        return self.ctx.render(template, **extra)

    def md(self, text: str) -> list[Block]:
        return self.ctx.number_headings(markdown_blocks(text, self.ctx.problems, None, base_level=2))

    def template_md(self, name: str, **extra) -> list[Block]:
        path = find_template(f"report/{name}", self.p.root)
        n = Narrative(path, f"templates/report/{name}", name, 0, path.read_text(encoding="utf-8"), 1)
        return self.md(render_expressions(n, self.ctx.narr, extra) or "")

    # -- document ------------------------------------------------------------------
    def compose(self) -> Document:
        st = self.settings
        w = self.w
        date = st.date or f"{st.year + 1}年"
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
        blocks += self.tracking()
        blocks += self.appendices()
        meta = Meta(title=st.title, author=st.organisation, subject=f"{st.city}{st.year}年城市体检",
                    keywords=("城市体检", st.city, str(st.year)), header=st.title, demo=st.demo)
        doc = Document(meta, tuple(blocks), "report")
        return self.ctx.resolve(doc)

    def overview(self) -> list[Block]:
        ctx, w, p = self.ctx, self.w["overview"], self.p
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["overview"])]
        if self.settings.demo:
            out.append(Box((ctx.para(self.w["cover"]["demo_notice"], "note"),), "示例数据", "warning"))
        out += ctx.narrative(section="overview")
        t = self.s.table
        cats = p.categories
        composition = "+".join(str(int((t["category"] == c).sum())) for c in cats)
        composition = f"“{composition}”：" + "、".join(f"{c} {int((t['category'] == c).sum())} 项" for c in cats)
        out.append(ctx.heading(2, w["system_heading"]))
        out.append(ctx.para(self.say(w["system"], composition=composition,
                                     dimension_list="、".join(p.dimensions))))
        rows = []
        for d in p.dimensions:
            sub = t[t["dimension"] == d]
            rows.append([d] + [str(int((sub["category"] == c).sum())) for c in cats] + [str(len(sub)),
                                                                                        str(int(sub["key"].sum()))])
        rows.append(["合计"] + [str(int((t["category"] == c).sum())) for c in cats] + [str(len(t)), str(int(t["key"].sum()))])
        out.append(ctx.table(w["system_table"], ["维度", *cats, "合计", "其中重点指标"], rows,
                             align=("left",) + ("center",) * (len(cats) + 2), key="indicator-system"))
        out.append(ctx.heading(2, w["collection_heading"]))
        methods = t["method"].replace("", "未注明").value_counts()
        sub_n = len(p.sub_indicators) if p.sub_indicators is not None else 0
        filers = set(p.areas["filer"]) if "filer" in p.areas.columns else set()
        depts = int((~p.departments["id"].isin(filers)).sum())   # town governments are counted as towns
        out.append(ctx.para(self.say(
            w["collection"], departments=depts, towns=len(p.towns), sub_indicators=sub_n,
            methods="、".join(f"{m} {n} 项" for m, n in methods.items()))))
        out.append(ctx.heading(2, w["survey_heading"]))
        out.append(ctx.para(self.say(w["survey"]) if ctx.survey is not None else w["no_survey"]))
        return out

    def evaluation(self) -> list[Block]:
        ctx, w = self.ctx, self.w["evaluation"]
        d = self.s.dimensions
        t = self.s.table
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["evaluation"])]
        out += ctx.narrative(section="evaluation")
        out.append(ctx.heading(2, w["scores_heading"]))
        scored = d.dropna(subset=["score"])
        counts = t["rating"].value_counts()
        other = ""
        extra = [(NODATA, int(counts.get(NODATA, 0))), (NOREF, int(counts.get(NOREF, 0)))]
        if any(n for _, n in extra):
            other = "，" + "、".join(f"{k} {n} 项" for k, n in extra if n)
        if len(scored):
            best = scored.loc[scored["score"].idxmax()]
            worst = scored.loc[scored["score"].idxmin()]
            out.append(ctx.para(self.say(w["scores"], best=best["dimension"], best_score=ctx.fmt.score(best["score"]),
                                         worst=worst["dimension"], worst_score=ctx.fmt.score(worst["score"]),
                                         good=int(counts.get(GOOD, 0)), warn=int(counts.get(WARN, 0)),
                                         short=int(counts.get(SHORT, 0)), other=other)))
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
        out.append(ctx.table(w["table_caption"], ["维度", "得分", "指标数", GOOD, WARN, SHORT, "无数据/无参照"],
                             rows, align=("left",) + ("center",) * 6, key="dimension-scores"))
        out.append(ctx.heading(2, w["strengths_heading"]))
        strong = t[(t["rating"] == GOOD) & (t["trend"] == "改善")]
        weak = t[t["rating"] == SHORT]
        out.append(ctx.para((Span(w["strengths"], bold=True),
                             Span(("、".join(strong["name"]) or w["none"]) + "。"))))
        out.append(ctx.para((Span(w["shortfalls"], bold=True),
                             Span(("、".join(weak["name"]) or w["none"]) + "。"))))
        return out

    def dimension(self, dim: str) -> list[Block]:
        ctx, w = self.ctx, self.w["dimension"]
        t = self.s.table[self.s.table["dimension"] == dim]
        out: list[Block] = [ctx.heading(1, dim)]
        out += ctx.narrative(dimension=dim)
        out.append(ctx.heading(2, w["table_heading"]))
        rows = [[Cell((Span(r.code),), align="center"), *indicator_row_cells(ctx, r)] for r in t.itertuples()]
        out.append(ctx.table(self.say(w["table_caption"], name=dim),
                             ["编号", "指标名称", "单位", "数值", "参照值", "参照类型", "评价", "趋势", "对标排名"],
                             rows, widths=(1.4, 3.2, 1.3, 1.1, 1.1, 1.5, 0.9, 0.9, 1.0),
                             size="small", key=f"indicators/{dim}"))
        keys = t[t["key"]]
        out.append(ctx.heading(2, w["key_heading"]))
        if keys.empty:
            out.append(ctx.para(w["no_key"]))
        for r in keys.itertuples():
            out += self.key_indicator(r)
        return out

    def key_indicator(self, r) -> list[Block]:
        ctx, w, st = self.ctx, self.w["dimension"], self.settings
        out: list[Block] = [ctx.heading(3, r.name)]
        view = ctx.narr.indicator(r.code)
        text = self.say(w["key_text"], i=view)
        if r.progress:
            text += self.say(w["progress_text"], i=view, target_year=int(r.target_year) if not _nan(r.target_year) else "")
        out.append(ctx.para(text))
        labels = ctx.theme.data["labels"]["reference_kind"]
        h = self.s.history[self.s.history["code"] == r.code]
        years = sorted(set(int(y) for y in self.p.values["year"].dropna().unique()) | {st.year})
        years = [y for y in years if y <= st.year]
        by_year = dict(zip(h["year"].astype(int), h["value"]))
        ref = None if _nan(r.reference) else float(r.reference)
        trend = {"indicator": r.name, "area": self.s.city, "unit": r.unit, "years": years,
                 "values": [None if _nan(by_year.get(y)) else float(by_year[y]) for y in years],
                 "reference": ref, "reference_label": labels.get(r.reference_kind, ""), "direction": r.direction,
                 "decimals": ctx.fmt.decimals_of(r.code)}
        out.append(ctx.figure(ChartSpec("trend", f"trend-{safe_name(r.code)}", trend),
                              self.say(w["trend_caption"], name=r.name), key=f"trend/{r.code}"))
        peers = self.s.peers[self.s.peers["code"] == r.code]
        if (peers["area"] != self.s.city).any():
            order = [self.s.city] + [a for a in self.p.peers]
            vals = dict(zip(peers["area"], peers["value"]))
            data = {"indicator": r.name, "unit": r.unit, "year": st.year, "areas": order,
                    "values": [None if _nan(vals.get(a)) else float(vals[a]) for a in order],
                    "city": self.s.city, "reference": ref, "reference_label": labels.get(r.reference_kind, ""),
                    "direction": r.direction, "decimals": ctx.fmt.decimals_of(r.code)}
            out.append(ctx.figure(ChartSpec("peers", f"peers-{safe_name(r.code)}", data),
                                  self.say(w["peers_caption"], name=r.name), key=f"peers/{r.code}"))
        towns = self.s.towns[self.s.towns["code"] == r.code]
        if len(towns):
            # every town, those without a value as None: the chart names them under it
            vals = dict(zip(towns["area"], towns["value"]))
            order = list(towns["area"]) + [a for a in self.p.towns if a not in vals]
            data = {"indicator": r.name, "unit": r.unit, "year": st.year, "areas": order,
                    "values": [None if _nan(vals.get(a)) else float(vals[a]) for a in order], "city": self.s.city,
                    "city_value": None if _nan(r.value) else float(r.value), "reference": ref,
                    "reference_label": labels.get(r.reference_kind, ""), "direction": r.direction,
                    "decimals": ctx.fmt.decimals_of(r.code)}
            data.update(town_chart_terms(self.p, self.s, r.code, r.direction, order, ctx.theme))
            if self.p.geojson is not None:
                data["geojson"] = self.p.geojson
            out.append(ctx.figure(ChartSpec("towns", f"towns-{safe_name(r.code)}", data),
                                  self.say(w["towns_caption"], name=r.name), key=f"towns/{r.code}"))
        return out

    def problems(self) -> list[Block]:
        ctx, w = self.ctx, self.w["problems"]
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["problems"])]
        out += ctx.narrative(section="problems")
        t = self.s.table
        bad = t[t["rating"].isin([SHORT, WARN])].sort_values(["rating", "score"], key=lambda s: s.map({SHORT: 0, WARN: 1}) if s.name == "rating" else s)
        out.append(ctx.heading(2, w["heading"]))
        out.append(ctx.para(w["intro"]))
        rows = [[r.dimension, *indicator_row_cells(ctx, r, with_rank=False)[:2],
                 *indicator_row_cells(ctx, r, with_rank=False)[2:4], rating_cell(r.rating),
                 Cell((Span(ctx.fmt.score(r.score)),), align="center")] for r in bad.itertuples()]
        out.append(ctx.table(w["table_caption"], ["维度", "指标名称", "单位", "数值", "参照值", "评价", "得分"],
                             rows, widths=(1.2, 3.6, 1.3, 1.1, 1.1, 0.9, 0.9), size="small", key="shortfalls"))
        return out

    def free_chapters(self) -> list[Block]:
        out: list[Block] = []
        for n in self.ctx.free_narratives():
            out.append(self.ctx.heading(1, n.title))
            from ..narrative import render_narrative
            out += self.ctx.number_headings(render_narrative(n, self.ctx.narr))
        return out

    def recommendations(self) -> list[Block]:
        ctx, w = self.ctx, self.w["recommendations"]
        names = self.p.department_names
        ind_names = dict(zip(self.s.table["code"], self.s.table["name"]))
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["recommendations"])]
        out += ctx.narrative(section="recommendations")
        out.append(ctx.para(w["intro"]))
        rows = []
        for i, r in enumerate(self.p.recommendations.itertuples(), 1):
            rows.append([Cell((Span(r.id),), align="center"), r.problem,
                         "；".join(ind_names.get(c, c) for c in r.indicator_list), r.result, r.countermeasure,
                         r.action, names.get(r.lead, r.lead), "、".join(names.get(a, a) for a in r.assist_list)])
        table = ctx.table(w["caption"], w["columns"], rows, widths=(0.6, 1.6, 1.7, 2.4, 2.2, 2.4, 1.2, 1.5),
                          size="small", key="recommendations")
        out.append(table)
        return [Section(tuple(out), "landscape")]

    def tracking(self) -> list[Block]:
        tr = self.p.tracking
        if tr is None or tr.empty:
            return []
        ctx, w = self.ctx, self.w["tracking"]
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["tracking"])]
        out += ctx.narrative(section="tracking")
        counts = tr["status"].value_counts()
        total = len(self.p.recommendations)
        status_text = "、".join(f"{int(counts.get(s, 0))} 项{s}" for s in TRACKING_STATUSES)
        missing = total - len(tr)
        if missing > 0:
            status_text += f"、{missing} 项尚未反馈"
        out.append(ctx.para(self.say(w["intro"], total=total, status_text=status_text)))
        recs = self.p.recommendations.merge(tr[["id", "status"]], on="id", how="left")
        recs["status"] = recs["status"].fillna("未反馈")
        names = self.p.department_names
        leads = list(dict.fromkeys(recs["lead"]))
        statuses = list(TRACKING_STATUSES) + (["未反馈"] if missing > 0 else [])
        data = {"statuses": statuses, "counts": [int((recs["status"] == s).sum()) for s in statuses],
                "departments": [names.get(d, d) for d in leads],
                "by_department": {s: [int(((recs["lead"] == d) & (recs["status"] == s)).sum()) for d in leads]
                                  for s in statuses}}
        out.append(ctx.figure(ChartSpec("tracking", "tracking-status", data), w["caption"], key="tracking-status"))
        rows = [[names.get(d, d)] + [str(int(((recs["lead"] == d) & (recs["status"] == s)).sum())) for s in statuses]
                + [str(int((recs["lead"] == d).sum()))] for d in leads]
        out.append(ctx.table(w["dept_caption"], ["牵头部门", *statuses, "合计"], rows,
                             align=("left",) + ("center",) * (len(statuses) + 1), size="small", key="tracking"))
        return out

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
        table = ctx.table(w["indicators_caption"], w["indicators_columns"], rows,
                          widths=(1.4, 3.4, 1.1, 1.1, 1.3, 0.7, 1.0, 1.0, 1.4, 0.8, 0.8, 0.8), size="small",
                          key="appendix-indicators",
                          note=self.say(w["computed_note"], mark=mark) if t["computed"].any() and "computed_note" in w
                          else "")
        out: list[Block] = [Section((head, table), "landscape")]
        out.append(ctx.appendix(ch["appendix_method"]))
        sc = self.settings.scoring
        out += self.template_md("method.md", band=f"{sc.warning_band:g}", flat=fmt.pct(sc.flat_band, 0),
                                peers="、".join(self.p.peers) or "无", target_year=sc.target_year or "",
                                compare_gap=fmt.plain(self.settings.survey.compare_gap) if ctx.survey else "",
                                **self.computed_vars())
        out.append(ctx.appendix(ch["appendix_sources"]))
        methods = t["method"].replace("", "未注明").value_counts()
        rows = [[m, str(int(n)), fmt.pct(n / len(t))] for m, n in methods.items()]
        out.append(ctx.table(w["sources_caption"], w["sources_columns"], rows, align=("left", "center", "center"),
                             key="appendix-methods"))
        src = t[t["source"] != ""]
        if len(src):
            rows = [[r.code, r.name, r.method or fmt.dash, r.source] for r in src.itertuples()]
            out.append(ctx.table(w["sources_list_caption"], w["sources_list_columns"], rows,
                                 widths=(1.1, 4.0, 1.0, 3.0), size="small", key="appendix-sources"))
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
    return {"computed": computed, "computed_count": len(computed), "summed": "、".join(summed),
            "mark": self.w["appendix"].get("computed_mark", "")}


ReportComposer.computed_vars = _computed_vars


def compose_report(ctx: ComposeContext) -> Document:
    return ReportComposer(ctx).compose()
