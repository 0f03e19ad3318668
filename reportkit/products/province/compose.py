"""The provincial summary (省级城市体检汇总报告) as one Document.

Structure: cover · contents · 总体情况 (coverage, indicator system) · 共有指标评价
(distribution against the provincial standard) · 共性问题 · 维度得分与分组排名 ·
区域特征 · 社会满意度比较 · 策略建议落实跟踪 · the provincial team's own chapters ·
annexes (a one-page profile of every city, method, the cities' own indicators).
Wording comes from templates/province.toml; numbers from analyse.ProvinceResult.
"""
from __future__ import annotations

import math

import numpy as np

from ...fmt import document_date
from ...charts import ChartSpec
from ...compose.context import ComposeContext
from ...compose.keys import safe_name
from ...document import Block, Box, Cell, Cover, Document, Meta, PageBreak, Section, Span, Toc
from ...narrative import render_narrative
from ...vocab import GOOD, NODATA, SHORT, TRACKING_STATUSES, WARN
from .analyse import ProvinceResult


def _nan(x) -> bool:
    try:
        return x is None or x != x or str(x) == "<NA>"
    except TypeError:
        return True


def rating_cell(text: str, rating: str | None, align: str = "center") -> Cell:
    return Cell((Span(text),), align=align, role=f"rating-{rating}" if rating else None)


