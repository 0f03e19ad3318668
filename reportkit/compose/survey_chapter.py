"""The report's satisfaction chapter (市民满意度调查).

Order: heading, the analysts' survey narrative, then sample and screening,
overall and dimension scores, group breakdowns (heatmap, local vs migrant,
town ranking), open-text concerns, objective vs subjective, hot issues.
Every fixed wording is in templates/survey.toml [chapter]; numbers are
formatted by ctx.fmt; small groups read 样本不足 and their sizes follow the
suppression rule of reportkit.score.survey.
"""
from __future__ import annotations

import math

import pandas as pd

from ..charts import ChartSpec
from ..charts import survey as _survey_charts  # noqa: F401  (registers heatmap, screening, keywords, dumbbell)
from ..document import Block, Cell, ListBlock, Paragraph, Quote, Span
from ..vocab import INSUFFICIENT, REJECT_RULES, SHORT
from .ties import extremes, join_names, printed

HEATMAP_GROUPS = ("hukou", "occupation", "age_group", "channel")   # towns have their own chart


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _shown_diff(fmt, a, b, decimals: int = 1) -> str:
    """a − b computed from the values as printed, so a reader's subtraction agrees."""
    from ..fmt import round_text

    return fmt.num(float(round_text(a, decimals, False)) - float(round_text(b, decimals, False)), decimals)


def _cell(text: str, align: str | None = None, role: str | None = None, bold: bool = False) -> Cell:
    return Cell((Span(text),), align=align, role=role, bold=bold)


def _score_cell(ctx, x, status: str = "") -> Cell:
    if status == INSUFFICIENT or _missing(x):
        return _cell(INSUFFICIENT if status == INSUFFICIENT else ctx.fmt.dash, "center", "muted")
    return _cell(ctx.fmt.num(x, 1), "right")


def _n_cell(ctx, n, L) -> Cell:
    """A published group size, or the dash of a hidden (suppressed) one."""
    if n is None or pd.isna(n):
        return _cell(L["suppressed_count"], "center", "muted")
    return _cell(ctx.fmt.int(int(n)), "right")


def survey_chapter(ctx) -> list[Block]:
    r = ctx.survey
    L = r.config.chapter
    out: list[Block] = ctx.open_chapter(L["title"], section="survey")   # the analysts' title, if any
    out += _sample(ctx, r, L)
    out += _overall(ctx, r, L)
    out += _groups(ctx, r, L)
    out += _concerns(ctx, r, L)
    if ctx.scores is not None:
        out += _compare(ctx, r, L)
        out += _hot(ctx, r, L)
    return out


# --- sample and screening -------------------------------------------------------------
def _sample(ctx, r, L) -> list[Block]:
    fmt = ctx.fmt
    s = r.summary
    collected, valid = s["collected"], s["valid"]
    rej = [(k, v) for k, v in s["rejected"].items() if v]
    rejected = L["sample_rule_sep"].join(L["sample_rule"].format(rule=k, n=fmt.int(v)) for k, v in rej)
    st = r.settings
    # shares of the collected questionnaires, each rounded on its own (never nudged so
    # that they add up); a note says so when the printed parts do not add up
    parts = fmt.shares([valid, *(s["rejected"][k] for k in REJECT_RULES)])
    rule_share = dict(zip(REJECT_RULES, parts[1:]))
    whole = fmt.share(collected, collected) if collected else fmt.dash
    rejected_share = fmt.share(collected - valid, collected) if collected else fmt.dash
    adds_up = fmt.shares_add_up([parts[0], rejected_share], whole) and \
        fmt.shares_add_up([rule_share[k] for k in REJECT_RULES if s["rejected"][k]], rejected_share)
    # nothing rejected: one sentence says so; no breakdown of zeros, no empty chart
    none_rejected = bool(collected) and valid == collected
    out = [ctx.heading(2, L["h_sample"]),
           ctx.para(L["sample_text_all_valid" if none_rejected else "sample_text"].format(
               collected=fmt.int(collected), valid=fmt.int(valid), rate=parts[0], rejected=rejected)),
           ctx.para(L["rules_text"].format(min_duration=fmt.num(st.min_duration_s, 0),
                                           min_answered=fmt.pct(st.min_answered, 0),
                                           straight_min=st.straight_min))]
    msg = r.label_message()
    if msg:
        out.append(ctx.para(msg, style="note"))
    if none_rejected:
        return out
    rows = [[_cell(L["collected"], bold=True), _cell(fmt.int(collected), "right"), _cell(whole, "right")],
            [_cell(L["valid"]), _cell(fmt.int(valid), "right"), _cell(parts[0], "right")],
            [_cell(L["rejected"]), _cell(fmt.int(collected - valid), "right"), _cell(rejected_share, "right")]]
    for k in REJECT_RULES:
        n = s["rejected"][k]
        rows.append([_cell(L["sample_sub_item"].format(rule=k)), _cell(fmt.int(n), "right"),
                     _cell(rule_share[k], "right")])
    out.append(ctx.table(L["tab_screening"], [L["item"], L["count"], L["share"]], rows, widths=(3, 2, 2),
                         key="survey-screening", note="" if adds_up else L["rounding_note"]))
    spec = ChartSpec("screening", "survey-screening", {
        "collected": collected, "valid": valid, "valid_label": L["valid"], "rejected_label": L["rejected"],
        "rules": list(REJECT_RULES), "counts": [s["rejected"][k] for k in REJECT_RULES], "unit": L["copies_unit"]})
    out.append(ctx.figure(spec, L["fig_screening"], key="survey-screening"))
    return out


