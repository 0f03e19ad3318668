"""Open-text concerns (PII masking, jieba, themes, quotations), objective vs subjective,
hot issues and the survey chart kinds."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from reportkit.analyse.concerns import (MASK, analyse_texts, load_concerns_config, mask_pii, mask_text)
from reportkit.load.project import open_project
from reportkit.score.survey import run_survey
from survey_factory import TEXT_Q, make_project, response

ROOT = Path(__file__).resolve().parent.parent


# --- personal data ------------------------------------------------------------------------
@pytest.mark.parametrize("raw, gone", [
    ("停车难，有问题打我电话13812345678", "13812345678"),
    ("电话 138-1234-5678 随时联系", "138-1234-5678"),
    ("座机0769-22334455", "22334455"),
    ("我的身份证号是44190019900101123X，希望多建学校", "44190019900101123X"),
    ("身份证441900900101123", "441900900101123"),
    ("我叫王小明，住在东城街道，交通拥堵", "王小明"),
    ("姓名：李雷 建议增加公交", "李雷"),
    ("姓名张伟，联系人：陈芳", "陈芳"),
    ("邮箱 someone@example.com", "someone@example.com"),
    ("微信号 abc_12345", "abc_12345"),
])
def test_personal_data_masked(raw, gone):
    out = mask_text(raw)
    assert gone not in out and MASK in out


def test_masking_keeps_ordinary_text():
    for text in ("公交班次少，等车要30分钟", "2020年房价太高", "希望多建3个公园"):
        assert mask_text(text) == text


def test_mask_pii_vectorised_flags_changes():
    s = pd.Series(["我叫张三，停车难", "公交班次少", "我叫张三，停车难", ""])
    masked, changed = mask_pii(s)
    assert list(masked) == ["我叫***，停车难", "公交班次少", "我叫***，停车难", ""]
    assert list(changed) == [True, False, True, False]


# --- segmentation, keywords, themes, quotations ----------------------------------------------
def _config(dims=("交通便捷", "生态宜居", "生活舒适")):
    return load_concerns_config(None, dims)


def test_keywords_themes_and_quotes():
    texts = pd.Series(["停车难，车位太少"] * 5 + ["公交班次少，等车时间长"] * 3 + ["我叫王小明，停车难，电话13812345678"]
                      + ["希望政府加强管理"] * 2 + ["公园绿地少"])
    con = analyse_texts(texts, _config())
    assert con.answers == 12 and con.masked == 1
    words = dict(zip(con.keywords["word"], con.keywords["count"]))
    assert words["停车难"] == 6 and words["公交班次"] == 3   # user dictionary term
    for w in words:   # no stop words, no masked data, no digits, nothing one character long
        assert w not in ("希望", "政府", "加强", "的") and "王小明" not in w and not w.isdigit() and len(w) >= 2
    themes = con.themes.set_index("theme")
    assert themes.at["停车难", "mentions"] == 6
    assert themes.at["停车难", "share"] == pytest.approx(6 / 12)
    assert themes.at["公共交通不便", "mentions"] == 3
    assert con.themes["theme"].iloc[0] == "停车难"          # most mentioned first
    assert con.quotes["停车难"][0] == "停车难，车位太少"
    for quotes in con.quotes.values():
        for q in quotes:
            assert MASK not in q and "王小明" not in q and "138" not in q


@pytest.mark.parametrize("text, theme", [
    ("每天都堵", "交通拥堵"), ("早上堵得要命", "交通拥堵"), ("车位太少", "停车难"), ("晚上停车只能停路边", "停车难"),
    ("下大雨就淹", "内涝积水"), ("物业不管事，电梯经常坏", "住房质量与物业"), ("孩子上学太远", "入学难"),
])
def test_themes_match_stems_not_phrases(text, theme):
    con = analyse_texts(pd.Series([text]), _config())
    t = con.themes.set_index("theme")
    assert t.at[theme, "mentions"] == 1


def test_theme_exclusions():
    con = analyse_texts(pd.Series(["小区下水道堵了好几天"]), _config())
    t = con.themes.set_index("theme")
    assert t.at["交通拥堵", "mentions"] == 0 and t.at["内涝积水", "mentions"] == 1


def test_fillers_are_never_keywords():
    """Words that say nothing about a concern (the issue's list) do not count, whatever the
    survey: by part of speech, general-language IDF and the general stop-word list."""
    texts = pd.Series(["晚上回来停车只能临时停在路边", "地方很大但是没有像样的公园", "小孩上学的时候路上太堵了",
                       "每天都堵，上班要一个小时", "希望政府尽快解决停车问题"] * 3)
    con = analyse_texts(texts, _config())
    words = set(con.keywords["word"])
    assert not words & {"很大", "晚上", "地方", "只能", "时候", "每天", "临时", "希望", "政府", "问题", "但是"}
    assert {"停车", "公园"} <= words
    assert con.keywords["weight"].is_monotonic_decreasing       # TF-IDF order


def test_fragments_are_no_keywords():
    """Where a concern is (门口, 路上, 路边: place words), a unit (一个小时), a qualifier (像样)
    and a word jieba made up around a stop word (要排 of 要排很久的队) name no concern."""
    texts = pd.Series(["下大雨的时候门口就淹了", "小孩上学的时候路上太堵了", "晚上回来停车只能临时停在路边",
                       "每天都堵，上班要一个小时", "地方很大但是没有像样的公园", "看病要排很久的队，社区医院医生太少",
                       "小区充电桩太少"] * 3)
    words = set(analyse_texts(texts, _config()).keywords["word"])
    assert not words & {"门口", "路上", "路边", "小时", "像样", "要排"}, words
    # the words that do name a concern stay, a word jieba guessed among them (充电桩)
    assert {"大雨", "停车", "公园", "看病", "医生", "充电桩"} <= words, words


def test_general_stop_words_come_from_a_maintained_list():
    from reportkit.analyse.concerns import general_stopwords

    words = general_stopwords()
    assert len(words) > 500 and {"的", "我们", "时候"} <= words


def test_near_duplicate_quotes_are_merged():
    texts = pd.Series(["物业不管事，电梯经常坏"] * 5 + ["物业不管事，电梯经常坏！"] * 3 + ["物业不管事电梯经常坏。。"] * 2
                      + ["物业费太贵了而且服务很差"] * 4)
    con = analyse_texts(texts, _config())
    quotes = con.quotes["住房质量与物业"]
    assert quotes[0] == "物业不管事，电梯经常坏" and con.quote_counts[quotes[0]] == 10
    assert len([q for q in quotes if "电梯经常坏" in q]) == 1
    assert "物业费太贵了而且服务很差" in quotes


def test_built_in_themes_name_no_dimension_of_the_demo():
    """The built-in themes find their dimensions through the project's indicators; the
    demo's dimension names appear nowhere in templates/concerns.toml."""
    demo = pd.read_csv(ROOT / "content" / "data" / "indicators.csv", dtype=str)
    text = (ROOT / "templates" / "concerns.toml").read_text(encoding="utf-8")
    for d in demo["dimension"].unique():
        assert d not in text, d
    import tomllib

    assert not [t["name"] for t in tomllib.loads(text)["themes"] if "dimension" in t]


def test_jieba_initialises_quietly_with_cache_in_given_dir(tmp_path):
    code = ("import pandas as pd\n"
            "from reportkit.analyse.concerns import analyse_texts, load_concerns_config\n"
            "c = analyse_texts(pd.Series(['停车难，公交班次少']), load_concerns_config(None, ['交通便捷']))\n"
            "print(c.keywords['word'].tolist())\n")
    env = {"REPORTKIT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""                                   # no "Building prefix dict …"
    assert "停车难" in res.stdout
    assert (tmp_path / "cache" / "jieba-default.cache").exists()


def test_concerns_of_a_survey_use_valid_answers_only(tmp_path):
    rows = [response(i, **{TEXT_Q: "停车难"}) for i in range(40)]
    rows.append(response(40, duration_s="3", **{TEXT_Q: "公交班次少"}))    # rejected: not analysed
    project, _ = open_project(make_project(tmp_path / "p", rows))
    con = run_survey(project).concerns
    assert con.answers == 40
    assert "公交" not in set(con.keywords["word"])


# --- objective vs subjective, hot issues ------------------------------------------------------
class _Scores:
    def __init__(self, dims: dict, table: pd.DataFrame | None = None):
        self.dimensions = pd.DataFrame({"dimension": list(dims), "score": list(dims.values())})
        self.table = table if table is not None else pd.DataFrame(
            columns=["code", "name", "dimension", "rating", "score"])


class _Survey:
    def __init__(self, dims: dict, questions: pd.DataFrame | None = None, project_root=None):
        self.dimension_scores = dims
        self.dimensions = list(dims)
        self.project = type("P", (), {"root": project_root})()
        self.question_table = questions if questions is not None else pd.DataFrame(
            columns=["qid", "text", "dimension", "score"])


def test_compare_judges_by_the_printed_gap():
    from reportkit.analyse.compare import compare

    ind = {"A": 90.0, "B": 80.0, "C": 70.0, "D": 60.0, "E": 85.0, "F": 75.0}
    sat = {"A": 60.0, "B": 72.0, "C": 62.0, "D": 75.0, "E": 76.0, "F": 66.04}
    df = compare(_Scores(ind), _Survey(sat)).set_index("dimension")
    assert df.at["A", "difference"] == -30 and df.at["A", "flag"] == "objective_better"
    assert df.at["A", "judgement"] == "指标评价优于市民感受"
    assert df.at["D", "difference"] == 15 and df.at["D", "judgement"] == "市民感受优于指标评价"
    assert df.at["B", "flag"] == "" and df.at["B", "judgement"] == "基本一致"
    assert df.at["F", "difference"] == pytest.approx(-9.0)       # from the printed 66.0 and 75.0
    assert df.at["A", "indicator_rank"] == 1 and df.at["A", "satisfaction_rank"] == 6


def test_compare_threshold_is_inclusive_on_the_printed_gap():
    from reportkit.analyse.compare import compare

    # 70.04 − 79.99 prints as 70.0 − 80.0 = −10.0: the table shows −10.0, so it is flagged
    df = compare(_Scores({"A": 79.99, "B": 80.0}), _Survey({"A": 70.04, "B": 70.06})).set_index("dimension")
    assert df.at["A", "difference"] == pytest.approx(-10.0) and df.at["A", "flag"] == "objective_better"
    assert df.at["B", "difference"] == pytest.approx(-9.9) and df.at["B", "flag"] == ""


@pytest.mark.parametrize("threshold", [5.0, 10.0, 12.5])
def test_compare_verdict_is_monotonic_in_the_gap(threshold):
    """The issue's case: a −13.5 gap must never be judged closer than a −12.7 one.  Over
    many gaps, the verdict (−1 objective better, 0 consistent, +1 subjective better) never
    decreases as the gap grows, whatever the other dimensions score."""
    from reportkit.analyse.compare import compare

    gaps = [x / 10 for x in range(-300, 301, 7)] + [-13.5, -12.7, -threshold, threshold]
    ind = {f"D{i:03d}": 85.0 - (i % 5) for i in range(len(gaps))}
    sat = {d: ind[d] + g for d, g in zip(ind, gaps)}
    df = compare(_Scores(ind), _Survey(sat), threshold=threshold)
    score = {"objective_better": -1, "": 0, "subjective_better": 1}
    df = df.assign(v=df["flag"].map(score)).sort_values("difference", kind="stable")
    assert df["v"].is_monotonic_increasing
    assert set(df.loc[df["difference"] <= -threshold, "v"]) == {-1}
    assert set(df.loc[df["difference"] >= threshold, "v"]) == {1}
    assert set(df.loc[df["difference"].abs() < threshold, "v"]) == {0}
    one = compare(_Scores({"X": 80.0, "Y": 80.0}), _Survey({"X": 66.5, "Y": 67.3}), threshold=13.0)
    assert list(one["flag"]) == ["objective_better", ""]       # −13.5 flagged, −12.7 not


def test_compare_gap_from_project_settings(tmp_path):
    from reportkit.analyse.compare import compare_gap

    rows = [response(i) for i in range(40)]
    project, _ = open_project(make_project(tmp_path / "p", rows, survey_toml="[survey]\ncompare_gap = 7.5\n"))
    assert compare_gap(run_survey(project)) == 7.5


def test_hot_issues_rank_and_show_inputs():
    from reportkit.analyse.hot_issues import hot_issues

    table = pd.DataFrame([
        ("JTBJ-08", "公共停车泊位与机动车保有量比例", "交通便捷", "%", "短板", 30.0),
        ("JTBJ-05", "公共交通出行分担率", "交通便捷", "%", "良好", 100.0),
        ("STYJ-04", "人均公园绿地面积", "生态宜居", "平方米/人", "良好", 100.0),
        ("STYJ-07", "城市空气质量优良天数比率", "生态宜居", "%", "预警", 80.0),
    ], columns=["code", "name", "dimension", "unit", "rating", "score"])
    project = SimpleNamespace(tables={"indicators": True}, indicators=table, dimensions=["交通便捷", "生态宜居"])
    cfg = load_concerns_config(None, project=project)
    questions = pd.DataFrame([("Q09", "您对停车便利程度的满意程度", "交通便捷", 55.0),
                              ("Q08", "您对公交出行的满意程度", "交通便捷", 75.0),
                              ("Q01", "您对公园绿地的满意程度", "生态宜居", 80.0)],
                             columns=["qid", "text", "dimension", "score"])
    texts = pd.Series(["停车难"] * 6 + ["公交班次少"] * 3 + ["空气污染"] * 1)
    con = analyse_texts(texts, cfg)
    hot = hot_issues(_Scores({"交通便捷": 65.0, "生态宜居": 90.0}, table),
                     _Survey({"交通便捷": 60.0, "生态宜居": 78.0}, questions), con, cfg)
    top = hot.top
    assert list(top["rank"]) == list(range(1, len(top) + 1))
    assert set(top["problem"]) == {"停车难", "公共交通不便", "环境污染"}     # only what residents raised
    first = top.iloc[0]
    assert first["problem"] == "停车难"
    assert (first["short"], first["rated"], first["satisfaction_basis"], first["mentions"]) == (1, 1, "Q09", 6)
    assert first["heat"] == pytest.approx(100.0)        # worst on all three inputs
    assert "JTBJ-08" in first["weak_indicators"]
    assert hot.weights == pytest.approx((0.4, 0.3, 0.3))
    assert "40%" in hot.method and "热度指数" in hot.method and "{" not in hot.method
    assert top["heat"].is_monotonic_decreasing


# --- chart kinds --------------------------------------------------------------------------------
def _theme():
    from reportkit.theme import load_theme

    return load_theme(None)


def test_survey_charts_draw_and_describe():
    from reportkit.charts import ChartSpec, alt_text, draw_png
    from reportkit.charts import survey  # noqa: F401

    theme = _theme()
    specs = [
        ChartSpec("heatmap", "t-heat", {"columns": ["生态宜居", "交通便捷"], "rows": ["本地户籍", "外来人口", "18岁以下"],
                                         "sections": [["户籍", 2], ["年龄段", 1]],
                                         "values": [[78.4, 69.0], [76.8, 67.1], [None, None]],
                                         "missing_label": "样本不足", "decimals": 1, "unit": "分"}),
        ChartSpec("screening", "t-screen", {"collected": 100, "valid": 90, "rules": ["重复作答", "答题过快"],
                                             "counts": [6, 4], "unit": "份"}),
        ChartSpec("keywords", "t-kw", {"words": ["停车难", "公交"], "counts": [30, 12]}),
        ChartSpec("dumbbell", "t-db", {"labels": ["生态宜居", "交通便捷"], "a": [78.4, 69.0], "b": [76.8, 60.0],
                                        "a_label": "本地户籍", "b_label": "外来人口", "flags": [False, True],
                                        "flag_label": "差距≥5分", "unit": "分", "axis_label": "满意度得分"}),
    ]
    for spec in specs:
        png = draw_png(spec, theme)
        assert png.startswith(b"\x89PNG") and len(png) > 5000
        assert draw_png(spec, theme) == png                      # reproducible
    assert "18岁以下样本不足" in alt_text(specs[0]) and "本地户籍最高为生态宜居78.4分" in alt_text(specs[0])
    assert "回收问卷100份" in alt_text(specs[1]) and "重复作答6份（6.0%）" in alt_text(specs[1])
    assert alt_text(specs[2]).startswith("开放题出现次数最多的2个关键词")
    assert "交通便捷本地户籍69.0分、外来人口60.0分（差距≥5分）" in alt_text(specs[3])


def test_screening_chart_rejects_inconsistent_counts():
    from reportkit.charts import ChartSpec, draw_png
    from reportkit.errors import ReportkitError

    spec = ChartSpec("screening", "bad", {"collected": 100, "valid": 90, "rules": ["重复作答"], "counts": [5]})
    with pytest.raises(ReportkitError, match="不等于回收"):
        draw_png(spec, _theme())


# --- substring traps, the concern rule, choice questions as asked -------------------------------
# (answer, themes it must mention, themes it must not): a theme's pattern inside a longer word
# of another meaning does not count, and the rest of the answer still does
TRAPS = [
    ("卫生院看不了病", {"看病就医"}, {"环境卫生差"}),
    ("社区卫生服务中心太远了", {"看病就医"}, {"环境卫生差"}),
    ("村卫生室连个医生都没有", {"看病就医"}, {"环境卫生差"}),
    ("环境卫生太差", {"环境卫生差"}, {"看病就医"}),
    ("卫生院太远，街上垃圾也没人清", {"看病就医", "环境卫生差"}, set()),
    ("家里卫生间漏水", {"住房质量与物业"}, {"环境卫生差"}),
    ("公共卫生间没人打扫", {"环境卫生差"}, {"住房质量与物业"}),
    ("交通拥堵，上班要一个小时", {"交通拥堵"}, {"治安与安全隐患"}),
    ("路口交通事故多", {"治安与安全隐患"}, {"交通拥堵"}),
    ("晚上走路不安全", {"治安与安全隐患"}, set()),
    ("食品不安全", set(), {"治安与安全隐患"}),
    ("小区下水道堵了好几天", {"内涝积水"}, {"交通拥堵"}),
    ("下水道堵了，路上也天天堵车", {"内涝积水", "交通拥堵"}, set()),
    ("广场上音响开到晚上十点", {"噪声扰民"}, {"公园绿地不足"}),
    ("想多建几个广场和公园", {"公园绿地不足"}, {"噪声扰民"}),
    ("邻居天天吵架", set(), {"噪声扰民"}),
    ("房产证是历史遗留问题", set(), {"城市风貌与文化"}),
    ("保护好历史建筑", {"城市风貌与文化"}, set()),
    ("学校门口接孩子的车太多，堵得很", {"交通拥堵"}, {"入学难"}),
    ("孩子上学太远", {"入学难"}, set()),
    ("小孩上学的时候路上太堵了", {"交通拥堵"}, {"入学难"}),
    ("早上堵车，孩子上学经常迟到", {"交通拥堵"}, {"入学难"}),
    ("送孩子去幼儿园的路上车太多", {"交通拥堵"}, {"入园难", "入学难"}),
    ("上学路上太堵，学位也不够", {"交通拥堵", "入学难"}, set()),
    ("上学太远，路上还堵", {"交通拥堵", "入学难"}, set()),
    ("附近没有幼儿园，入园难", {"入园难"}, {"入学难"}),
    ("学校太挤，一个班六十多人", {"入学难"}, {"交通拥堵"}),
    ("道路改造拖了一年", set(), {"老旧小区与城中村"}),
    ("老旧小区改造太慢", {"老旧小区与城中村"}, set()),
    ("快递站点太少", set(), {"公共交通不便"}),
    ("回乡下的班车一天就三趟", {"公共交通不便"}, set()),
]


def test_theme_patterns_avoid_substring_traps():
    texts = pd.Series([t for t, _, _ in TRAPS])
    con = analyse_texts(texts, _config())
    hits = {th.name: th.matches(texts) for th in con.config.themes}
    for i, (text, yes, no) in enumerate(TRAPS):
        got = {name for name, h in hits.items() if h.iloc[i]}
        assert yes <= got, (text, got)
        assert not (no & got), (text, got)


def test_health_centres_are_no_sanitation_keyword():
    texts = pd.Series(["卫生院看不了病，都往城里医院挤"] * 6 + ["垃圾堆着没人清"] * 3)
    t = analyse_texts(texts, _config()).themes.set_index("theme")
    assert t.at["环境卫生差", "mentions"] == 3
    assert t.at["看病就医", "mentions"] == 6
    assert "卫生院" not in t.at["环境卫生差", "keywords"] and "卫生院" in t.at["看病就医", "keywords"]


def test_concern_averages_only_the_sources_that_could_count_a_theme():
    """One option of six stands for a theme: the other themes are judged by the open answers
    alone (not halved by a choice share of 0), the options of no theme are kept as chosen."""
    texts = pd.Series(["垃圾堆着没人清"] * 50 + ["买菜要走二十分钟"] * 10 + ["车位太少"] * 40)
    answers = pd.Series(["小区配套"] * 30 + ["交通出行"] * 50 + ["住房条件"] * 20)
    q = "您所在的乡镇（街道）最需要改善的方面是什么？（住房条件／小区配套／交通出行）"
    con = analyse_texts(texts, _config(), choices=[("Q20", q, answers)])
    t = con.themes.set_index("theme")
    assert bool(t.at["社区服务与配套", "choosable"]) and not t.at["环境卫生差", "choosable"]
    assert t.at["社区服务与配套", "choice_share"] == pytest.approx(0.3)
    assert t.at["社区服务与配套", "concern"] == pytest.approx((0.1 + 0.3) / 2)
    assert t.at["环境卫生差", "concern"] == pytest.approx(0.5)      # not 0.25
    assert t.at["停车难", "concern"] == pytest.approx(0.4)
    assert list(con.themes["theme"].head(3)) == ["环境卫生差", "停车难", "社区服务与配套"]
    ch = con.choices.set_index("option")
    assert ch.at["交通出行", "count"] == 50 and ch.at["交通出行", "theme"] == ""
    assert ch.at["小区配套", "theme"] == "社区服务与配套"
    assert con.choice_multiple == {"Q20": False}                  # one option each: single choice


def test_choice_only_survey_ranks_the_choosable_themes():
    con = analyse_texts(pd.Series([], dtype=object), _config(),
                        choices=[("Q1", "最需要改善的是？", pd.Series(["停车难"] * 3 + ["其他"]))])
    t = con.themes.set_index("theme")
    assert t.at["停车难", "concern"] == pytest.approx(0.75)
    assert (t.drop(index="停车难")["concern"] == 0).all()


@pytest.mark.parametrize("text, answers, multiple", [
    ("最需要改善的是？（住房／交通）", ["住房", "交通┋住房", "交通"], True),     # someone chose two
    ("最需要改善的是？（住房／交通）", ["住房", "交通", "交通"], False),
    ("最需要改善的是？（可多选）（住房／交通）", ["住房", "交通"], True),          # the questionnaire says so
    ("最需要改善的是？（限选2项）", ["住房"], True),
])
def test_multiple_choice_is_what_respondents_did_or_were_told(text, answers, multiple):
    con = analyse_texts(pd.Series(["车位太少"]), _config(), choices=[("Q", text, pd.Series(answers))])
    assert con.choice_multiple["Q"] is multiple


@pytest.mark.parametrize("text, asked", [
    ("您所在的乡镇（街道）最需要改善的方面是什么？（住房条件／小区配套／街道环境）",
     "您所在的乡镇（街道）最需要改善的方面是什么？"),
    ("您认为所在街道最需要改善的方面是？（可多选）（道路交通拥堵／停车设施）", "您认为所在街道最需要改善的方面是？"),
    ("您所在的乡镇（街道）", "您所在的乡镇（街道）"),
    ("最需要改善的是（单选）", "最需要改善的是"),
    ("（住房／交通）", "（住房／交通）"),
])
def test_choice_question_printed_as_asked(text, asked):
    from reportkit.compose.survey_chapter import question_as_asked
    from reportkit.wording import load_toml

    assert question_as_asked(text, load_toml("survey.toml")["chapter"]) == asked
