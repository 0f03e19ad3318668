"""The report's outline on the mini project: composed Documents read back (no PDF), so fast.

Analysts' titles kept as headings; main problems with their indicators, survey evidence
and cause narratives; strategies grouped by problem with priorities; a trend needs two
years; the method appendix describes only what the report used."""
from __future__ import annotations

import pytest

from reportkit import document as d
from reportkit.compose.context import ComposeContext
from reportkit.compose.report import compose_report, wording
from reportkit.errors import Problems
from reportkit.load.project import open_project
from reportkit.narrative import check_narratives
from reportkit.score.indicators import score_project
from reportkit.score.survey import run_survey
from reportkit.theme import load_theme


def compose(root, survey=True):
    project, problems = open_project(root)
    assert not problems.errors, [p.format() for p in problems.errors]
    scores = score_project(project)
    ctx = ComposeContext(project, scores, load_theme(root), root / "figures",
                         run_survey(project) if survey else None)
    doc = compose_report(ctx)
    assert not ctx.problems.errors, [p.format() for p in ctx.problems.errors]
    return doc, ctx


def chapters(doc) -> list[str]:
    return [h.number + h.text for h in doc.headings() if h.level == 1]


def section_headings(doc, chapter: str) -> list:
    out, inside = [], False
    for h in doc.headings():
        if h.level == 1:
            inside = h.text == chapter
        elif inside and h.level == 2:
            out.append(h)
    return out


def sections_of(doc, chapter: str) -> list[str]:
    return [h.text for h in section_headings(doc, chapter)]


def blocks_of(doc, chapter: str, section: str | None = None) -> list:
    """The blocks (depth first) under a chapter heading, or under one of its sections."""
    out, inside, in_section = [], False, section is None
    for b in doc.walk():
        if isinstance(b, d.Heading) and b.level == 1:
            inside = b.text == chapter
            in_section = section is None
            continue
        if inside and isinstance(b, d.Heading) and b.level == 2 and section is not None:
            in_section = b.text == section
            continue
        if inside and in_section:
            out.append(b)
    return out


def text_of(blocks) -> str:
    out = []
    for b in blocks:
        if isinstance(b, d.Paragraph):
            out.append(d.plain(b.inlines))
        elif isinstance(b, d.Heading):
            out.append(b.text)
    return "\n".join(out)


W = wording()


def test_default_outline_of_a_self_check_report(mini):
    doc, _ = compose(mini.root)
    ch = [c.split("、", 1)[-1] for c in chapters(doc)]
    expected = [W["chapters"]["overview"], W["chapters"]["evaluation"], "生态宜居", "交通便捷",
                load_survey_title(), W["chapters"]["problems"], W["chapters"]["recommendations"],
                W["chapters"]["list"], W["chapters"]["tracking"]]
    assert ch[:len(expected)] == expected
    ev = sections_of(doc, W["chapters"]["evaluation"])
    assert ev == [W["evaluation"][k] for k in ("summary_heading", "scores_heading", "achievements_heading",
                                                "problems_heading")]
    # the overview tells who ran the survey, when and how, from the questionnaires themselves
    ov = text_of(blocks_of(doc, W["chapters"]["overview"]))
    assert "2020年7月1日至7月28日" in ov and "线上（30 份）" in ov.replace("（30份）", "（30 份）")


def load_survey_title():
    from reportkit.score.survey import load_config

    return load_config(None).chapter["title"]


def test_the_analysts_titles_are_the_headings(mini):
    mini.replace("narratives/10-eco.md", "title: 生态宜居\n", "title: 生态宜居：让公园走进社区\n")
    mini.write("narratives/20-tr.md", "---\ntitle: 出行更顺畅\ndimension: 交通便捷\norder: 20\n---\n正文。\n")
    mini.write("narratives/30-problems.md", "---\ntitle: 主要问题与对策建议\nsection: problems\norder: 30\n---\n引言。\n")
    mini.write("narratives/40-survey.md", "---\ntitle: 居民怎么看\nsection: survey\norder: 40\n---\n调查。\n")
    mini.write("narratives/41-survey.md", "---\ntitle: 调查方法补充\nsection: survey\norder: 41\n---\n"
                                          "### 抽样\n\n补充。\n")
    doc, _ = compose(mini.root)
    ch = chapters(doc)
    assert "三、生态宜居：让公园走进社区" in ch            # begins with the dimension: as written
    assert "四、交通便捷：出行更顺畅" in ch                 # joined by [chapters] dimension_title
    assert any(c.endswith("、居民怎么看") for c in ch)
    assert any(c.endswith("、主要问题与对策建议") for c in ch)   # nothing the analysts wrote is replaced
    # a second narrative of a chapter heads a section of its own; its headings go under it
    heads = [(h.level, h.text) for h in doc.headings()]
    i = heads.index((2, "调查方法补充"))
    assert heads[i + 1] == (3, "抽样")