# --- overall and dimensions -------------------------------------------------------------
def _overall(ctx, r, L) -> list[Block]:
    fmt = ctx.fmt
    dims = r.dimension_scores
    have = {d: v for d, v in dims.items() if not _missing(v)}
    out = [ctx.heading(2, L["h_overall"])]
    if have:
        out.append(ctx.para(_highest_lowest(fmt, L, have, "overall", overall=fmt.num(r.overall, 1))))
    nq = r.question_table.groupby("dimension", sort=False)["qid"].count().to_dict()
    rows = [[_cell(d), _cell(str(nq.get(d, 0)), "center"), _score_cell(ctx, v)] for d, v in dims.items()]
    rows.append([_cell(L["overall"], bold=True), _cell(str(len(r.likert)), "center"),
                 _score_cell(ctx, r.overall)])
    out.append(ctx.table(L["tab_dimensions"], [L["dimension"], L["questions"], L["score"]], rows,
                         widths=(3, 1.5, 2), key="survey-dimensions", note=L["formula_note"]))
    spec = ChartSpec("bars", "survey-dimensions", {
        "labels": list(dims), "values": [None if _missing(v) else float(v) for v in dims.values()],
        "unit": L["points_unit"], "axis_label": L["score"], "orientation": "h",
        "reference": None if _missing(r.overall) else float(r.overall), "reference_label": L["overall"],
        "max": 100, "decimals": 1, "missing_label": INSUFFICIENT})
    out.append(ctx.figure(spec, L["fig_dimensions"], key="survey-dimensions"))
    return out


