"""The embedded demo project (content/): it validates and has the pilot's shape."""
import json

from click.testing import CliRunner

from reportkit.cli import main
from reportkit.load.project import open_project
from reportkit.score.indicators import score_project
from reportkit.score.survey import run_survey


def test_demo_validates(demo_dir):
    r = CliRunner().invoke(main, ["validate", "--project", str(demo_dir)])
    assert r.exit_code == 0, r.output
    assert "0 个错误" in r.output


def test_demo_has_the_pilots_shape(demo_dir):
    project, _ = open_project(demo_dir)
    ind = project.indicators
    assert len(ind) == 57
    assert ind["category"].value_counts().to_dict() == {"基础指标": 46, "特色指标": 5, "市内指标": 6}
    assert project.dimensions == ["生态宜居", "特色鲜明", "交通便捷", "生活舒适", "多元包容", "安全韧性", "城市活力"]
    assert len(project.towns) == 34 and "松山湖" in project.towns
    assert set(project.peers) == {"深圳市", "广州市", "佛山市", "惠州市", "中山市"}
    kinds = project.departments["kind"].value_counts().to_dict()
    assert kinds == {"市直部门": 28, "园镇": 34}     # the 34 town governments file their towns' parts
    assert set(project.areas.loc[project.areas["kind"] == "town", "filer"]) == \
        set(project.departments.loc[project.departments["kind"] == "园镇", "id"])
    assert len(project.recommendations) == 44
    assert project.tracking["status"].value_counts().to_dict() == {"已开展": 31, "暂未开展": 9, "正在研究": 4}
    assert len(project.sub_indicators) == 152
    assert project.settings.demo
    # every department leads or assists a recommendation, so each gets a sheet
    recs = project.recommendations
    involved = set(recs["lead"]) | {d for ds in recs["assist_list"] for d in ds}
    assert involved == set(project.departments.loc[project.departments["kind"] == "市直部门", "id"])


def test_demo_scores_and_survey(demo_dir, tmp_path):
    project, _ = open_project(demo_dir)
    ratings = score_project(project).table["rating"].value_counts()
    assert set(ratings.index) == {"良好", "预警", "短板", "无数据", "无参照"}
    summary = run_survey(project).summary
    assert summary["collected"] == 87000
    assert summary["valid"] == 79000
    assert sum(summary["rejected"].values()) == 8000
    assert list(summary["rejected"]) == ["重复作答", "答题过快", "数值越界", "作答不完整", "连续同一答案", "地区无效"]
    assert summary["groups"]["age_group"]["18岁以下"] is None  # fewer than 30 valid: 样本不足
    r = CliRunner().invoke(main, ["survey", "--project", str(demo_dir), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "survey" / "summary.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(summary))