def test_main_problems_with_indicators_survey_and_cause(mini):
    mini.write("narratives/31-cause.md", "---\ntitle: 通勤时间过长\nsection: problems\nproblem: [R02]\norder: 31\n"
                                         "---\n职住分离是主要原因。\n\n- 就业岗位集中在中心城区。\n")
    doc, ctx = compose(mini.root)
    chapter = W["chapters"]["problems"]
    assert sections_of(doc, chapter) == ["通勤时间过长"]        # the narrative titles its problem
    body = blocks_of(doc, chapter, "通勤时间过长")
    text = text_of(body)
    scores = ctx.scores.table.set_index("code")
    assert scores.at["TR-02", "name"] in text and scores.at["TR-02", "rating"] in text   # its indicators
    assert W["problems"]["survey_label"] in text and "交通便捷维度市民满意度为" in text    # survey evidence
    assert W["problems"]["cause_label"] + "职住分离是主要原因。" in text                 # the cause narrative
    assert any(isinstance(b, d.ListBlock) for b in body)
    assert "R02" in text and "表" in text                                              # its strategies
    # the evaluation names it as a judgement with its evidence, not a bare list of names
    summary = text_of(blocks_of(doc, W["chapters"]["evaluation"], W["evaluation"]["problems_heading"]))
    assert "通勤时间过长：" + scores.at["TR-02", "name"] in summary


def test_a_main_problem_without_a_cause_is_a_validate_warning(mini):
    project, problems = open_project(mini.root)
    check_narratives(project, problems)
    warn = [p for p in problems.warnings if "R02" in p.message]
    assert len(warn) == 1
    assert warn[0].source.path == "data/recommendations.csv" and warn[0].source.row == 3
    assert "problem: R02" in warn[0].hint
    # recommendations with no 短板 indicator are no main problem: no warning for them
    assert not [p for p in problems.warnings if "R01" in p.message or "R03" in p.message]


def test_cause_narrative_naming_unknown_or_claimed_problems_is_an_error(mini):
    mini.write("narratives/31-a.md", "---\ntitle: 甲\nsection: problems\norder: 31\nproblem: [R02, R99]\n---\n甲。\n")
    mini.write("narratives/32-b.md", "---\ntitle: 乙\nsection: problems\nproblem: 通勤时间偏长\n---\n乙。\n")
    project, problems = open_project(mini.root)
    check_narratives(project, problems)
    errs = [p for p in problems.errors]
    unknown = [p for p in errs if p.value == "R99"]
    assert unknown and unknown[0].source.path == "narratives/31-a.md" and unknown[0].source.line == 5
    twice = [p for p in errs if p.source.path == "narratives/32-b.md"]
    assert twice and "31-a.md" in twice[0].message


def test_problem_key_only_under_section_problems(mini):
    mini.write("narratives/31-a.md", "---\ntitle: 甲\nsection: survey\nproblem: R02\n---\n甲。\n")
    problems = Problems()
    from reportkit.load.narratives import load_narratives

    load_narratives(mini.root, problems)
    assert problems.errors and problems.errors[0].source.path == "narratives/31-a.md"