# --- groups -------------------------------------------------------------------------------
def _groups(ctx, r, L) -> list[Block]:
    fmt = ctx.fmt
    cfg = r.config
    names = cfg.group_names
    gt = r.group_table
    # a grouping whose questionnaires all fall in one category compares nothing: left out
    sizes = gt["group"].value_counts()
    present = [c for c in dict.fromkeys([*cfg.group_order, *HEATMAP_GROUPS]) if sizes.get(c, 0)]
    compared = [c for c in present if sizes.get(c, 0) >= 2]
    single = [c for c in present if sizes.get(c, 0) == 1]
    out = [ctx.heading(2, L["h_groups"])]
    if compared:
        out.append(ctx.para(L["groups_text"].format(groups=_names(L, [names.get(c, c) for c in compared]),
                                                    suppression=r.suppression_rule())))
    else:
        out.append(ctx.para(L["groups_none"]))
    if single:
        values_of = [str(gt.loc[gt["group"] == c, "value"].iloc[0]) for c in single]
        out.append(ctx.para(L["groups_single_many" if len(single) > 1 else "groups_single_one"].format(
            names=_names(L, [names.get(c, c) for c in single]),
            values="".join(L["groups_single_value"].format(value=v) for v in values_of))))
    shown_groups = [c for c in HEATMAP_GROUPS if c in compared]

    # heatmap of dimension x group (towns excluded: they have their own ranking)
    rows, values, sections = [], [], []
    for col in shown_groups:
        sub = gt[gt["group"] == col]
        if not len(sub):
            continue
        sections.append([names.get(col, col), len(sub)])
        for _, g in sub.iterrows():
            rows.append(str(g["value"]))
            values.append([None if g["status"] == INSUFFICIENT or _missing(g[d]) else float(g[d])
                           for d in r.dimensions])
    if rows:
        spec = ChartSpec("heatmap", "survey-heatmap", {
            "columns": list(r.dimensions), "rows": rows, "sections": sections, "values": values,
            "missing_label": INSUFFICIENT, "decimals": 1, "unit": L["points_unit"]})
        hatched = any(v is None for row in values for v in row)   # the note only when a cell is hatched
        out.append(ctx.figure(spec, L["fig_heatmap"], key="survey-heatmap", width=0.95,
                              note=L["heatmap_note"].format(min=r.settings.min_group) if hatched else ""))

    trows = []
    any_hidden = False
    for col in shown_groups:
        sub = gt[gt["group"] == col]
        for k, (_, g) in enumerate(sub.iterrows()):
            hidden = g["status"] != "" and g["status"] != INSUFFICIENT
            any_hidden |= bool(hidden) or g["status"] == INSUFFICIENT
            trows.append([_cell(names.get(col, col) if k == 0 else ""), _cell(str(g["value"])),
                          _n_cell(ctx, g["n"], L),
                          _score_cell(ctx, g["overall"], g["status"])])
    if trows:
        out.append(ctx.table(L["tab_groups"], [L["group"], L["value"], L["n"], L["overall"]], trows,
                             widths=(1.5, 3, 1.5, 1.5), key="survey-groups",
                             note=L["group_note"] if any_hidden else ""))

    flagged = r.gaps[r.gaps["flagged"]]
    gap = fmt.num(cfg.gap_points, 0)
    if len(flagged):
        # the largest gaps in the text, every flagged gap in a table
        flagged = flagged.sort_values("gap", ascending=False, kind="stable")
        # the highest and the lowest group as printed: every tied group is named
        tied = {g.Index: (_tied_groups(gt, g.group, g.dimension, g.high_score, L),
                          _tied_groups(gt, g.group, g.dimension, g.low_score, L)) for g in flagged.itertuples()}
        items = L["list_sep_strong"].join(
            L["gap_item"].format(group=names.get(g.group, g.group), dimension=g.dimension, high=tied[g.Index][0],
                                 high_score=fmt.num(g.high_score, 1), low=tied[g.Index][1],
                                 low_score=fmt.num(g.low_score, 1),
                                 diff=_shown_diff(fmt, g.high_score, g.low_score))
            for g in flagged.head(3).itertuples())
        out.append(ctx.para(L["gaps_text"].format(gap=gap, n=len(flagged), items=items)))
        rows = [[names.get(g.group, g.group), g.dimension,
                 L["group_score"].format(group=tied[g.Index][0], score=fmt.num(g.high_score, 1)),
                 L["group_score"].format(group=tied[g.Index][1], score=fmt.num(g.low_score, 1)),
                 _cell(_shown_diff(fmt, g.high_score, g.low_score), "right")]
                for g in flagged.itertuples()]
        out.append(ctx.table(L["tab_gaps"], [L["group"], L["dimension"], L["gap_high"], L["gap_low"], L["gap"]],
                             rows, widths=(1.2, 1.2, 2.2, 2.2, 0.9), size="small", key="survey-gaps"))
    else:
        out.append(ctx.para(L["gaps_none"].format(gap=gap)))
    out += _hukou(ctx, r, L)
    out += _towns(ctx, r, L)
    return out


def _names(L, names) -> str:
    return join_names(names, L["list_sep"], L["list_last"])


def _tied_groups(gt, group: str, dimension: str, score, L) -> str:
    """The groups of `group` whose `dimension` score prints as `score` (ties all named)."""
    sub = gt[(gt["group"] == group) & (gt["status"] != INSUFFICIENT)]
    want = printed(score)
    hit = [str(v) for v, x in zip(sub["value"], sub[dimension]) if not _missing(x) and printed(x) == want]
    return L["list_sep"].join(hit)


