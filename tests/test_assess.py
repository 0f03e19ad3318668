"""`reportkit assess`: the five-year assessment over yearly checkups (here three mini years,
2018–2020, see years_factory.make_three_years), read back from DOCX, PDF and CSV."""
from __future__ import annotations

import io
import math
import re
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from docx import Document as DocxDocument

from reportkit.cli import main
from reportkit.errors import Problems
from reportkit.products.assess.years import discover
from years_factory import make_three_years

pymupdf = pytest.importorskip("pymupdf")

ANALYST = """---
title: 评估结论
section: assessment
order: 1
---
三年来{{ indicator('EC-02').name }}由{{ indicator('EC-02').last_checkup.year }}年的{{ indicator('EC-02').last_checkup }}提高到{{ indicator('EC-02') }}（见{{ table('assess-persisting') }}）。
"""


def run(*args):
    return CliRunner().invoke(main, ["assess", *map(str, args)])


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    root = tmp_path_factory.mktemp("assess")
    cur, prev, old = make_three_years(root)
    cur.write("narratives/50-assess.md", ANALYST)
    out = root / "out"
    r = run("--projects", cur.root, "--out", out, "--quiet")
    assert r.exit_code == 0, r.output
    pdf = pymupdf.open(out / "assess" / "report.pdf")
    doc = DocxDocument(str(out / "assess" / "report.docx"))
    parts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return {"root": root, "out": out, "output": r.output, "pdf": pdf, "doc": doc,
            "pdf_text": re.sub(r"\s+", "", "".join(p.get_text() for p in pdf)),
            "docx_text": re.sub(r"\s+", "", "".join(parts)),
            "indicators": pd.read_csv(out / "assess" / "indicators.csv", encoding="utf-8-sig", dtype={"code": str}),
            "dimensions": pd.read_csv(out / "assess" / "dimensions.csv", encoding="utf-8-sig")}


CHAPTERS = ["一、评估概况", "二、各维度得分变化", "三、指标年度变化", "四、规划目标实现情况", "五、问题整治成效",
            "六、社会满意度变化", "七、评估结论", "附录一　指标可比性说明", "附录二　评估方法"]


def test_outline_and_title(assessed):
    toc = [t for _, t, _ in assessed["pdf"].get_toc()]
    for ch in CHAPTERS:
        assert ch in toc, (ch, toc)
    assert assessed["pdf"].metadata["title"] == "甲市城市体检评估报告（2018—2020年）"
    assert "3 次体检：2018、2019、2020" in assessed["output"]
    for text in (assessed["pdf_text"], assessed["docx_text"]):
        assert "甲市城市体检评估报告" in text and "（2018—2020年）" in text
        assert "\u2063" not in text and "【?】" not in text


def test_overview_and_dimension_scores(assessed):
    for text in (assessed["pdf_text"], assessed["docx_text"]):
        assert "本次评估汇总甲市2018—2020年共3次年度城市体检的结果" in text
        assert "短板与预警指标由5项变为3项" in text
        assert "生态宜居提高27.1分、交通便捷下降20.0分" in text
    dims = assessed["dimensions"]
    eco = dims[dims["dimension"] == "生态宜居"].set_index("year")
    assert list(eco.index) == [2018, 2019, 2020]
    assert round(eco.loc[2020, "score"] - eco.loc[2018, "score"], 1) == 27.1
    assert eco.loc[2018, "短板"] == 3 and eco.loc[2020, "良好"] == 1
    assert set(dims.columns) >= {"dimension", "year", "score", "indicators", "良好", "预警", "短板", "无数据", "无参照",
                                 "satisfaction"}
    assert math.isclose(eco.loc[2020, "satisfaction"], 68.4, abs_tol=0.05)