def test_strategies_grouped_by_problem_with_priorities(mini):
    doc, ctx = compose(mini.root)
    chapter = W["chapters"]["recommendations"]
    secs = sections_of(doc, chapter)
    assert secs[0] == "通勤时间偏长"                                  # the main problem first
    assert W["recommendations"]["other_heading"].replace("{{ dimension }}", "生态宜居") in secs
    labels = W["recommendations"]["priority_labels"]
    first = text_of(blocks_of(doc, chapter, "通勤时间偏长"))
    assert "优化职住平衡（" + labels["1"] + "）：" in first            # 短板 indicator: priority 1
    eco = text_of(blocks_of(doc, chapter, W["recommendations"]["other_heading"].replace("{{ dimension }}", "生态宜居")))
    assert "加快社区公园建设（" + labels["2"] + "）" in eco              # 预警
    assert "完善管网（" + labels["3"] + "）" in eco                      # 良好
    assert eco.index(labels["2"]) < eco.index(labels["3"])              # higher priority first
    # the full list is a chapter of its own on landscape pages
    sections = [b for b in doc.blocks if isinstance(b, d.Section)]
    assert any(any(isinstance(x, d.Table) and x.key == "recommendations" for x in s.blocks) for s in sections)


def test_a_trend_needs_two_years(mini):
    # TR-01 (key) keeps only its checkup-year value: no trend chart, the text says why
    text = mini.read("data/values.csv")
    mini.write("data/values.csv", "\n".join(l for l in text.splitlines() if not l.startswith("TR-01,甲市,2019")) + "\n")
    doc, ctx = compose(mini.root)
    keys = [f.key for f in doc.figures()]
    assert "trend/TR-01" not in keys and "trend/EC-01" in keys
    assert "trend-TR-01" not in ctx.specs
    said = W["dimension"]["single_year"].split("{{")[0]
    assert said in text_of(blocks_of(doc, "交通便捷"))
    # a narrative citing the missing chart is told so by validate
    mini.write("narratives/20-tr.md", "---\ntitle: 交通\ndimension: 交通便捷\n---\n见{{ figure('trend/TR-01') }}。\n")
    project, problems = open_project(mini.root)
    check_narratives(project, problems)
    assert any("trend/TR-01" in p.message for p in problems.errors)


def test_trend_and_benchmark_charts_two_to_a_row(mini):
    doc, ctx = compose(mini.root)
    rows = [b for b in doc.walk() if isinstance(b, d.FigureRow)]
    assert rows and [f.key for f in rows[0].figures] == ["trend/EC-01", "peers/EC-01"]
    for f in rows[0].figures:
        spec = ctx.specs[f.path.stem]
        assert spec.size is not None and spec.size[0] < load_theme().chart["width_cm"] / 2
    # the town comparison comes in its own section, after the key indicators' analyses
    secs = sections_of(doc, "生态宜居")
    assert secs[-1] == W["dimension"]["towns_heading"]


def test_method_appendix_describes_only_the_methods_used(mini):
    doc, _ = compose(mini.root)
    heads = [h.text for h in doc.headings() if h.level == 2]
    assert "规划目标进度" in heads and "主要问题的确定" in heads and "策略建议的优先级" in heads
    # without targets there is no progress to target, and without 短板 no main problem
    text = mini.read("data/indicators.csv").splitlines()
    rows = [text[0]] + [",".join(c if i != 7 else "" for i, c in enumerate(l.split(","))) for l in text[1:]]
    mini.write("data/indicators.csv", "\n".join(rows) + "\n")
    doc, _ = compose(mini.root)
    heads = [h.text for h in doc.headings() if h.level == 2]
    assert "规划目标进度" not in heads


def test_rank_among_one_city_is_not_printed(mini):
    doc, _ = compose(mini.root)
    table = next(t for t in doc.tables() if t.key == "indicators/交通便捷")
    ranks = [d.plain(r[-1].inlines) for r in table.rows]
    assert "1/1" not in ranks