def _highest_lowest(fmt, L, scores: dict, key: str, **values) -> str:
    """The `key`_text sentence (overall_text, towns_text) naming the highest and the lowest
    of `scores` as printed, every tied item named; `key`_level when all print the same,
    the single form when there is one item."""
    best, worst = extremes(scores)

    def score(names):
        s = fmt.num(scores[names[0]], 1)
        return L["tied_score"].format(score=s) if len(names) > 1 else s

    if len(scores) == 1:
        name = next(iter(scores))
        return L[f"{key}_only" if key == "overall" else f"{key}_single"].format(
            name=name, score=fmt.num(scores[name], 1), **values)
    if best == worst:
        return L[f"{key}_level"].format(score=fmt.num(scores[best[0]], 1), **values)
    return L[f"{key}_text"].format(best=_names(L, best), best_score=score(best), worst=_names(L, worst),
                                   worst_score=score(worst), **values)


def _hukou(ctx, r, L) -> list[Block]:
    fmt = ctx.fmt
    cfg = r.config
    hk = r.hukou_gaps
    out = [ctx.heading(3, L["h_hukou"])]
    dims = hk[hk["dimension"] != "overall"]
    if hk["gap"].isna().all():
        return out + [ctx.para(L["hukou_missing"])]
    # judged on the printed difference: 0.0 is 持平, never "低 0.0 分"
    gaps, level = [], []
    for d in dims.itertuples():
        if _missing(d.gap):
            continue
        diff = _shown_diff(fmt, d.migrant, d.local)
        if float(diff.replace(",", "")) == 0:
            level.append(d.dimension)
        else:
            gaps.append(L["hukou_gap_item"].format(
                dimension=d.dimension, direction=L["hukou_higher"] if float(diff.replace(",", "")) > 0
                else L["hukou_lower"], gap=diff.lstrip("-")))
    if gaps:
        items = gaps + ([L["hukou_level"].format(names=_names(L, level))] if level else [])
        out.append(ctx.para(L["hukou_text"].format(items=L["list_sep_comma"].join(items))))
    elif level:
        out.append(ctx.para(L["hukou_all_level"]))
    flagged = dims[dims["flagged"]]
    if len(flagged):
        out.append(ctx.para(L["hukou_flag_text"].format(gap=fmt.num(cfg.gap_points, 0),
                                                         items=L["list_sep"].join(flagged["dimension"]))))
    rows = []
    for d in hk.itertuples():
        label = L["overall"] if d.dimension == "overall" else d.dimension
        rows.append([_cell(label, bold=d.dimension == "overall"), _score_cell(ctx, d.local),
                     _score_cell(ctx, d.migrant),
                     _cell(fmt.dash if _missing(d.gap) else _shown_diff(fmt, d.migrant, d.local), "right",
                           f"rating-{SHORT}" if d.flagged else None),
                     _cell(L["yes"] if d.flagged else "", "center", f"rating-{SHORT}" if d.flagged else None)])
    out.append(ctx.table(L["tab_hukou"], [L["dimension"], L["local"], L["migrant"], L["gap"], L["flag"]], rows,
                         widths=(3, 2, 2, 2, 1.5), key="survey-hukou"))
    spec = ChartSpec("dumbbell", "survey-hukou", {
        "labels": list(dims["dimension"]),
        "a": [None if _missing(x) else float(x) for x in dims["local"]],
        "b": [None if _missing(x) else float(x) for x in dims["migrant"]],
        "a_label": cfg.local, "b_label": cfg.migrant, "flags": [bool(x) for x in dims["flagged"]],
        "flag_label": L["gap_flag_label"].format(gap=fmt.num(cfg.gap_points, 0)), "decimals": 1,
            "unit": L["points_unit"],
        "axis_label": L["score"]})
    out.append(ctx.figure(spec, L["fig_hukou"], key="survey-hukou"))
    return out


def _towns(ctx, r, L) -> list[Block]:
    fmt = ctx.fmt
    towns = r.groups("town")
    out = [ctx.heading(3, L["h_towns"])]
    if not len(towns):
        return out
    ok = towns[towns["status"] != INSUFFICIENT].copy()
    ok["overall"] = ok["overall"].astype(float)
    ok = ok.sort_values("overall", ascending=False, kind="stable")
    small = towns[towns["status"] == INSUFFICIENT]
    if len(ok):
        # the towns ranked (those with enough questionnaires; the others are named below)
        out.append(ctx.para(_highest_lowest(fmt, L, dict(zip(ok["value"].astype(str), ok["overall"])), "towns",
                                            n=len(ok))))
    if len(small):
        out.append(ctx.para(L["towns_insufficient"].format(names=L["list_sep"].join(small["value"]))))
    labels = list(ok["value"]) + list(small["value"])
    values = [float(v) for v in ok["overall"]] + [None] * len(small)
    spec = ChartSpec("bars", "survey-towns", {
        "labels": labels, "values": values, "unit": L["points_unit"], "axis_label": L["overall"], "orientation": "h",
        "reference": None if _missing(r.overall) else float(r.overall), "reference_label": L["city"],
        "max": 100, "decimals": 1, "missing_label": INSUFFICIENT})
    out.append(ctx.figure(spec, L["fig_towns"], key="survey-towns", width=0.95))
    return out


