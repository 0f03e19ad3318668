"""The report of a small city of another shape (tests/city_factory.py): one indicator
category, no key indicators, one department, no collection methods or sources, one
recommendation for nine indicators rated 短板.  What the report says must be true of
this city, not a demo sentence with its numbers swapped in."""
from __future__ import annotations

import pytest

import city_factory


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from reportkit.build import prepare
    from reportkit.document import dump

    root = tmp_path_factory.mktemp("small")
    project = city_factory.make_city(root / "city")
    _, composed = prepare(project, root / "out", ["report"])
    return dump(composed["report"].data)


def chapter(text: str, title: str) -> str:
    """The section under the heading that contains `title`, up to the next heading of
    the same or a higher level."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("#") and title in line)
    level = len(lines[at]) - len(lines[at].lstrip("#"))
    end = next((i for i in range(at + 1, len(lines))
                if lines[i].startswith("#") and len(lines[i]) - len(lines[i].lstrip("#")) <= level), len(lines))
    return "\n".join(lines[at:end])


def test_one_category_and_no_key_indicators_are_not_stated_as_a_composition(report):
    overview = chapter(report, "指标体系")
    assert "本次体检共设置15项指标，覆盖住房、小区（社区）、街区、城区（城市）等4个维度。" in overview
    assert "“15”" not in report and "其中重点指标0项" not in report
    header = next(line for line in overview.splitlines() if line.startswith("维度 |"))
    assert header == "维度 | 基础指标 | 合计"          # no column of zero key indicators


def test_one_department_and_no_methods(report):
    assert "15项指标由1个部门负责" in report and "1个部门和单位" not in report
    assert "按采集方法分" not in report and "未注明" not in report
    assert "数据来源与采集方法" not in report        # nothing to put in that appendix


def test_every_indicator_rated_short_is_discussed(report):
    problems = chapter(report, "问题与成因")
    # the one main problem has no cause narrative: the intro does not promise one
    assert "每个问题列出相关指标的表现和市民感受，对应的策略建议" in problems
    assert "其他短板指标" in problems
    assert "此外，以下8项指标评价为短板，尚未归入上述问题，没有对应的策略建议" in problems
    for name in ("住房租金收入比", "未达标配建的养老服务设施数量", "城市道路网密度", "建成区高峰期平均机动车速度"):
        assert name in chapter(problems, "其他短板指标"), name
    # the indicator of the main problem is not listed again
    assert "小区停车泊位满足率" not in chapter(problems, "其他短板指标")


def test_a_dimension_chapter_nobody_wrote_says_what_the_scores_say(report):
    housing = chapter(report, "三、住房")
    assert "住房维度共3项指标，维度得分49.1分，其中短板3项。" in housing
    assert "未设置重点指标" not in report and "重点指标深化分析" not in housing
    weak = chapter(housing, "需关注的指标")
    assert "3项指标评价为短板：" in weak
    # worst first: 短板 before 预警, the lower score first
    assert weak.index("老旧住宅加装电梯完成率") < weak.index("住房租金收入比")
    street = chapter(report, "五、街区")
    assert "其中良好1项、预警3项" in street and "3项指标评价为预警：" in street


def test_an_achievement_is_a_dimension_with_more_good_than_short_indicators(report):
    # 城区（城市）: 1 of 4 indicators 良好 beside 2 短板 is no 主要成效 (the system's share of
    # 良好 is low, so "at least the system's share" alone would let it through); 街区, the
    # best scored, 1 良好 and 3 预警 and no 短板, is one
    achievements = chapter(report, "主要成效")
    assert "城区（城市）维度得分" not in achievements
    assert "街区维度得分84.2分，4项指标中1项达到参照值，社区卫生服务中心门诊服务覆盖率较上年改善。" in achievements


def test_without_an_achieving_dimension_the_best_indicators_are_named(tmp_path):
    from reportkit.compose.context import ComposeContext
    from reportkit.compose.report import compose_report
    from reportkit.document import dump
    from reportkit.load.project import load_project
    from reportkit.score.indicators import score_project
    from reportkit.theme import load_theme

    project, _ = load_project(city_factory.make_city(tmp_path / "city"))
    scores = score_project(project)
    scores.dimensions.loc[scores.dimensions["dimension"] == "街区", "短板"] = 1   # 1 良好 = 1 短板: no longer one
    text = dump(compose_report(ComposeContext(project, scores, load_theme(project.root), tmp_path / "out", None)))
    achievements = chapter(text, "主要成效")
    assert "从指标评价结果看，尚无整体表现较好的维度；2项指标达到参照值：" in achievements
    assert "城市内涝积水点密度为" in achievements and "（良好）" in achievements


def test_implausible_values_are_warned_with_their_cell(tmp_path):
    from reportkit.load.project import load_project
    from reportkit.validate import validate

    project, problems = load_project(city_factory.make_city(tmp_path / "city"))
    validate(project, problems)
    warnings = [p.format() for p in problems.warnings]
    over = [w for w in warnings if "比例类指标" in w]
    # coverage rates over 100 % (the factory's 河口镇 has two), each named by its cell
    assert any("data/values.csv，第 89 行，列 value" in w and "中小学服务半径覆盖率" in w and "河口镇" in w
               and "101.54% 超过 100%" in w for w in over), over
    assert all("覆盖率" in w for w in over)                       # 住房租金收入比 (27.6 %) is no share of 100
    counted = [w for w in warnings if "不是整数" in w]
    assert any("存在使用安全隐患的住宅数量" in w and "以“栋”计数" in w and "青溪街道" in w for w in counted)
    assert not any("城市道路网密度" in w for w in counted)        # 公里/平方公里 is no count
    assert not problems.errors


def test_tracking_workbook_example_date_is_of_the_follow_up_year(tmp_path):
    import openpyxl

    from reportkit.build import build

    build(city_factory.make_city(tmp_path / "city"), tmp_path / "out", ["tracking"])
    ws = openpyxl.load_workbook(next((tmp_path / "out" / "tracking").glob("*.xlsx"))).active
    assert "（如 2025-03-31）" in ws["A3"].value                     # a 2024 checkup is followed up in 2025
    dates = [d for d in ws.data_validations.dataValidation if d.type == "date"]
    assert dates and all("2025-03-31" in d.prompt and "2025-03-31" in d.error for d in dates)
    assert "2021" not in ws["A3"].value


def test_files_are_dated_by_the_cover_not_a_fixed_year(tmp_path, monkeypatch):
    """Without SOURCE_DATE_EPOCH, a 2024 checkup's files carry the day its cover gives
    (no `date`: 2025年, so 2025-01-01), never the fixed 2020 of the reproducibility default;
    with it, SOURCE_DATE_EPOCH wins."""
    import io
    import zipfile

    from reportkit.build import prepare
    from reportkit.document import Document, Meta, Paragraph, Span
    from reportkit.render.docx import default_template, render_docx
    from reportkit.render.html import build_html
    from reportkit.theme import load_theme

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _, composed = prepare(city_factory.make_city(tmp_path / "city"), tmp_path / "out", ["report", "sheets"])
    docs = composed["report"].documents + composed["sheets"].documents
    assert {dj.doc.meta.date for dj in docs} == {"2025-01-01"}
    theme = load_theme(None)
    doc = Document(Meta(title="日期", date="2025-01-01"), (Paragraph((Span("正文"),)),))
    html, _ = build_html(doc, theme, None, content_urls=True, images={})
    assert '<meta name="dcterms.created" content="2025-01-01T00:00:00Z">' in html
    core = zipfile.ZipFile(io.BytesIO(render_docx(doc, theme, default_template("report")))).read("docProps/core.xml")
    assert b"2025-01-01T00:00:00Z" in core and b"2020-01-01" not in core
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    html, _ = build_html(doc, theme, None, content_urls=True, images={})
    assert '<meta name="dcterms.created" content="2023-11-14T22:13:20Z">' in html


def test_tied_dimension_scores_are_all_named(tmp_path):
    from reportkit.compose.context import ComposeContext
    from reportkit.compose.report import compose_report
    from reportkit.document import dump
    from reportkit.load.project import load_project
    from reportkit.score.indicators import score_project
    from reportkit.theme import load_theme

    project, _ = load_project(city_factory.make_city(tmp_path / "city"))
    scores = score_project(project)
    dims = scores.dimensions
    # as printed: 84.24 and 84.16 are both 84.2; 34.9 and 34.94 are both 34.9
    dims.loc[:, "score"] = [84.24, 34.9, 84.16, 34.94]
    ctx = ComposeContext(project, scores, load_theme(project.root), tmp_path / "out", None)
    text = dump(compose_report(ctx))
    assert ("按指标得分计算，住房和街区维度得分最高（均为84.2分），小区（社区）和城区（城市）维度得分最低（均为34.9分）。"
            in text), chapter(text, "维度得分")