def test_unit_and_dimension_words_are_not_broken(tmp_path):
    """Units and dimension names of 5–7 characters and the 无参照 / 无数据 pills keep to one
    line of their column in the PDF."""
    pymupdf = pytest.importorskip("pymupdf")
    from reportkit.compose.report import _texts, rating_cell
    from reportkit.compose.widths import fit
    from reportkit.render.pdf import render_pdf

    header = W["dimension"]["table_columns"]
    rows = []
    for unit, dim in (("千米/平方千米", "小区（社区）"), ("平方米/人", "城区（城市）"), ("个/万人", "住房")):
        rows.append([d.Cell((d.Span("ZF-01"),)), d.Cell((d.Span("城市建成区道路网密度与" + dim),)),
                     d.Cell((d.Span(unit),)), d.Cell((d.Span("11,850.5"),)), d.Cell((d.Span("10,000.0"),)),
                     d.Cell((d.Span("对标城市中位数"),)), rating_cell("无参照"), d.Cell((d.Span("改善"),)),
                     d.Cell((d.Span("—"),))])
    widths = fit([("fit", 8), ("flex", 1), ("fit", 7), ("fit", 6), ("fit", 6), ("fit", 4), ("pill",), ("fit", 2),
                  ("fit", 3)], _texts(header, rows))
    t = d.Table((tuple(d.Cell((d.Span(h),)) for h in header),), tuple(tuple(r) for r in rows), "表", "表1-1",
                (1, 1), widths, size="small")
    pdf = pymupdf.open(stream=render_pdf(d.Document(d.Meta("t"), (t,)), load_theme()), filetype="pdf")
    words = pdf[0].get_text("words")
    lines = {w[4] for w in words}
    for whole in ("千米/平方千米", "平方米/人", "个/万人", "无参照"):
        assert whole in lines, (whole, sorted(lines))
    # the pill stays inside its column: right of the reference type, left of the trend
    pill = next(w for w in words if w[4] == "无参照")
    trend = next(w for w in words if w[4] == "改善")
    assert pill[2] < trend[0]


def test_analysts_achievements_and_problems_take_the_composed_judgements(mini):
    mini.write("narratives/01-ev.md", "---\ntitle: 总体评价\nsection: evaluation\norder: 1\n---\n"
                                      "### 主要成效\n\n绿地建设成效明显。\n\n### 主要问题\n\n通勤压力较大。\n")
    doc, _ = compose(mini.root)
    chapter = W["chapters"]["evaluation"]
    secs = sections_of(doc, chapter)
    assert secs.count(W["evaluation"]["achievements_heading"]) == 1
    assert secs.count(W["evaluation"]["problems_heading"]) == 1
    got = text_of(blocks_of(doc, chapter, W["evaluation"]["problems_heading"]))
    assert got.startswith("通勤压力较大。") and "通勤时间偏长" in got   # theirs first, then the composed list
    assert [h.number for h in section_headings(doc, chapter)] == ["（一）", "（二）", "（三）", "（四）"]


def test_survey_evidence_is_matched_by_topic_not_by_lowest_score():
    """A question is cited for what it is about (a residents' theme holding the problem's
    indicators, or a distinctive shared word), never for being the lowest of the dimension;
    words common to many indicator names (城市) do not tie a question to a problem."""
    import pandas as pd

    from reportkit.analyse.concerns import Theme
    from reportkit.compose.report import related_question

    qs = pd.DataFrame({"qid": ["Q1", "Q2", "Q3", "Q4"], "dimension": ["安全", "安全", "安全", "活力"],
                       "text": ["您对城市应对暴雨内涝能力的满意程度", "您对消防安全和应急救援能力的满意程度",
                                "您对看病就医便利程度的满意程度", "您对在本市就业和创业机会的满意程度"],
                       "score": [60.0, 79.0, 70.0, 78.0]})
    catalogue = ["城市道路网密度", "城市人均避难场所面积", "城市绿道服务半径覆盖率", "城市新增就业人口中大学文化程度人口比例",
                 "城市二级及以上医院覆盖率", "千人医疗卫生机构床位数", "消防救援5分钟可达覆盖率"]
    health = Theme("看病就医", "安全", ("医院", "看病", "就医"), codes=("H1", "H2"))
    fire = Theme("安全隐患", "安全", ("消防", "治安"), codes=("F1",))
    # the theme's patterns find 看病就医 for a 医疗 problem that shares no word with it
    got = related_question(qs, ["安全"], ["医疗资源总量不足", "千人医疗卫生机构床位数", "城市二级及以上医院覆盖率"],
                           ("H1", "H2"), (health, fire), catalogue)
    assert got == ("您对看病就医便利程度的满意程度", 70.0, "安全")
    # 消防救援 beats the lower-scoring 暴雨内涝 question, which shares only the common word 城市
    got = related_question(qs, ["安全"], ["消防救援覆盖存在盲点", "消防救援5分钟可达覆盖率"], ("F1",), (health, fire),
                           catalogue)
    assert got[0] == "您对消防安全和应急救援能力的满意程度"
    # by a distinctive word, in the problem's own dimension only
    got = related_question(qs, ["活力"], ["高学历人才吸引力不足", "城市新增就业人口中大学文化程度人口比例"], (), (), catalogue)
    assert got == ("您对在本市就业和创业机会的满意程度", 78.0, "活力")
    # nothing about the problem: nothing is cited, however low a question of its dimension scores
    assert related_question(qs, ["安全"], ["城市道路网密度不足", "城市道路网密度"], (), (health, fire), catalogue) is None