# --- concerns -------------------------------------------------------------------------------
def _concerns(ctx, r, L) -> list[Block]:
    fmt = ctx.fmt
    con = r.concerns
    out = [ctx.heading(2, L["h_concerns"])]
    n_choice = sum(con.choice_respondents.values())
    if not con.answers and not n_choice:
        return out + [ctx.para(L["concerns_none"])]
    top = con.top_themes(5)
    themes = L["list_sep"].join(L["concerns_theme_item"].format(theme=t.theme, share=fmt.pct(t.concern))
                                for t in top.itertuples())
    key = "concerns_text_both" if con.answers and n_choice else "concerns_text" if con.answers \
        else "concerns_text_choice"
    questions = L["list_sep"].join(L["question_quote"].format(text=question_as_asked(t, L))
                                   for t in _choice_questions(con))
    if len(top):
        text = L[key].format(answers=fmt.int(con.answers), respondents=fmt.int(n_choice),
                             questions=questions, themes=themes)
        if key == "concerns_text_both":
            text += L["concerns_rule_both"]
        out.append(ctx.para(text))
        unmatched = _unmatched_options(con)
        if len(unmatched):
            # options residents chose that stand for no theme: not ranked, but not lost either
            from ..narrative import REF_CLOSE, REF_OPEN

            items = L["list_sep"].join(L["concerns_unmatched_item"].format(option=o.option, share=fmt.pct(o.share))
                                       for o in unmatched.itertuples())
            tables = L["list_sep"].join(f"{REF_OPEN}tab:survey-choices/{q}{REF_CLOSE}"
                                        for q in dict.fromkeys(unmatched["qid"]))
            out.append(ctx.para(L["concerns_unmatched"].format(items=items, tables=tables)))
    else:
        out.append(ctx.para(L["concerns_no_theme"].format(answers=fmt.int(con.answers))))
    # the words of highest TF-IDF weight, shown in order of how often they occur
    kw = con.keywords.head(con.config.top_keywords if con.config else 20)
    kw = kw.sort_values(["count", "weight"], ascending=[False, False], kind="stable")
    if len(kw):
        spec = ChartSpec("keywords", "survey-keywords", {
            "words": list(kw["word"]), "counts": [int(x) for x in kw["count"]], "unit": L["times_unit"],
            "axis_label": L["keywords_axis"], "alt_intro": L["keywords_alt"]})
        out.append(ctx.figure(spec, L["fig_keywords"], key="survey-keywords", note=L["keywords_note"]))
    out += _choices(ctx, con, L)
    shown = con.themes[con.themes["concern"] > 0].head(10)
    with_choice = n_choice > 0
    rows = []
    for t in shown.itertuples():
        row = [_cell(t.theme), _cell(t.dimension or fmt.dash, "center"), _cell(fmt.int(t.mentions), "right"),
               _cell(fmt.pct(t.share) if con.answers else fmt.dash, "right")]
        if with_choice and t.choosable:
            row += [_cell(fmt.int(t.choices), "right"), _cell(fmt.pct(t.choice_share), "right")]
        elif with_choice:     # no option stands for the theme: nothing could be chosen
            row += [_cell(fmt.dash, "center", "muted"), _cell(fmt.dash, "center", "muted")]
        rows.append(row + [_cell(t.keywords or fmt.dash)])
    head = [L["theme"], L["dimension"], L["mentions"], L["mention_share"]]
    widths = [3.4, 2.9, 2, 2]
    if with_choice:
        head += [L["choices"], L["choice_share"]]
        widths += [2, 2]
    if rows:   # eight columns: small type, so that no name or heading breaks inside a word
        out.append(ctx.table(L["tab_themes"], head + [L["keywords"]], rows, widths=widths + [4.2],
                             size="small" if with_choice else "normal", key="survey-themes",
                             note=L["themes_note_choice" if with_choice else "themes_note"]))
    for t in top.itertuples():
        quotes = con.quotes.get(t.theme) or []
        if not quotes:
            continue
        out.append(ctx.para(L["quotes_intro"].format(theme=t.theme)))
        paras = []
        for q in quotes:
            n = con.quote_counts.get(q, 1)
            text = L["quote"].format(text=q) + (L["quote_similar"].format(n=fmt.int(n)) if n > 1 else "")
            paras.append(Paragraph((Span(text),), "body"))
        out.append(Quote(tuple(paras)))
    if con.answers:
        out.append(ctx.para(L["pii_note"], style="note"))
    return out


