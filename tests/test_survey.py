"""Satisfaction survey: screening rules, formulas, small groups, outputs, bad input."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from reportkit.errors import ReportkitError
from reportkit.load.project import open_project
from reportkit.score.survey import run_survey
from reportkit.vocab import INSUFFICIENT, REJECT_RULES
from survey_factory import LIKERT, TEXT_Q, TOWNS, make_project, many, response


def run(tmp_path, rows, **kw):
    root = make_project(tmp_path / "p", rows, **kw)
    project, _ = open_project(root)
    return run_survey(project)


def rules_of(result) -> dict:
    s = result.screening
    return dict(zip(s["response_id"], s["rule"]))


def q_score(answers) -> float:
    a = [x for x in answers if 1 <= x <= 5]
    return (sum(a) / len(a) - 1) / 4 * 100


# --- screening --------------------------------------------------------------------------
def test_each_rule_in_isolation_with_detail(tmp_path):
    rows = many(40)
    rows[1]["respondent"] = rows[0]["respondent"]                 # 重复作答
    rows[2]["duration_s"] = "119"                                 # 答题过快
    rows[3]["duration_s"] = "120"                                 # exactly the limit: valid
    rows[4]["Q05"] = "7"                                          # 数值越界
    rows[5].update({q: "" for q in LIKERT[:3]})                   # 9 of 12 answered < 80 %
    rows[6].update({q: "0" for q in LIKERT[:2]})                  # 10 of 12 = 83 %: valid
    rows[7].update({q: "3" for q in LIKERT})                      # 连续同一答案
    rows[8]["town"] = "火星镇"                                     # 地区无效
    rows[9]["town"] = ""                                          # 地区无效 (empty)
    r = run(tmp_path, rows)
    got = rules_of(r)
    assert got["R00000"] == "" and got["R00003"] == "" and got["R00006"] == ""
    assert [got[f"R{i:05d}"] for i in (1, 2, 4, 5, 7, 8, 9)] == [
        "重复作答", "答题过快", "数值越界", "作答不完整", "连续同一答案", "地区无效", "地区无效"]
    det = dict(zip(r.screening["response_id"], r.screening["detail"]))
    assert "R00000" in det["R00001"]
    assert det["R00002"] == "答题用时 119 秒，少于 120 秒"
    assert det["R00004"] == "题目 Q05 的答案“7”不是 0–5 的整数"
    assert "9 题" in det["R00005"] and "10 题" in det["R00005"]
    assert det["R00007"] == "12 道满意度题的答案全部为 3"
    assert "火星镇" in det["R00008"] and det["R00009"] == "未填写所在街道（镇）"
    s = r.summary
    assert s["collected"] == 40 and s["valid"] == 33
    assert s["rejected"] == {"重复作答": 1, "答题过快": 1, "数值越界": 1, "作答不完整": 1,
                             "连续同一答案": 1, "地区无效": 2}
    assert list(s["rejected"]) == list(REJECT_RULES)


def test_first_failing_rule_wins(tmp_path):
    rows = many(20)
    # duplicate that is also fast, out of range, incomplete, straight-lined and in a bad town
    rows[1].update(respondent=rows[0]["respondent"], duration_s="10", town="火星镇",
                   **{q: "5" for q in LIKERT[:9]}, Q10="9", Q11="", Q12="")
    rows[2].update(duration_s="10", Q01="-1", **{q: "" for q in LIKERT[1:6]})   # fast + oor + incomplete
    rows[3].update(Q01="5分", **{q: "" for q in LIKERT[1:6]}, town="")          # oor + incomplete + town
    rows[4].update(**{q: "" for q in LIKERT[:3]}, **{q: "2" for q in LIKERT[3:]})  # incomplete, 9 same
    rows[5].update(**{q: "4" for q in LIKERT}, town="火星镇")                     # straight + town
    got = rules_of(run(tmp_path, rows))
    assert [got[f"R{i:05d}"] for i in range(1, 6)] == ["重复作答", "答题过快", "数值越界", "作答不完整",
                                                        "连续同一答案"]


def test_duplicates_ordered_by_time_then_row(tmp_path):
    rows = many(35)
    # row 1 submitted earlier than row 0 by the same person: row 1 is kept
    rows[0].update(respondent="same", submitted_at="2020-10-02 09:00:00")
    rows[1].update(respondent="same", submitted_at="2020-10-01 09:00:00")
    # same second: row order decides (row 2 kept, row 3 rejected)
    rows[2].update(respondent="twin", submitted_at="2020-10-03 10:00:00")
    rows[3].update(respondent="twin", submitted_at="2020-10-03 10:00:00")
    # a different date format still sorts by time (2020/9/30 is before 2020-10-01)
    rows[4].update(respondent="fmt", submitted_at="2020-10-01 00:00:01")
    rows[5].update(respondent="fmt", submitted_at="2020/9/30 8:00")
    # empty respondents are never duplicates
    rows[6]["respondent"] = ""
    rows[7]["respondent"] = ""
    # three submissions: only the first survives
    for i, t in ((8, "2020-10-05 08:00:00"), (9, "2020-10-04 08:00:00"), (10, "2020-10-06 08:00:00")):
        rows[i].update(respondent="thrice", submitted_at=t)
    r = run(tmp_path, rows)
    got = rules_of(r)
    assert got["R00000"] == "重复作答" and got["R00001"] == ""
    assert got["R00002"] == "" and got["R00003"] == "重复作答"
    assert got["R00004"] == "重复作答" and got["R00005"] == ""
    assert got["R00006"] == "" and got["R00007"] == ""
    assert (got["R00008"], got["R00009"], got["R00010"]) == ("重复作答", "", "重复作答")
    det = dict(zip(r.screening["response_id"], r.screening["detail"]))
    assert "R00001" in det["R00000"] and "R00009" in det["R00010"]


def test_out_of_range_values_and_labels(tmp_path):
    rows = many(40)
    rows[0]["Q01"] = "7"
    rows[1]["Q02"] = "-1"
    rows[2]["Q03"] = "5分"
    rows[3]["Q04"] = "3.5"
    rows[4]["Q05"] = "非常好"                    # unknown label
    rows[5]["Q06"] = "满意"                      # known label -> 4
    rows[6].update(Q07="很不满意", Q08="不了解")   # 1, and 0 (not counted)
    rows[7]["Q09"] = "4.0"                       # Excel-style integer: accepted
    r = run(tmp_path, rows)
    got = rules_of(r)
    assert [got[f"R{i:05d}"] for i in range(5)] == ["数值越界"] * 5
    assert got["R00005"] == got["R00006"] == got["R00007"] == ""
    assert r.label_cells == {"很不满意": 1, "满意": 1, "不了解": 1}
    msg = r.label_message()
    assert "“满意”→4" in msg and "templates/survey.toml" in msg
    valid = r.valid.set_index("response_id")
    assert valid.at["R00005", "Q06"] == "4" and valid.at["R00006", "Q07"] == "1"
    assert valid.at["R00006", "Q08"] == ""      # 不了解 is not an answer
    assert valid.at["R00007", "Q09"] == "4"


def test_all_label_export_is_recognised(tmp_path):
    words = {1: "很不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "很满意"}
    rows = many(30)
    for row in rows:
        for q in LIKERT:
            row[q] = words[int(row[q])]
    r = run(tmp_path, rows)
    assert r.summary["valid"] == 30
    ref = run(tmp_path / "num", many(30))
    assert r.summary["questions"] == ref.summary["questions"]
    assert sum(r.label_cells.values()) == 30 * len(LIKERT)


def test_thresholds_come_from_project_toml(tmp_path):
    rows = many(10)
    rows[0]["duration_s"] = "150"
    rows[1].update({q: "" for q in LIKERT[:6]})          # 6 of 12 = 50 %
    rows[2].update({q: "" for q in LIKERT[:4]}, **{q: "2" for q in LIKERT[4:]})   # 8 answers, all 2
    rows[3].update({q: "" for q in LIKERT[:5]}, **{q: "2" for q in LIKERT[5:]})   # 7 answers, all 2
    r = run(tmp_path, rows, survey_toml="[survey]\nmin_duration_s = 200\nmin_answered = 0.5\nstraight_min = 8\n")
    got = rules_of(r)
    assert got["R00000"] == "答题过快"
    assert got["R00001"] == ""                       # exactly 50 % answered passes
    assert got["R00002"] == "连续同一答案"            # 8 >= straight_min
    assert got["R00003"] == ""                       # 7 < straight_min
    assert got["R00004"] == ""                       # 300 s >= 200 s


def test_thresholds_default_row_is_valid(tmp_path):
    r = run(tmp_path, many(3), survey_toml="[survey]\nmin_duration_s = 200\n")
    assert set(rules_of(r).values()) == {""}


# --- formulas ---------------------------------------------------------------------------
def test_exact_satisfaction_formulas_and_unknown_answers(tmp_path):
    rows = many(31)
    # 不了解 as 0 and as empty on one questionnaire each: not counted
    rows[0].update(Q01="0", Q02="0")
    rows[1].update(Q01="")
    rows[2]["Q12"] = "不了解"
    r = run(tmp_path, rows)
    assert r.summary["valid"] == 31
    df = pd.DataFrame(rows)
    q = {}
    for qid in LIKERT:
        vals = [int(v) for v in df[qid] if v not in ("", "0", "不了解")]
        q[qid] = (sum(vals) / len(vals) - 1) / 4 * 100
        assert r.summary["questions"][qid] == pytest.approx(q[qid], abs=1e-12)
    qt = r.question_table.set_index("qid")
    assert qt.at["Q01", "answered"] == 29 and qt.at["Q01", "unknown"] == 2
    d1 = sum(q[x] for x in LIKERT[:6]) / 6
    d2 = sum(q[x] for x in LIKERT[6:]) / 6
    assert r.summary["dimensions"] == pytest.approx({"生态宜居": d1, "交通便捷": d2}, abs=1e-12)
    assert r.summary["overall"] == pytest.approx((d1 + d2) / 2, abs=1e-12)
    assert list(r.summary["dimensions"]) == ["生态宜居", "交通便捷"]  # catalogue order


def test_group_scores_use_the_same_formulas(tmp_path):
    rng = np.random.default_rng(7)
    rows = many(120)
    for row in rows:
        row.update({q: str(v) for q, v in zip(LIKERT, rng.choice([2, 3, 4, 5], len(LIKERT), p=[.1, .2, .4, .3]))})
        row["Q03"] = rng.choice(["", "0", "4"])
    r = run(tmp_path, rows)
    df = pd.DataFrame(rows)
    for value in ("本地户籍", "外来人口"):
        sub = df[df["hukou"] == value]
        q = {qid: q_score([int(v) for v in sub[qid] if v not in ("", "0")]) for qid in LIKERT}
        d1 = sum(q[x] for x in LIKERT[:6]) / 6
        d2 = sum(q[x] for x in LIKERT[6:]) / 6
        assert r.summary["groups"]["hukou"][value] == pytest.approx((d1 + d2) / 2, abs=1e-12)
        assert r.summary["groups"]["hukou"][value] != 50.0


# --- small groups --------------------------------------------------------------------------
def test_29_is_insufficient_and_30_is_a_number(tmp_path):
    rows = [response(i, town=TOWNS[0]) for i in range(29)] + [response(i, town=TOWNS[1]) for i in range(29, 59)]
    rows.append(response(59, town=TOWNS[0], duration_s="5"))          # rejected: does not count
    r = run(tmp_path, rows)
    towns = r.summary["groups"]["town"]
    assert towns[TOWNS[0]] is None
    assert isinstance(towns[TOWNS[1]], float)
    g = r.group_table.set_index(["group", "value"])
    assert g.at[("town", TOWNS[0]), "status"] == INSUFFICIENT
    assert all(pd.isna(g.loc[("town", TOWNS[0]), d]) for d in ("overall", "生态宜居", "交通便捷"))
    assert json.loads(json.dumps(r.summary))["groups"]["town"][TOWNS[0]] is None


def test_complementary_suppression(tmp_path):
    # 3 towns: 20 (suppressed), 31, 40 -> the 31 is hidden as well
    rows = ([response(i, town=TOWNS[0]) for i in range(20)] + [response(i, town=TOWNS[1]) for i in range(20, 51)]
            + [response(i, town=TOWNS[2]) for i in range(51, 91)])
    r = run(tmp_path, rows)
    t = r.groups("town").set_index("value")
    assert pd.isna(t.at[TOWNS[0], "n"]) and pd.isna(t.at[TOWNS[1], "n"]) and t.at[TOWNS[2], "n"] == 40
    assert t.at[TOWNS[1], "overall"] is not None and not math.isnan(t.at[TOWNS[1], "overall"])
    published = [n for n in t["n"] if not pd.isna(n)]
    # the published figures no longer pin down the suppressed group
    assert r.summary["valid"] - sum(published) == 51
    # two suppressed groups: no extra suppression needed
    rows = ([response(i, town=TOWNS[0]) for i in range(20)] + [response(i, town=TOWNS[1]) for i in range(20, 45)]
            + [response(i, town=TOWNS[2]) for i in range(45, 85)])
    t = run(tmp_path / "b", rows).groups("town").set_index("value")
    assert pd.isna(t.at[TOWNS[0], "n"]) and pd.isna(t.at[TOWNS[1], "n"]) and t.at[TOWNS[2], "n"] == 40


def test_group_values_sorted_deterministically(tmp_path):
    ages = ["60岁及以上", "18-29岁", "18岁以下", "30-44岁"]
    rows = [response(i, age_group=ages[i % 4], hukou=["外来人口", "本地户籍"][i % 2], town=TOWNS[2 - i % 3],
                     occupation=["其他", "学生", ""][i % 3]) for i in range(160)]
    r = run(tmp_path, rows)
    g = r.summary["groups"]
    assert list(g) == ["hukou", "occupation", "town", "age_group", "channel"]
    assert list(g["hukou"]) == ["本地户籍", "外来人口"]
    assert list(g["town"]) == list(TOWNS)                    # areas order
    assert list(g["age_group"]) == ["18岁以下", "18-29岁", "30-44岁", "60岁及以上"]
    assert list(g["occupation"]) == ["学生", "其他", "未填写"]
    assert list(g["channel"]) == ["线上", "线下"]


def test_local_vs_migrant_gaps_flagged(tmp_path):
    rows = []
    for i in range(80):
        migrant = i % 2 == 0
        r = response(i, hukou="外来人口" if migrant else "本地户籍")
        if migrant:   # migrants one point lower on every 交通便捷 question -> 25 points lower
            r.update({q: str(max(1, int(r[q]) - 1)) if int(r[q]) > 1 else "1" for q in LIKERT[6:]})
        rows.append(r)
    res = run(tmp_path, rows)
    hk = res.hukou_gaps.set_index("dimension")
    assert hk.at["交通便捷", "flagged"] and hk.at["交通便捷", "gap"] < -5
    assert not hk.at["生态宜居", "flagged"]
    flagged = res.gaps[res.gaps["flagged"]]
    assert ("hukou", "交通便捷") in set(zip(flagged["group"], flagged["dimension"]))


# --- reading the export ----------------------------------------------------------------------
def test_gbk_encoded_export(tmp_path):
    rows = many(35)
    rows[0][TEXT_Q] = "停车难，公交班次少"
    rows[1]["town"] = "火星镇"
    r = run(tmp_path, rows, encoding="gbk")
    assert r.project.table("survey").encoding == "gb18030"
    assert r.summary["valid"] == 34 and r.summary["rejected"]["地区无效"] == 1
    assert r.summary["groups"]["hukou"]["本地户籍"] is None or isinstance(r.summary["groups"]["hukou"]["本地户籍"], float)
    assert "停车难，公交班次少" in set(r.valid[TEXT_Q])


def test_missing_question_column_is_a_clear_error(tmp_path):
    root = make_project(tmp_path / "p", many(5))
    path = root / "data" / "survey.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["Q07"])
    df.to_csv(path, index=False)
    with pytest.raises(ReportkitError) as err:
        open_project(root)
    text = err.value.format_message()
    assert "data/survey.csv" in text and "列 Q07" in text and "Q07" in text


# --- the command -------------------------------------------------------------------------------
def _invoke(root, out):
    from reportkit.commands.survey import command

    return CliRunner().invoke(command, ["--project", str(root), "--out", str(out), "--quiet"])


def test_command_writes_every_output_without_respondent(tmp_path):
    rows = many(70)
    rows[3]["respondent"] = rows[2]["respondent"]
    rows[4]["Q01"] = "满意"
    rows[5][TEXT_Q] = "我叫王小明，电话13812345678，身份证441900199001011234，停车太难"
    root = make_project(tmp_path / "p", rows)
    out = tmp_path / "out"
    res = _invoke(root, out)
    assert res.exit_code == 0, res.output
    assert "满意度题目以文字作答" in res.output and "回收问卷 70 份，有效 69 份" in res.output
    files = sorted(p.name for p in (out / "survey").iterdir())
    assert files == sorted(["summary.json", "rejected.csv", "responses.csv", "groups.csv", "gaps.csv",
                            "questions.csv", "keywords.csv", "themes.csv", "compare.csv", "hot_issues.csv"])
    raw = (out / "survey" / "summary.json").read_text(encoding="utf-8")
    summary = json.loads(raw)
    assert list(summary) == ["collected", "valid", "rejected", "overall", "dimensions", "questions", "groups"]
    assert summary["collected"] == 70 and summary["valid"] == 69
    rejected = pd.read_csv(out / "survey" / "rejected.csv", dtype=str, encoding="utf-8-sig")
    assert list(rejected.columns) == ["response_id", "rule", "detail"]
    assert rejected.to_dict("records") == [{"response_id": "R00003", "rule": "重复作答",
                                            "detail": "同一作答人已提交过问卷（保留最早提交的 R00002）"}]
    for p in (out / "survey").iterdir():
        data = p.read_bytes()
        if p.suffix == ".csv":
            assert data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8-sig")
        assert "respondent" not in text
        for row in rows:
            assert row["respondent"] not in text
        assert "13812345678" not in text and "441900199001011234" not in text and "王小明" not in text
    resp = pd.read_csv(out / "survey" / "responses.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(resp) == 69 and "respondent" not in resp.columns
    assert resp.loc[resp["response_id"] == "R00004", "Q01"].item() == "4"
    assert "我叫***" in resp.loc[resp["response_id"] == "R00005", TEXT_Q].item()
    groups = pd.read_csv(out / "survey" / "groups.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(groups.columns[:4]) == ["group", "value", "n", "overall"]
    hot = pd.read_csv(out / "survey" / "hot_issues.csv", encoding="utf-8-sig")
    # one answer about parking: one hot issue (a theme nobody raised is never one)
    assert list(hot["rank"]) == [1] and list(hot["problem"]) == ["停车难"]


def test_command_on_truncated_export_writes_nothing(tmp_path):
    rows = many(40)
    root = make_project(tmp_path / "p", rows)
    path = root / "data" / "survey.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "R99999,2020-10-01 09:00:00,300,线上,hx", encoding="utf-8")   # cut mid-row
    out = tmp_path / "out"
    res = _invoke(root, out)
    assert res.exit_code == 2
    assert "data/survey.csv" in res.output and "第 42 行" in res.output
    assert "Traceback" not in res.output
    assert not out.exists() or not any(out.rglob("*"))


def test_command_with_bad_thresholds_fails_cleanly(tmp_path):
    root = make_project(tmp_path / "p", many(5), survey_toml="[survey]\nmin_answered = 2\n")
    res = _invoke(root, tmp_path / "out")
    assert res.exit_code == 2 and "survey.min_answered" in res.output
    assert not (tmp_path / "out").exists()


def test_no_valid_questionnaire_is_a_user_error(tmp_path):
    rows = many(5)
    for row in rows:
        row.update({q: "A" for q in LIKERT})                      # an unknown label everywhere
    root = make_project(tmp_path / "p", rows)
    project, _ = open_project(root)
    with pytest.raises(ReportkitError) as err:
        run_survey(project)
    text = err.value.format_message()
    assert "回收问卷 5 份，有效问卷 0 份（数值越界 5 份）" in text
    line = next(ln for ln in text.splitlines() if "最多的无效原因" in ln)
    assert line.startswith("[错误] data/survey.csv，第 2 行，列 Q01：")
    assert "“数值越界”（5 份）" in line and "R00000" in line and "'A'" in line and "[likert_labels]" in line
    # both commands stop with exit 2 and publish nothing
    out = tmp_path / "out"
    res = _invoke(root, out)
    assert res.exit_code == 2 and "有效问卷 0 份" in res.output and "Traceback" not in res.output
    assert not out.exists() or not any(out.rglob("*"))
    from reportkit.cli import main

    res = CliRunner().invoke(main, ["report", "--project", str(root), "--out", str(tmp_path / "rep"), "--quiet",
                                    "--format", "docx"])
    assert res.exit_code == 2 and "有效问卷 0 份" in res.output, res.output
    assert not (tmp_path / "rep").exists() or not any((tmp_path / "rep").rglob("*"))


def test_no_valid_questionnaire_names_the_most_frequent_rule(tmp_path):
    rows = many(5)
    rows[0]["town"] = "火星镇"
    for row in rows[1:]:
        row["duration_s"] = "30"
    with pytest.raises(ReportkitError) as err:
        run(tmp_path, rows)
    text = err.value.format_message()
    assert "有效问卷 0 份（答题过快 4 份，地区无效 1 份）" in text
    line = next(ln for ln in text.splitlines() if "最多的无效原因" in ln)
    assert "data/survey.csv，第 3 行，列 duration_s" in line and "“答题过快”（4 份）" in line
    assert "R00001" in line and "'30'" in line


def test_header_only_export_is_a_user_error(tmp_path):
    root = make_project(tmp_path / "p", [])
    project, _ = open_project(root)
    with pytest.raises(ReportkitError) as err:
        run_survey(project)
    text = err.value.format_message()
    assert "问卷数据没有任何记录" in text and "data/survey.csv" in text
    out = tmp_path / "out"
    res = _invoke(root, out)
    assert res.exit_code == 2 and "问卷数据没有任何记录" in res.output and "Traceback" not in res.output
    assert not out.exists() or not any(out.rglob("*"))


# --- the chapter -----------------------------------------------------------------------------
def test_survey_chapter_blocks(tmp_path):
    from reportkit.compose.context import ComposeContext
    from reportkit.compose.survey_chapter import survey_chapter
    from reportkit.document import Document, Figure, Meta, Table, dump
    from reportkit.score.indicators import score_project
    from reportkit.theme import load_theme

    rows = [response(i, town=TOWNS[0] if i < 20 else TOWNS[1 + i % 2],
                     **{TEXT_Q: ["停车难，车位太少", "公交班次少，等车久", ""][i % 3]}) for i in range(100)]
    rows[0][TEXT_Q] = "我叫李雷，停车难"
    root = make_project(tmp_path / "p", rows)
    project, _ = open_project(root)
    r = run_survey(project)
    ctx = ComposeContext(project, score_project(project), load_theme(root), tmp_path / "fig", r)
    blocks = survey_chapter(ctx)
    doc = Document(Meta("t"), tuple(blocks))
    text = dump(doc)
    assert blocks[0].level == 1 and blocks[0].text == "市民满意度调查"
    for heading in ("调查概况与样本筛选", "不同群体满意度", "本地户籍与外来人口", "市民关注的主要问题", "热点问题"):
        assert heading in text
    assert INSUFFICIENT in text and "莞城街道样本不足" in text
    assert "李雷" not in text and "“停车难，车位太少”" in text
    keys = {b.key for b in doc.walk() if isinstance(b, Figure)}
    assert {k for k in keys if not k.startswith("survey-")} == set() and "survey-heatmap" in keys
    tables = {b.caption: b for b in doc.walk() if isinstance(b, Table)}
    assert "热点问题" in tables
    # nothing was rejected: one sentence, no table of zeros, no empty chart
    assert "全部问卷均符合筛选规则" in text and "问卷筛选结果" not in tables and "survey-screening" not in keys
    # only what residents raised: two themes, never padded to five
    assert len(tables["热点问题"].rows) == 2 and "排出以下两个热点问题" in text


@pytest.mark.parametrize("times", [
    ["2020-07-01 08:00:06", "2020-07-01 08:00:07", "", "2020/7/1 9:00", "昨天", "2020-07-01T08:00:06+08:00"],
    ["2020-07-01T08:00:06+08:00", "2020-07-01 08:00:06", "x", "2020-07-01 08:00:05Z", ""],
    ["", "", "2021-01-01", "2020-12-31 23:59:59", "13/01/2020 10:00"],
])
def test_submission_times_sort_the_same_read_once_per_distinct_text(monkeypatch, times):
    """Over SORT_DISTINCT rows each distinct text is read once: the order is the one the
    whole column gives (the format is inferred from the same first text)."""
    from reportkit.score import survey as sv

    rng = np.random.default_rng(len(times))
    s = pd.Series(np.array(times, dtype=object)[rng.integers(0, len(times), 30_000)], dtype=object)
    got = sv._sort_times(s)
    monkeypatch.setattr(sv, "SORT_DISTINCT", 10 ** 9)
    assert (got == sv._sort_times(s)).all()


def test_group_codes_from_the_readers_codes_are_the_groups_of_the_texts():
    """A breakdown's groups from the codes the columnar reader kept (load/encoded.py): the
    same values and rows as factorizing the texts; "" and a typed 未填写 are one group; a
    value only rejected questionnaires gave is no group."""
    from reportkit.load import encoded
    from reportkit.score.survey import _group_codes

    rng = np.random.default_rng(2)
    uniques = np.array(["甲镇", "", "未填写", "乙镇", "丙镇"], dtype=object)
    codes = rng.integers(0, 4, 5000).astype(np.int8)     # 丙镇 never occurs
    codes[:3] = [4, 0, 1]                                # ...but once, in a rejected row
    values = uniques.take(codes)
    valid = np.ones(len(values), dtype=bool)
    valid[0] = False
    plain = _group_codes(values.copy(), valid, "未填写")
    encoded.register(values, codes, uniques)
    assert encoded.lookup(values) is not None
    fast = _group_codes(values, valid, "未填写")

    def groups(gc):
        c, u = gc
        return sorted(u), np.asarray(u, dtype=object)[c].tolist()

    assert groups(fast) == groups(plain)
    assert sorted(fast[1]) == sorted(["甲镇", "未填写", "乙镇"])