def test_an_indicator_is_evidence_of_one_main_problem_only(mini):
    rec = mini.read("data/recommendations.csv").replace("R03,污水收集短板,EC-02,", "R03,污水收集短板,EC-02;TR-02,")
    mini.write("data/recommendations.csv", rec)
    mini.write("narratives/31-a.md", "---\ntitle: 通勤时间过长\nsection: problems\nproblem: [R02]\norder: 31\n---\n职住分离。\n")
    mini.write("narratives/32-b.md", "---\ntitle: 污水收集不足\nsection: problems\nproblem: [R03]\norder: 32\n---\n管网欠账。\n")
    doc, ctx = compose(mini.root)
    chapter = W["chapters"]["problems"]
    names = ctx.scores.table.set_index("code")["name"]
    first = text_of(blocks_of(doc, chapter, "通勤时间过长"))
    second = text_of(blocks_of(doc, chapter, "污水收集不足"))
    assert names["TR-02"] in first and names["TR-02"] not in second      # shown under the first problem only
    assert names["EC-02"] in second


def test_versus_names_the_indicators_own_kind_of_reference(mini):
    mini.write("narratives/31-a.md", "---\ntitle: 通勤时间过长\nsection: problems\nproblem: [R02]\norder: 31\n---\n"
                                     "{{ indicator('TR-02').name }}{{ indicator('TR-02').versus }}。\n")
    doc, ctx = compose(mini.root)
    text = text_of(blocks_of(doc, W["chapters"]["problems"], "通勤时间过长"))
    t = ctx.scores.table.set_index("code")
    kind = load_theme().data["labels"]["reference_kind"][t.at["TR-02", "reference_kind"]]
    word = "高于" if t.at["TR-02", "value"] > t.at["TR-02", "reference"] else "低于"
    assert f"{t.at['TR-02', 'name']}{word}{kind}。" in text


def test_overview_counts_say_their_base(mini):
    """The channel split adds up to the collected questionnaires it is worded as; the share
    of 良好 names its denominator when some indicators could not be rated; the split by
    collection method is of the indicators, not of the sub-indicators."""
    import pandas as pd

    survey = pd.read_csv(mini.root / "data" / "survey.csv", dtype=str, keep_default_na=False)
    survey.loc[:2, "duration_s"] = "5"                       # answered too fast: collected, not valid
    survey.to_csv(mini.root / "data" / "survey.csv", index=False)
    doc, ctx = compose(mini.root)
    over = text_of(blocks_of(doc, W["chapters"]["overview"]))
    counts = survey["channel"].value_counts()
    assert ctx.survey.summary["valid"] < len(survey)          # some are rejected: the bases differ
    for ch, n in counts.items():
        assert f"{ch}（{n}份）" in over
    assert f"共回收问卷{len(survey)}份" in over
    t = ctx.scores.table
    rated = int(t["rating"].isin(["良好", "预警", "短板"]).sum())
    assert rated < len(t)
    good = int((t["rating"] == "良好").sum())
    summary = text_of(blocks_of(doc, W["chapters"]["evaluation"], W["evaluation"]["summary_heading"]))
    assert f"占可评价的{rated}项指标的{ctx.fmt.pct(good / rated)}" in summary
    assert f"{len(t)}项指标按采集方法分" in over