def _choice_questions(con) -> list:
    if con.choices is None or not len(con.choices):
        return []
    return list(dict.fromkeys(con.choices["question"]))


def _unmatched_options(con) -> pd.DataFrame:
    """The options chosen that stand for no theme (qid, option, share), most chosen first."""
    ch = con.choices
    if ch is None or not len(ch):
        return pd.DataFrame(columns=["qid", "option", "share"])
    return ch[(ch["theme"].astype(str) == "") & (ch["count"] > 0)]


def question_as_asked(text: str, L) -> str:
    """A question's text as asked, without what trails it in brackets when that is its list
    of options ("…？（A／B／C）") or an instruction ("（可多选）"): "您所在的乡镇（街道）…"
    keeps its own brackets."""
    import re

    text = str(text).strip()
    seps = tuple(L.get("option_separators", ())) + tuple(L.get("instruction_words", ()))
    while True:
        m = re.search(r"[（(]([^（）()]*)[）)]\s*$", text)
        if not m or not m.start() or not any(x in m.group(1) for x in seps):
            return text
        text = text[:m.start()].rstrip()


def _choices(ctx, con, L) -> list[Block]:
    """The improvement choice questions: every option, how many chose it, its theme."""
    fmt = ctx.fmt
    out: list[Block] = []
    if con.choices is None or not len(con.choices):
        return out
    top = int(con.config.choices.get("top", 12)) if con.config else 12
    for qid, g in con.choices.groupby("qid", sort=False):
        q = question_as_asked(g["question"].iloc[0], L)
        n = con.choice_respondents.get(qid, 0)
        multi = bool(con.choice_multiple.get(qid, False))
        first = g.head(3)
        items = L["list_sep"].join(L["choice_item"].format(option=o.option, share=fmt.pct(o.share))
                                   for o in first.itertuples())
        out.append(ctx.para(L["choices_text_multi" if multi else "choices_text"].format(
            question=q, n=fmt.int(n), items=items)))
        rows = [[_cell(o.option), _cell(fmt.int(o.count), "right"), _cell(fmt.pct(o.share), "right"),
                 _cell(o.theme or fmt.dash, "center")] for o in g.head(top).itertuples()]
        out.append(ctx.table(L["tab_choices"].format(question=q), [L["option"], L["chosen"], L["chosen_share"],
                                                                   L["theme"]], rows, widths=(3.5, 1.5, 1.5, 2.5),
                             key=f"survey-choices/{qid}", note=L["choices_note_multi" if multi else "choices_note"]))
    return out