def test_indicator_years_and_trend_marks(assessed):
    doc = assessed["doc"]
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "变化趋势" and "EC-01" in t.rows[1].cells[0].text)
    assert [c.text for c in table.rows[0].cells][3:6] == ["2018", "2019", "2020"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["EC-01"][3:] == ["12.5", "13.1", "14.0", "↑改善"]
    assert rows["EC-02"][3:] == ["580*", "60.0", "75.0", "↑改善"]     # 2018 in ‰: marked, not in the trend
    assert "EC-02：2018年单位为“‰”，未计入变化趋势" in assessed["docx_text"]
    tr = next(t for t in doc.tables if "TR-01" in [r.cells[0].text for r in t.rows])
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in tr.rows[1:]}
    assert rows["TR-02"][-1] == "↑恶化"           # lower is better, it rose
    assert rows["TR-03"][3:] == ["1.20", "1.10", "—", "↓恶化"]


def test_indicators_csv_is_every_year_of_every_indicator(assessed):
    ind = assessed["indicators"]
    assert list(ind.columns[:5]) == ["code", "year", "value", "rating", "score"]
    ec1 = ind[ind["code"] == "EC-01"].set_index("year")
    assert ec1.loc[2019, "value"] == 13.1 and ec1.loc[2019, "rating"] == "短板"
    assert ec1.loc[2020, "rating"] == "预警" and math.isclose(ec1.loc[2020, "score"], 73.33)
    ec2 = ind[ind["code"] == "EC-02"].set_index("year")
    assert ec2.loc[2018, "value"] == 580 and ec2.loc[2018, "unit"] == "‰" and ec2.loc[2019, "unit"] == "%"
    assert sorted(ind.loc[ind["code"] == "EC-09", "year"]) == [2018, 2019]   # left the catalogue in 2020
    assert len(ind) == 7 + 7 + 6


def test_targets_problems_and_persistence(assessed):
    for text in (assessed["pdf_text"], assessed["docx_text"]):
        assert "2项设有规划目标的指标中，按期可达1项、倒退1项" in text
        assert "问题解决率在0.0%至16.7%之间，累计1项次问题得到解决" in text
        assert "下列2项指标在连续3次及以上的体检中被评为短板或预警" in text
        assert "下列1项策略建议（编号相同）连续3年及以上列入" in text
        # the analysts' chapter cites last year's figure and the assessment's own table
        assert "三年来城市生活污水集中收集率由2019年的60.0%提高到75.0%（见表5-2）" in text
    doc = assessed["doc"]
    res = next(t for t in doc.tables if t.rows[0].cells[0].text == "对比年度")
    rows = [[c.text for c in r.cells] for r in res.rows[1:]]
    assert rows[0][:8] == ["2018→2019", "5", "0", "2", "2", "1", "0", "0.0%"]
    assert rows[1][:8] == ["2019→2020", "6", "1", "1", "1", "1", "2", "16.7%"]
    per = next(t for t in doc.tables if "各年评价" in [c.text for c in t.rows[0].cells])
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in per.rows[1:]}
    assert rows["EC-01"][2:] == ["2018—2020年", "3", "短板 短板 预警", "仍未解决"]
    assert rows["EC-03"][4] == "预警 预警 预警"
    changes = next(t for t in doc.tables if "变化内容" in [c.text for c in t.rows[0].cells])
    rows = [[c.text for c in r.cells] for r in changes.rows[1:]]
    assert ["EC-02", "城市生活污水集中收集率", "单位由“‰”调整为“%”", "2019年"] in rows
    assert ["EC-09", "城市绿道服务半径覆盖率", "不再列入指标体系", "2020年"] in rows


def test_figures_are_written_with_the_documents(assessed):
    figs = sorted(p.name for p in (assessed["out"] / "figures").glob("assess-*.png"))
    assert figs == ["assess-dimensions.png", "assess-ratings.png", "assess-resolution.png", "assess-survey.png",
                    "assess-targets.png"]
    assert len(assessed["pdf"][0].get_text()) > 0
    images = {im[0]: im[2] for p in assessed["pdf"] for im in p.get_images()}   # xref -> width (px)
    assert len(images) == 5 and min(images.values()) > 1000