class ProvinceComposer:
    def __init__(self, ctx: ComposeContext, result: ProvinceResult, wording: dict, narratives: list):
        self.ctx, self.r, self.w = ctx, result, wording
        self.p = result.province
        self.fmt = ctx.fmt
        self.narratives = narratives
        self.join = wording["report"]["joiner"]

    # -- helpers -------------------------------------------------------------------
    def say(self, template: str, **extra) -> str:
        return self.ctx.render(template, **extra)

    def names(self, items) -> str:
        return self.join.join(str(x) for x in items)

    def section_narratives(self, section: str | None) -> list[Block]:
        out: list[Block] = []
        for n in self.narratives:
            if n.section == section:
                out += self.ctx.number_headings(render_narrative(n, self.ctx.narr, base_level=2))
        return out

    def not_built(self, c) -> dict:
        """What the report says about a city it could not summarise, in reader words: the
        number of problems only (the problems themselves are in OUT/batch.csv)."""
        return {"missing": c.status == "missing", "n": int(c.errors or 0)}

    def kinds(self, city: str) -> dict:
        """How many of a city's indicators are shared (compared across the province) and
        how many are its own (特色): {shared, specific}."""
        return {"shared": sum(1 for s in self.r.shared if city in s.cities),
                "specific": int((self.r.specific["city"] == city).sum()) if len(self.r.specific) else 0}

    def num(self, x, d=1) -> str:
        return self.fmt.num(x, d)

    # -- document ------------------------------------------------------------------
    def compose(self) -> Document:
        p, w = self.p, self.w["report"]
        date = p.date or self.say(w["date"])
        lines = tuple(self.say(x, organisation=p.organisation, date=date) for x in w["cover_lines"])
        demo = p.demo or any(c.entry.demo for c in self.r.cities)
        blocks: list[Block] = [Cover(p.title, p.subtitle, lines, w["badge"] if demo else "")]
        blocks.append(Toc(w["toc"], 2))
        blocks += self.overview(demo)
        blocks += self.indicators()
        blocks += self.problems()
        blocks += self.ranking()
        blocks += self.regions()
        blocks += self.survey()
        blocks += self.tracking()
        for n in self.narratives:
            if n.section is None:
                blocks.append(self.ctx.heading(1, n.title))
                blocks += self.ctx.number_headings(render_narrative(n, self.ctx.narr))
        blocks += self.profiles()
        blocks += self.method()
        blocks += self.specific()
        meta = Meta(title=p.title, author=p.organisation, subject=self.say(w["subject"]),
                    keywords=tuple(w["keywords"]) + (p.name, str(p.year)), header=p.title, demo=demo,
                    date=document_date(date, p.year))
        return self.ctx.resolve(Document(meta, tuple(blocks), "report"))

    # -- 总体情况 ---------------------------------------------------------------------
    def overview(self, demo: bool) -> list[Block]:
        ctx, w, r = self.ctx, self.w["overview"], self.r
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["overview"])]
        if demo:
            out.append(Box((ctx.para(self.w["report"]["demo_notice"], "note"),), self.w["report"]["badge"],
                           "warning"))
        out += self.section_narratives("province")
        out.append(ctx.heading(2, w["scope_heading"]))
        text = self.say(w["scope"])
        if r.failed:
            text += self.say(w["scope_failed"])
        out.append(ctx.para(text))
        rows = []
        labels = self.w["labels"]
        for cov, c in zip(r.coverage.itertuples(), r.cities):
            if c.built:
                status = rating_cell(labels["status_ok"], GOOD)
                note = "" if cov.rankable else w["low_completeness"]
                k = self.kinds(cov.city)
                rows.append([cov.city, cov.group, status, str(k["shared"]), str(k["specific"]), str(cov.with_data),
                             rating_cell(self.fmt.pct(cov.completeness), None if cov.rankable else WARN),
                             self.fmt.int(cov.valid) if cov.valid is not None else self.fmt.dash, note])
            else:
                note = self.say(w["failed_reason"], **self.not_built(c))
                rows.append([cov.city, cov.group, rating_cell(labels["status_failed"], SHORT), self.fmt.dash,
                             self.fmt.dash, self.fmt.dash, self.fmt.dash, self.fmt.dash,
                             Cell((Span(note),), align="left")])
        out.append(ctx.table(w["coverage_table"], w["coverage_columns"], rows,
                             widths=(1.0, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.0, 2.6),
                             align=("left",) + ("center",) * 7 + ("left",),
                             size="small", key="coverage",
                             note=self.say(w["coverage_note"], n_shared=len(r.shared))))
        out.append(ctx.heading(2, w["system_heading"]))
        dims = r.dimension_names
        out.append(ctx.para(self.say(w["system"], dimensions=self.names(dims), n_dims=len(dims))))
        median_ref = [s.name for s in r.shared if s.reference_kind == "median"]
        notes = []
        if median_ref:
            notes.append(self.say(w["median_reference"], names=self.names(median_ref)))
        differ = [s.name for s in r.shared if s.standards_differ]
        if differ:
            notes.append(self.say(w["standards_differ"], names=self.names(differ)))
        for s in r.shared:
            for city in s.left_out:
                notes.append(self.say(w["left_out"], city=city, name=s.name))
        if notes:
            out.append(ctx.para("".join(notes), "note"))
        return out

    # -- 共有指标评价 -------------------------------------------------------------------
    def indicators(self) -> list[Block]:
        ctx, w, r = self.ctx, self.w["indicators"], self.r
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["indicators"])]
        out += self.section_narratives("indicators")
        if not r.shared:
            return out
        out.append(ctx.heading(2, w["summary_heading"]))
        shares = []
        for s in r.shared:
            rated = [x for x in s.province_ratings.values() if x in (GOOD, WARN, SHORT)]
            shares.append((sum(1 for x in rated if x == GOOD) / len(rated)) if rated else math.nan)
        ok = [(s, v) for s, v in zip(r.shared, shares) if not _nan(v)]
        if ok:
            best = max(ok, key=lambda x: x[1])
            worst = min(ok, key=lambda x: x[1])
            out.append(ctx.para(self.say(w["summary"], n=len(r.shared), best=best[0].name,
                                         best_share=self.fmt.pct(best[1]), worst=worst[0].name,
                                         worst_share=self.fmt.pct(worst[1]))))
        rows = []
        for s in r.shared:
            d = s.decimals
            cnt = {k: sum(1 for x in s.province_ratings.values() if x == k) for k in (GOOD, WARN, SHORT)}
            rows.append([Cell((Span(s.code),), align="center"), s.name, Cell((Span(s.unit),), align="center"),
                         self.num(s.standard, d), str(s.n), self.num(s.stat(min), d), self.num(s.stat(np.median), d),
                         self.num(s.stat(max), d), rating_cell(str(cnt[GOOD]), GOOD if cnt[GOOD] else None),
                         rating_cell(str(cnt[WARN]), WARN if cnt[WARN] else None),
                         rating_cell(str(cnt[SHORT]), SHORT if cnt[SHORT] else None)])
        out.append(ctx.table(w["summary_table"], w["summary_columns"], rows,
                             widths=(1.1, 3.2, 1.4, 1.0, 0.9, 1.0, 1.0, 1.0, 0.9, 0.9, 0.9),
                             align=("center", "left") + ("center",) * 9, size="small", key="shared-summary",
                             note=w["summary_note"]))
        out.append(ctx.heading(2, w["distribution_heading"]))
        out.append(ctx.para(w["distribution"]))
        for dim in r.dimension_names:
            items = [s for s in r.shared if s.dimension == dim]
            if items:
                out.append(self.strip(dim, items))
        out += self.value_tables()
        keys = [s for s in r.shared if s.key]
        if keys:
            out.append(ctx.heading(2, w["key_heading"]))
            for s in keys:
                out += self.key_indicator(s)
        return out

    def strip(self, dim: str, items) -> Block:
        w, r = self.w["indicators"], self.r
        cities = [c.name for c in r.built]
        values, roles, alts = [], [], []
        for s in items:
            values.append([None if _nan(s.attainment.get(c)) else round(float(s.attainment[c]), 3) for c in cities])
            roles.append([f"rating-{s.province_ratings[c]}" if c in s.province_ratings else None for c in cities])
            below = sum(1 for x in s.province_ratings.values() if x in (WARN, SHORT))
            alts.append(self.say(w["strip_alt_row"], name=s.name, cities=s.n,
                                 median=self.num(s.stat(np.median), s.decimals), unit=s.unit, below=below))
        alt = self.say(w["strip_alt"], dimension=dim, n=len(items), rows=alts)
        data = {"rows": [s.name for s in items], "values": values, "roles": roles, "reference": 100,
                "reference_label": w["strip_reference"], "band": 90, "band_label": w["strip_band"],
                "axis_label": w["strip_axis"], "clip": [40, 180],
                "legend": [[f"rating-{x}", x] for x in (GOOD, WARN, SHORT)], "alt": alt}
        return self.ctx.figure(ChartSpec("strip", f"province-strip-{len(self.ctx.specs) + 1:02d}", data),
                               self.say(w["strip_caption"], dimension=dim), key=f"distribution/{dim}")

    def value_tables(self) -> list[Block]:
        """Per dimension: cities down, indicators across, each value coloured by its rating."""
        ctx, w, r = self.ctx, self.w["indicators"], self.r
        blocks: list[Block] = [ctx.heading(2, w["values_heading"])]
        for dim in r.dimension_names:
            items = [s for s in r.shared if s.dimension == dim]
            if not items:
                continue
            header = [self.w["ranking"]["group_city"]] + [self.say(w["values_header"], name=s.name, unit=s.unit)
                                                          for s in items]
            rows = [[w["standard_row"]] + [Cell((Span(self.num(s.standard, s.decimals)),), align="center", bold=True)
                                           for s in items]]
            for c in r.built:
                row = [c.name]
                for s in items:
                    v = s.values.get(c.name)
                    if c.name not in s.values:
                        row.append(Cell((Span(self.fmt.dash),), align="center"))
                    else:
                        rating = s.province_ratings.get(c.name)
                        row.append(rating_cell(self.num(v, s.decimals),
                                               rating if rating in (GOOD, WARN, SHORT) else None))
                rows.append(row)
            n = len(items)
            blocks.append(ctx.table(self.say(w["values_caption"], dimension=dim), header, rows,
                                    widths=(1.3,) + (1.5,) * n, align=("left",) + ("center",) * n, size="small",
                                    key=f"values/{dim}", note=w["values_note"]))
        return [Section(tuple(blocks), "landscape")]

    def key_indicator(self, s) -> list[Block]:
        ctx, w = self.ctx, self.w["indicators"]
        have = [(c, v) for c, v in s.attainment.items() if not _nan(v)]
        best = max(have, key=lambda x: x[1])[0] if have else self.fmt.dash
        worst = min(have, key=lambda x: x[1])[0] if have else self.fmt.dash
        cnt = {k: sum(1 for x in s.province_ratings.values() if x == k) for k in (GOOD, SHORT)}
        out: list[Block] = [ctx.heading(3, s.name)]
        out.append(ctx.para(self.say(w["key"], name=s.name, median=self.num(s.stat(np.median), s.decimals),
                                     unit=s.unit, standard=self.num(s.standard, s.decimals), cities=s.n,
                                     good=cnt[GOOD], short=cnt[SHORT], best=best, worst=worst)))
        order = sorted(s.cities, key=lambda c: (_nan(s.attainment.get(c)), -(s.attainment.get(c) or 0)))
        data = {"labels": order, "values": [None if _nan(s.values[c]) else float(s.values[c]) for c in order],
                "unit": s.unit, "axis_label": s.name, "orientation": "h",
                "colors": [f"rating-{s.province_ratings[c]}" for c in order],
                "reference": None if _nan(s.standard) else float(s.standard),
                "reference_label": w["key_reference"], "decimals": s.decimals, "missing_label": w["key_missing"]}
        out.append(ctx.figure(ChartSpec("bars", f"province-key-{safe_name(s.code)}", data),
                              self.say(w["key_caption"], name=s.name), key=f"key/{s.code}"))
        return out

    # -- 共性问题 ---------------------------------------------------------------------
    def problems(self) -> list[Block]:
        ctx, w, r = self.ctx, self.w["problems"], self.r
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["problems"])]
        out += self.section_narratives("problems")
        common = r.common[r.common["common"]]
        if len(common):
            out.append(ctx.para(self.say(w["intro"], n=len(common), names=self.names(common["name"]))))
            rows = [[Cell((Span(c.code),), align="center"), c.name, c.dimension, str(c.rated),
                     rating_cell(str(c.short), SHORT), str(c.warning), self.fmt.pct(c.share_short),
                     Cell((Span(self.names(c.short_cities)),), align="left")] for c in common.itertuples()]
            out.append(ctx.table(w["table"], w["columns"], rows, widths=(1.0, 2.8, 1.2, 0.9, 0.7, 0.7, 0.9, 4.0),
                                 align=("center", "left", "left", "center", "center", "center", "center", "left"),
                                 size="small", key="common-problems", note=w["note"]))
        else:
            out.append(ctx.para(w["intro_none"]))
        shown = r.common.dropna(subset=["share_short"])
        if len(shown):
            data = {"labels": list(shown["name"]), "values": [round(float(x) * 100, 1) for x in shown["share_short"]],
                    "unit": "%", "axis_label": w["chart_axis"], "orientation": "h", "max": 100,
                    "colors": [f"rating-{SHORT}" if c else "primary" for c in shown["common"]],
                    "reference": 50, "reference_label": w["chart_reference"], "decimals": 1}
            out.append(ctx.figure(ChartSpec("bars", "province-common", data), w["chart_caption"],
                                  key="common-share"))
        return out

    # -- 维度得分与分组排名 ---------------------------------------------------------------
    def ranking(self) -> list[Block]:
        ctx, w, r = self.ctx, self.w["ranking"], self.r
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["ranking"])]
        out += self.section_narratives("ranking")
        text = w["intro"]
        unranked = [c for c in r.coverage.itertuples() if c.status == "ok" and not c.rankable]
        if unranked:
            text += self.say(w["unranked"], cities=self.names(c.city for c in unranked))
        out.append(ctx.para(text))
        if not _nan(r.gap):
            out.append(ctx.para(self.say(w["significance"], gap=self.fmt.score(r.gap),
                                         gap_overall=self.fmt.score(r.gap_overall))))
        dims = r.dimension_names
        groups = [g for g in self.p.group_names if any(c.entry.group == g for c in r.built)]
        rows_order, sections, values = [], [], []
        for g in groups:
            members = [c.name for c in r.built if c.entry.group == g]
            sections.append([g, len(members)])
            for city in members:
                rows_order.append(city)
                sub = r.dimensions[r.dimensions["city"] == city].set_index("dimension")["score"]
                values.append([None if _nan(sub.get(d)) else round(float(sub[d]), 1) for d in dims])
        if rows_order and dims:
            data = {"columns": dims, "rows": rows_order, "values": values, "decimals": 1,
                    "unit": self.w["report"]["score_unit"],
                    "missing_label": w["heatmap_missing"]}
            if len(groups) > 1:
                data["sections"] = sections
            out.append(ctx.figure(ChartSpec("heatmap", "province-dimensions", data), w["heatmap_caption"],
                                  key="dimension-heatmap"))
        for g in groups:
            out += self.group_table(g, dims)
        return out

    def group_tiers(self, group: str) -> dict:
        """city -> tier of the group's ranked cities, by the composite score (analyse.tiers)."""
        from .analyse import tiers

        ov = self.r.overall
        ranked = ov[(ov["group"] == group) & ov["rank_in_group"].notna()]
        return tiers(dict(zip(ranked["city"], ranked["score"])), self.r.gap_overall)

    def group_table(self, group: str, dims: list[str]) -> list[Block]:
        from ...fmt import chinese_numeral

        ctx, w, r = self.ctx, self.w["ranking"], self.r
        members = [c.name for c in r.built if c.entry.group == group]
        d = r.dimensions
        ov = r.overall.set_index("city")
        order = sorted(members, key=lambda c: (_nan(ov.loc[c, "rank_in_group"]),
                                               ov.loc[c, "rank_in_group"] if not _nan(ov.loc[c, "rank_in_group"]) else 0,
                                               -(ov.loc[c, "score"] if not _nan(ov.loc[c, "score"]) else 0)))
        tier = self.group_tiers(group)
        n_tiers = max(tier.values(), default=0)
        rows = []

        def cell(score, rank):
            return Cell((Span(self.say(w["cell"], score=self.fmt.score(score),
                                       rank=self.fmt.dash if _nan(rank) else int(rank))),), align="center")

        for c in order:
            sub = d[d["city"] == c].set_index("dimension")
            row = [c]
            for dim in dims:
                if dim in sub.index:
                    row.append(cell(sub.loc[dim, "score"], sub.loc[dim, "rank_in_group"]))
                else:
                    row.append(Cell((Span(self.fmt.dash),), align="center"))
            row.append(cell(ov.loc[c, "score"], ov.loc[c, "rank_in_group"]))
            row.append(Cell((Span(self.say(w["tier_cell"], k=chinese_numeral(tier[c])) if c in tier
                                  else self.fmt.dash),), align="center"))
            rows.append(row)
        out: list[Block] = [ctx.heading(2, group)]
        ranked = [(c, shown) for c in order if c in tier for shown in [ov.loc[c, "score"]]]
        unranked = [c for c in members if c not in tier]
        failed = [c.name for c in r.failed if c.entry.group == group]
        if ranked:
            best, worst = ranked[0], ranked[-1]
            tier_list = [self.say(w["tier_item"], k=chinese_numeral(k),
                                  cities=self.names(c for c, _ in ranked if tier[c] == k))
                         for k in range(1, n_tiers + 1)]
            out.append(ctx.para(self.say(
                w["group_text"], group=group, total=len(members) + len(failed), n=len(ranked), best=best[0],
                best_score=self.fmt.score(best[1]), worst=worst[0], worst_score=self.fmt.score(worst[1]),
                unranked=self.names(unranked), failed=self.names(failed), n_tiers=n_tiers,
                tiers=tier_list, gap=self.fmt.score(r.gap_overall))))
        n = len(dims) + 2
        out.append(ctx.table(self.say(w["group_table"], group=group),
                             [w["group_city"], *dims, w["overall"], w["tier"]], rows,
                             widths=(1.3,) + (1.3,) * (n - 1) + (0.9,), align=("left",) + ("center",) * n,
                             size="small", key=f"ranking/{group}",
                             note=self.say(w["group_note"], gap=self.fmt.score(r.gap_overall))))
        return out

    # -- 区域特征 ---------------------------------------------------------------------
    def regions(self) -> list[Block]:
        r = self.r
        if not self.p.regions or r.region_summary.empty:
            return []
        ctx, w = self.ctx, self.w["regions"]
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["regions"])]
        out += self.section_narratives("regions")
        summ = r.region_summary
        out.append(ctx.para(self.say(w["intro"], names=self.names(summ["region"]), n=len(summ))))
        scored = summ.dropna(subset=["score"])
        if len(scored) > 1:
            best = scored.loc[scored["score"].idxmax()]
            worst = scored.loc[scored["score"].idxmin()]
            sh = summ.dropna(subset=["short_share"])
            most = sh.loc[sh["short_share"].idxmax()] if len(sh) else None
            sat = summ.dropna(subset=["satisfaction"])
            bsat = sat.loc[sat["satisfaction"].idxmax()] if len(sat) else None
            out.append(ctx.para(self.say(
                w["text"], best=best["region"], best_score=self.fmt.score(best["score"]), worst=worst["region"],
                worst_score=self.fmt.score(worst["score"]),
                most_short=most["region"] if most is not None else self.fmt.dash,
                most_short_share=self.fmt.pct(most["short_share"]) if most is not None else self.fmt.dash,
                best_sat=bsat["region"] if bsat is not None else self.fmt.dash,
                best_sat_score=self.fmt.score(bsat["satisfaction"]) if bsat is not None else self.fmt.dash)))
        dims = r.dimension_names
        values = []
        for reg in summ["region"]:
            sub = r.regions[r.regions["region"] == reg].set_index("dimension")["score"]
            row = [None if _nan(sub.get(d)) else round(float(sub[d]), 1) for d in dims]
            o = summ.loc[summ["region"] == reg, "score"].iloc[0]
            values.append(row + [None if _nan(o) else round(float(o), 1)])
        if dims:
            data = {"columns": dims + [w["overall"]], "rows": list(summ["region"]), "values": values, "decimals": 1,
                    "unit": self.w["report"]["score_unit"], "missing_label": self.w["ranking"]["heatmap_missing"]}
            out.append(ctx.figure(ChartSpec("heatmap", "province-regions", data), w["heatmap_caption"],
                                  key="region-heatmap", width=0.8))
        rows = [[x.region, str(x.cities), str(x.built), self.fmt.score(x.score), self.fmt.pct(x.short_share),
                 self.fmt.score(x.satisfaction)] for x in summ.itertuples()]
        out.append(ctx.table(w["table"], w["columns"], rows, align=("left",) + ("center",) * 5, key="regions"))
        return out

    # -- 社会满意度比较 -------------------------------------------------------------------
    def survey(self) -> list[Block]:
        ctx, w, r = self.ctx, self.w["survey"], self.r
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["survey"])]
        out += self.section_narratives("survey")
        sat = r.satisfaction.dropna(subset=["overall"]) if len(r.satisfaction) else r.satisfaction
        if sat is None or not len(sat):
            out.append(ctx.para(w["none"]))
            return out
        best = sat.loc[sat["overall"].astype(float).idxmax()]
        worst = sat.loc[sat["overall"].astype(float).idxmin()]
        mean = float(sat["overall"].astype(float).mean())
        out.append(ctx.para(self.say(w["intro"], n=len(sat), collected=self.fmt.int(sat["collected"].sum()),
                                     valid=self.fmt.int(sat["valid"].sum()), best=best["city"],
                                     best_score=self.fmt.score(best["overall"]), worst=worst["city"],
                                     worst_score=self.fmt.score(worst["overall"]), mean=self.fmt.score(mean))))
        order = sat.sort_values("overall", ascending=False, kind="stable")
        data = {"labels": list(order["city"]), "values": [round(float(x), 2) for x in order["overall"]],
                "unit": w["chart_unit"], "axis_label": w["chart_axis"], "orientation": "h", "max": 100,
                "reference": round(mean, 2), "reference_label": w["chart_reference"], "decimals": 1}
        out.append(ctx.figure(ChartSpec("bars", "province-satisfaction", data), w["chart_caption"],
                              key="satisfaction"))
        dims = r.survey_dimensions
        rows = []
        for x in order.itertuples(index=False):
            row = dict(zip(order.columns, x))
            rows.append([row["city"], self.fmt.int(row["valid"]), self.fmt.score(row["overall"])]
                        + [self.fmt.score(row.get(f"dim:{d}")) for d in dims])
        n = len(dims) + 2
        out.append(ctx.table(w["table"], list(w["columns"]) + dims, rows, widths=(1.3,) + (1.1,) * n,
                             align=("left",) + ("center",) * n, size="small", key="satisfaction-table",
                             note=w["note"]))
        return out

    # -- 策略建议落实跟踪 ---------------------------------------------------------------
    def tracking(self) -> list[Block]:
        ctx, w, r = self.ctx, self.w["tracking"], self.r
        f = r.follow_up
        if not len(f) or int(f["recommendations"].sum()) == 0:
            return []
        out: list[Block] = [ctx.heading(1, self.w["chapters"]["tracking"])]
        out += self.section_narratives("tracking")
        un = w["unreported"]
        statuses = list(TRACKING_STATUSES) + [un]
        total = int(f["recommendations"].sum())
        reported = total - int(f[un].sum())
        done = int(f[TRACKING_STATUSES[0]].sum())
        text = self.say(w["intro"], total=total, reported=reported, done=done, done_share=self.fmt.pct(done / total))
        laggards = [x["city"] for _, x in f.iterrows() if x["recommendations"] and x[un] == x["recommendations"]]
        if laggards:
            text += self.say(w["laggards"], cities=self.names(laggards))
        out.append(ctx.para(text))
        data = {"statuses": statuses, "counts": [int(f[s].sum()) for s in statuses],
                "departments": list(f["city"]), "by_department": {s: [int(x) for x in f[s]] for s in statuses}}
        out.append(ctx.figure(ChartSpec("tracking", "province-tracking", data), w["chart_caption"],
                              key="tracking-status"))
        rows = []
        for _, x in f.iterrows():
            n = int(x["recommendations"])
            rows.append([x["city"], str(n)] + [str(int(x[s])) for s in statuses]
                        + [self.fmt.pct(int(x[TRACKING_STATUSES[0]]) / n) if n else self.fmt.dash])
        k = len(statuses) + 2
        out.append(ctx.table(w["table"], [w["city"], w["total"], *statuses, w["done_share"]], rows,
                             widths=(1.3,) + (1.0,) * k, align=("left",) + ("center",) * k, size="small",
                             key="tracking"))
        return out

    # -- 附录 -------------------------------------------------------------------------
    def profiles(self) -> list[Block]:
        ctx, w, r = self.ctx, self.w["profile"], self.r
        out: list[Block] = [ctx.appendix(self.w["chapters"]["annex_profiles"])]
        dims = r.dimension_names
        med = {d: float(r.dimensions.loc[r.dimensions["dimension"] == d, "score"].median()) for d in dims}
        for i, c in enumerate(r.cities):
            if i:
                out.append(PageBreak())
            out += self.profile(c, dims, med)
        return out

    def profile(self, c, dims, med) -> list[Block]:
        ctx, w, r = self.ctx, self.w["profile"], self.r
        cov = r.coverage[r.coverage["city"] == c.name].iloc[0]
        out: list[Block] = [ctx.heading(2, c.name)]
        out.append(ctx.para(self.say(w["info"], group=c.entry.group,
                                     regions=self.names(c.entry.regions) or self.fmt.dash,
                                     completeness=self.fmt.pct(cov["completeness"])), "note"))
        if not c.built:
            out.append(ctx.para(self.say(w["failed"], city=c.name, **self.not_built(c))))
            return out
        t = c.scores
        counts = t["rating"].value_counts()
        ov = r.overall[r.overall["city"] == c.name].iloc[0]
        group_n = int(((r.overall["group"] == c.entry.group) & r.overall["rank_in_group"].notna()).sum())
        kw = dict(city=c.name, total=len(t), **self.kinds(c.name), good=int(counts.get(GOOD, 0)), warn=int(counts.get(WARN, 0)),
                  short=int(counts.get(SHORT, 0)), nodata=int(counts.get(NODATA, 0)),
                  score=self.fmt.score(ov["score"]), group=c.entry.group, group_n=group_n)
        if _nan(ov["rank_in_group"]):
            out.append(ctx.para(self.say(w["summary_unranked"], **kw)))
        else:
            from ...fmt import chinese_numeral

            tier = self.group_tiers(c.entry.group)
            same = [x for x in tier if tier[x] == tier[c.name] and x != c.name]
            out.append(ctx.para(self.say(w["summary"], rank=int(ov["rank_in_group"]),
                                         tier=chinese_numeral(tier[c.name]), n_tiers=max(tier.values()),
                                         same=self.names(same), **kw)))
        sub = r.dimensions[r.dimensions["city"] == c.name].set_index("dimension")
        if len(dims) >= 3:
            data = {"labels": dims, "values": [None if d not in sub.index or _nan(sub.loc[d, "score"])
                                               else round(float(sub.loc[d, "score"]), 1) for d in dims],
                    "series_name": w["radar_series"], "max": 100,
                    "compare": {"name": w["radar_compare"], "values": [round(med[d], 1) for d in dims]}}
            out.append(ctx.figure(ChartSpec("radar", f"province-profile-{len(self.ctx.specs) + 1:03d}", data,
                                            size=(14.0, 8.5)),
                                  self.say(w["radar_caption"], city=c.name), key=f"profile/{c.name}", width=0.72))
        rows = []
        for d in dims:
            if d not in sub.index:
                continue
            rk = sub.loc[d, "rank_in_group"]
            rows.append([d, self.fmt.score(sub.loc[d, "score"]), self.fmt.score(med[d]),
                         self.fmt.dash if _nan(rk) else str(int(rk))])
        out.append(ctx.table(self.say(w["table"], city=c.name), w["columns"], rows, align=("left",) + ("center",) * 3,
                             size="small", key=f"profile-table/{c.name}"))
        weak = t[t["rating"] == SHORT].sort_values("score", kind="stable").head(5)
        out.append(ctx.para((Span(w["shortfalls"], bold=True),
                             Span(self.say(w["shortfalls_list"], names=self.names(weak["name"]) or w["none"])))))
        if c.survey and c.survey.get("overall") is not None:
            out.append(ctx.para(self.say(w["survey"], overall=self.fmt.score(c.survey["overall"]),
                                         valid=self.fmt.int(c.survey.get("valid")))))
        else:
            out.append(ctx.para(w["no_survey"]))
        if c.recommendations:
            un = max(0, c.recommendations - sum(c.tracking.get(s, 0) for s in TRACKING_STATUSES))
            out.append(ctx.para(self.say(w["tracking"], total=c.recommendations,
                                         done=c.tracking.get(TRACKING_STATUSES[0], 0),
                                         research=c.tracking.get(TRACKING_STATUSES[1], 0),
                                         notyet=c.tracking.get(TRACKING_STATUSES[2], 0), unreported=un)))
        return out

    def method(self) -> list[Block]:
        out: list[Block] = [self.ctx.appendix(self.w["chapters"]["annex_method"])]
        gaps = dict(gap=self.fmt.score(self.r.gap), gap_overall=self.fmt.score(self.r.gap_overall),
                    has_gap=not _nan(self.r.gap))
        for head, text in self.w["method"]["paragraphs"]:
            out.append(self.ctx.para((Span(head, bold=True), Span(self.say(text, **gaps)))))
        return out

    def specific(self) -> list[Block]:
        ctx, w, r = self.ctx, self.w["specific"], self.r
        out: list[Block] = [ctx.appendix(self.w["chapters"]["annex_specific"])]
        if not len(r.specific):
            out.append(ctx.para(w["none"]))
            return out
        out.append(ctx.para(w["intro"]))
        rows = [[x.city, Cell((Span(x.code),), align="center"), x.name, Cell((Span(x.unit),), align="center"),
                 Cell((Span(self.fmt.value(x.value, x.unit)),), align="right"), rating_cell(x.rating, x.rating)]
                for x in r.specific.itertuples()]
        out.append(ctx.table(w["table"], w["columns"], rows, widths=(1.2, 1.3, 3.4, 1.0, 1.0, 0.9), size="small",
                             key="specific"))
        return out