# --- objective vs subjective ------------------------------------------------------------------
def _compare(ctx, r, L) -> list[Block]:
    from ..analyse.compare import compare, compare_gap

    fmt = ctx.fmt
    df = compare(ctx.scores, r)
    both = df[df["indicator_score"].notna() & df["satisfaction"].notna()]
    out = [ctx.heading(2, L["h_compare"])]
    gap = fmt.num(compare_gap(r), None)
    flagged = both[both["flag"] != ""]
    if len(flagged):
        items = L["compare_sep"].join(
            L["compare_item"].format(dimension=f.dimension, label=f.judgement,
                                     difference=fmt.num(f.difference, 1))
            for f in flagged.itertuples())
        out.append(ctx.para(L["compare_text"].format(gap=gap, items=items)))
    else:
        out.append(ctx.para(L["compare_none"].format(gap=gap)))
    if len(both):
        spec = ChartSpec("dumbbell", "survey-compare", {
            "labels": list(both["dimension"]), "a": [float(x) for x in both["indicator_score"]],
            "b": [float(x) for x in both["satisfaction"]], "a_label": L["indicator_score"],
            "b_label": L["satisfaction"], "flags": [f != "" for f in both["flag"]],
            "flag_label": L["compare_flag_label"].format(gap=gap), "decimals": 1, "unit": L["points_unit"],
            "axis_label": L["compare_axis"]})
        out.append(ctx.figure(spec, L["fig_compare"], key="survey-compare"))
    rows = []
    for d in df.itertuples():
        role = f"rating-{SHORT}" if d.flag else None
        rows.append([_cell(d.dimension), _score_cell(ctx, d.indicator_score), _score_cell(ctx, d.satisfaction),
                     _cell(fmt.dash if _missing(d.difference) else fmt.num(d.difference, 1), "right"),
                     _cell(d.judgement, "center", role)])
    out.append(ctx.table(L["tab_compare"], [L["dimension"], L["indicator_score"], L["satisfaction"],
                                            L["difference"], L["judgement"]], rows, widths=(2.5, 1.6, 1.9, 2.4, 3.0),
                         key="survey-compare", note=L["compare_note"].format(gap=gap)))
    return out


# --- hot issues ------------------------------------------------------------------------------
def _hot(ctx, r, L) -> list[Block]:
    from ..analyse.hot_issues import hot_issues

    fmt = ctx.fmt
    hot = hot_issues(ctx.scores, r)
    out = [ctx.heading(2, L["h_hot"])]
    if not len(hot.top):
        # never an empty table: say why there is no hot issue
        return out + [ctx.para(L[f"hot_none_{hot.reason}"])]
    n = len(hot.top)
    words = L["count_words"]
    out.append(ctx.para(L["hot_text"].format(n=words[n] if n < len(words) else fmt.int(n))))
    rows = []
    for h in hot.top.itertuples():
        ind = (L["indicator_input_fmt"].format(short=h.short, warn=h.warning, score=fmt.num(h.indicator_score, 1))
               if h.rated else L["no_indicators"])
        concern = L["concern_input_fmt"].format(mentions=fmt.int(h.mentions), share=fmt.pct(h.share))
        if h.choices:
            concern += L["concern_choice_fmt"].format(choices=fmt.int(h.choices), share=fmt.pct(h.choice_share))
        rows.append([_cell(str(h.rank), "center"), _cell(h.problem, bold=True), _cell(h.dimension, "center"),
                     _cell(ind), _cell(fmt.num(h.satisfaction, 1), "right"), _cell(concern, "right"),
                     _cell(fmt.num(h.heat, 1), "right")])
    out.append(ctx.table(L["tab_hot"], [L["rank"], L["problem"], L["dimension"], L["indicator_input"],
                                        L["satisfaction_input"], L["concern_input"], L["heat"]], rows,
                         widths=(1.1, 2.5, 2.4, 3.3, 1.4, 2.0, 1.6), size="small", key="survey-hot-issues"))
    # the formula of the heat index is in the method appendix
    out.append(ctx.para(ctx.render(L["hot_method_ref"], appendix=_method_appendix(ctx)), style="note"))
    weak = [h for h in hot.top.itertuples() if h.weak_indicators]
    if weak:
        codes = set(ctx.scores.table["code"])
        out.append(ctx.para(L["hot_indicators"]))
        items = tuple((ctx.para(L["hot_indicator_item"].format(
            problem=h.problem, indicators=L["list_sep_strong"].join(
                _without_codes(x, codes) for x in h.weak_indicators.split(";")))),) for h in weak)
        out.append(ListBlock(items))
    return out


def _without_codes(item: str, codes: set) -> str:
    """One weak indicator as readers see it: its name and rating, without its code
    (hot_issues.csv keeps the code, for people who work with the files)."""
    first, _, rest = item.strip().partition(" ")
    return rest.strip() if first in codes and rest.strip() else item.strip()


def _method_appendix(ctx) -> str:
    from ..wording import load_toml

    return load_toml("report.toml", getattr(ctx.project, "root", None))["chapters"]["appendix_method"]


def survey_method_text(survey) -> str:
    """The hot-issue method in Chinese, for the report's method appendix."""
    from ..analyse.concerns import load_concerns_config
    from ..analyse.hot_issues import method_text

    from ..terms import project_terms

    return method_text(load_concerns_config(getattr(survey.project, "root", None)), project_terms(survey.project))