def test_a_folder_of_yearly_projects_gives_the_same_years(assessed, tmp_path):
    problems = Problems()
    found = discover([assessed["root"]], problems)
    assert not problems.errors
    assert [f.year for f in found] == [2018, 2019, 2020]
    out = tmp_path / "o"
    r = run("--projects", assessed["root"] / "2018", assessed["root"] / "2019", assessed["root"] / "2020",
            "--out", out, "--quiet", "--format", "docx", "--workers", "1")
    assert r.exit_code == 0, r.output
    assert (out / "assess" / "report.docx").is_file() and not (out / "assess" / "report.pdf").exists()
    # same data, same table: the CSV is byte-identical to the chained run's
    assert (out / "assess" / "indicators.csv").read_bytes() == \
        (assessed["out"] / "assess" / "indicators.csv").read_bytes()


def test_without_a_survey_the_year_is_said_to_have_none(tmp_path):
    from reportkit.products.assess.model import Assessment
    from reportkit.products.assess.years import load_year

    cur, prev, old = make_three_years(tmp_path)
    old.write("data/survey.csv", old.read("data/survey.csv").splitlines()[0] + "\n")
    problems = Problems()
    years = [load_year(f, problems) for f in discover([cur.root], problems)]
    assert not problems.errors
    assert years[0].survey is None and years[1].survey is not None
    a = Assessment(years)
    assert a.dimension_table.query("year == 2018")["satisfaction"].isna().all()


# -- what the user can get wrong --------------------------------------------------------------

def test_one_year_is_not_an_assessment(tmp_path):
    from conftest import MINI

    shutil.copytree(MINI, tmp_path / "p")
    r = run("--projects", tmp_path / "p", "--out", tmp_path / "o")
    assert r.exit_code == 2 and "只找到 1 个年度的体检项目，评估至少需要两个年度" in r.output


def test_two_folders_of_the_same_year(tmp_path):
    cur, prev, old = make_three_years(tmp_path)
    shutil.copytree(prev.root, tmp_path / "2019b")
    (tmp_path / "2019b" / "project.toml").write_text(
        (tmp_path / "2019b" / "project.toml").read_text(encoding="utf-8").replace('previous = "../2018"\n', ""),
        encoding="utf-8")
    r = run("--projects", cur.root, tmp_path / "2019b", "--out", tmp_path / "o")
    assert r.exit_code == 2
    assert re.search(r"2019b/project\.toml，设置项 year：与“.*2019”的体检年度相同（2019年）", r.output), r.output


def test_a_loop_in_the_chain(tmp_path):
    cur, prev, old = make_three_years(tmp_path)
    old.replace("project.toml", 'survey_url = "https://example.org/survey"',
                'survey_url = "https://example.org/survey"\nprevious = "../2020"')
    r = run("--projects", cur.root, "--out", tmp_path / "o")
    assert r.exit_code == 2 and "previous 形成循环" in r.output
    assert not (tmp_path / "o").exists()


def test_an_earlier_year_that_does_not_validate_is_named(tmp_path):
    cur, prev, old = make_three_years(tmp_path)
    old.replace("data/indicators.csv", "TR-02,通勤时间超过45分钟的人口比例,交通便捷,基础指标,%,-,",
                "TR-02,通勤时间超过45分钟的人口比例,交通便捷,基础指标,%,越低越好,")
    r = run("--projects", cur.root, "--out", tmp_path / "o", "--workers", "1")
    assert r.exit_code == 2
    assert re.search(r"2018/data/indicators\.csv，第 6 行，列 direction：“direction”的取值无效", r.output), r.output
    assert not (tmp_path / "o" / "assess").exists()


def test_missing_folder_and_no_projects(tmp_path):
    r = run("--projects", tmp_path / "nowhere", "--out", tmp_path / "o")
    assert r.exit_code == 2 and "nowhere：文件夹不存在" in r.output
    (tmp_path / "empty").mkdir()
    r = run("--projects", tmp_path / "empty", "--out", tmp_path / "o")
    assert r.exit_code == 2 and "没有 project.toml，也没有含 project.toml 的子文件夹" in r.output
    r = run("--out", tmp_path / "o")
    assert r.exit_code == 2 and "--projects" in r.output


