"""Small hand-built checkup projects for the survey tests (written into a tmp dir)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

DIMS = ("生态宜居", "交通便捷")
TOWNS = ("莞城街道", "东城街道", "南城街道")
LIKERT = [f"Q{i:02d}" for i in range(1, 13)]   # Q01-Q06 生态宜居, Q07-Q12 交通便捷
QTEXT = {
    "Q01": "您对居住地周边公园绿地的满意程度", "Q02": "您对城市空气质量的满意程度",
    "Q03": "您对河涌水体环境的满意程度", "Q04": "您对绿道休闲空间的满意程度",
    "Q05": "您对噪声环境的满意程度", "Q06": "您对环境卫生的满意程度",
    "Q07": "您对日常通勤时间的满意程度", "Q08": "您对公交、地铁出行便利程度的满意程度",
    "Q09": "您对停车便利程度的满意程度", "Q10": "您对步行环境的满意程度",
    "Q11": "您对骑行环境的满意程度", "Q12": "您对道路交通秩序的满意程度",
}
TEXT_Q = "Q13"
META = ["response_id", "submitted_at", "duration_s", "channel", "respondent", "town", "hukou",
        "occupation", "age_group"]


def answers(i: int) -> dict:
    """A varied, valid set of likert answers (never all equal)."""
    return {q: str((i + j) % 5 + 1) for j, q in enumerate(LIKERT)}


def response(i: int, **over) -> dict:
    r = {"response_id": f"R{i:05d}", "submitted_at": f"2020-10-01 08:{i // 60 % 60:02d}:{i % 60:02d}",
         "duration_s": "300", "channel": "线上" if i % 2 else "线下", "respondent": f"h{i:06d}",
         "town": TOWNS[i % len(TOWNS)], "hukou": "本地户籍" if i % 3 else "外来人口",
         "occupation": "产业工人", "age_group": "25-34岁", **answers(i), TEXT_Q: ""}
    r.update(over)
    return r


def to_csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue()


def make_project(root: Path, responses: list[dict], *, survey_toml: str = "", encoding: str = "utf-8",
                 likert=None, extra_survey_text: str | None = None) -> Path:
    likert = list(likert or LIKERT)
    root.mkdir(parents=True, exist_ok=True)
    data = root / "data"
    data.mkdir(exist_ok=True)
    (root / "project.toml").write_text(
        'city = "东莞市"\nyear = 2020\ntitle = "东莞市城市体检报告"\norganisation = "东莞市自然资源局"\n'
        'survey_url = "https://example.org/s"\n' + survey_toml, encoding="utf-8")
    (data / "areas.csv").write_text("area,kind\n东莞市,city\n" + "".join(f"{t},town\n" for t in TOWNS)
                                    + "深圳市,peer\n", encoding="utf-8")
    (data / "indicators.csv").write_text(
        "code,name,dimension,category,unit,direction,standard,target,departments\n"
        "STYJ-01,人均公园绿地面积,生态宜居,基础指标,平方米/人,+,,15,D1\n"
        "STYJ-02,城市空气质量优良天数比率,生态宜居,基础指标,%,+,,90,D1\n"
        "JTBJ-01,公共停车泊位与机动车保有量比例,交通便捷,基础指标,%,+,,100,D1\n"
        "JTBJ-02,公共交通出行分担率,交通便捷,基础指标,%,+,,50,D1\n", encoding="utf-8")
    (data / "values.csv").write_text(
        "code,area,year,value\nSTYJ-01,东莞市,2020,16\nSTYJ-02,东莞市,2020,91\n"
        "JTBJ-01,东莞市,2020,60\nJTBJ-02,东莞市,2020,47\n", encoding="utf-8")
    (data / "departments.csv").write_text("id,name,kind\nD1,市自然资源局,市直部门\n", encoding="utf-8")
    (data / "recommendations.csv").write_text(
        "id,problem,indicators,result,countermeasure,action,lead,assist\n"
        "R1,停车难,JTBJ-01,泊位不足,增加泊位,建设停车场,D1,\n", encoding="utf-8")
    qrows = [{"qid": q, "text": QTEXT.get(q, q), "dimension": DIMS[0] if i < len(likert) // 2 else DIMS[1],
              "kind": "likert5"} for i, q in enumerate(likert)]
    qrows.append({"qid": TEXT_Q, "text": "您认为最需要改善的城市问题是什么？", "dimension": "", "kind": "text"})
    (data / "survey_questions.csv").write_text(to_csv(qrows, ["qid", "text", "dimension", "kind"]),
                                               encoding="utf-8")
    cols = META + likert + [TEXT_Q]
    text = to_csv(responses, cols)
    if extra_survey_text is not None:
        text += extra_survey_text
    (data / "survey.csv").write_bytes(text.encode(encoding))
    return root


def many(n: int, start: int = 0, **over) -> list[dict]:
    return [response(i, **over) for i in range(start, start + n)]