def test_csv_cells_are_never_formulas(tmp_path):
    from reportkit.products.assess.compose import indicators_csv
    from reportkit.products.assess.model import Assessment
    from reportkit.products.assess.years import load_year

    cur, prev, old = make_three_years(tmp_path)
    for p in (cur, prev, old):
        p.replace("data/indicators.csv", "人均公园绿地面积", "=HYPERLINK(\"x\")人均公园绿地面积")
    problems = Problems()
    years = [load_year(f, problems) for f in discover([cur.root], problems)]
    data = pd.read_csv(io.BytesIO(indicators_csv(Assessment(years))), encoding="utf-8-sig")
    names = set(data.loc[data["code"] == "EC-01", "name"])
    assert names == {"'=HYPERLINK(\"x\")人均公园绿地面积"}


def test_each_row_of_the_resolution_table_adds_up(assessed):
    """已解决 + 有所改善 + 仍未解决 + 有所恶化 + 其他 = 上次问题数, and 继续实施 + 不再列入 = 上次建议数."""
    doc = assessed["doc"]
    res = next(t for t in doc.tables if t.rows[0].cells[0].text == "对比年度")
    head = [c.text for c in res.rows[0].cells]
    assert head[1:7] == ["上次问题数", "已解决", "有所改善", "仍未解决", "有所恶化", "其他"]
    for r in res.rows[1:]:
        cells = [c.text for c in r.cells]
        assert int(cells[1]) == sum(int(x) for x in cells[2:7]), cells
        assert int(cells[8]) == int(cells[9]) + int(cells[10]), cells


def test_resolution_rows_keep_dropped_problems_and_dropped_recommendations_apart():
    from types import SimpleNamespace

    from reportkit.analyse.years import STATUSES
    from reportkit.products.assess.model import Assessment

    problems = pd.DataFrame({"status": ["resolved", "dropped", "unrated", "persisting"], "code": list("abcd")})
    recs = pd.DataFrame({"status": ["", "", ""], "continues": [False, False, True]})
    comparison = SimpleNamespace(counts=lambda: {s: int((problems["status"] == s).sum()) for s in STATUSES},
                                 problems=problems, recommendations=recs, resolution_rate=0.25, continued=1,
                                 dropped=2, prev_year=2019, year=2020)
    fake = SimpleNamespace(transitions=[comparison])
    row = Assessment.resolution_rows(fake)[0]
    assert row["dropped"] == 1 and row["unrated"] == 1 and row["recs_dropped"] == 2
    assert sum(row[s] for s in STATUSES) == row["problems"] == 4


def test_a_year_without_data_neither_ends_nor_extends_a_problem():
    from reportkit.analyse.years import problem_runs

    def table(rows):
        return pd.DataFrame(rows, columns=["code", "name", "rating"])

    tables = {2016: table([("A", "甲", "短板"), ("B", "乙", "预警"), ("C", "丙", "短板")]),
              2017: table([("A", "甲", "短板"), ("B", "乙", "预警"), ("C", "丙", "短板")]),
              2018: table([("A", "甲", "短板"), ("B", "乙", "预警"), ("C", "丙", "短板")]),
              2019: table([("A", "甲", "无数据"), ("B", "乙", "无数据"), ("C", "丙", "短板")]),
              2020: table([("A", "甲", "短板"), ("B", "乙", "良好"), ("C", "丙", "无数据")])}
    runs = problem_runs(tables).set_index("code")
    assert runs.loc["A", "years"] == 4 and runs.loc["A", "first"] == 2016 and runs.loc["A", "last"] == 2020
    assert bool(runs.loc["A", "ongoing"]) and runs.loc["A", "ratings"][3] == "无数据"
    assert runs.loc["B", "last"] == 2018 and not runs.loc["B", "ongoing"]        # then 良好 in 2020
    assert runs.loc["C", "last"] == 2019 and not runs.loc["C", "ongoing"]        # 2020 unknown
