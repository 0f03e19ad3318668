"""A checkup project of ANOTHER shape than the demo, for tests that must not be tuned to it.

A county-level city in the four-level system 住房 / 小区（社区） / 街区 / 城区（城市）
(2024), 乡镇 and 街道, its own indicator names, its own questionnaire phrasing, a
choice question about what needs improving (answered by almost everyone) and
open answers written the way residents write (每天都堵, 晚上停车只能临时停在路边 …).
Everything is generated deterministically into a tmp dir.
"""
from __future__ import annotations

import random
from pathlib import Path

from survey_factory import to_csv as _csv

CITY = "临川市"
YEAR = 2024
DIMS = ("住房", "小区（社区）", "街区", "城区（城市）")
TOWNS = ("青溪街道", "白沙街道", "石门镇", "柳塘镇", "云岭乡", "河口镇")
PEERS = ("甲城市", "乙城市", "丙城市")

# code, name, dimension, unit, direction, standard, target, city value, peer values, aggregate
INDICATORS = [
    ("ZF-01", "住房租金收入比", "住房", "%", "-", "", "25", 27.6, (24, 26, 30), "none"),
    ("ZF-02", "存在使用安全隐患的住宅数量", "住房", "栋", "-", "", "", 130, (100, 120, 90), "sum"),
    ("ZF-03", "老旧住宅加装电梯完成率", "住房", "%", "+", "", "30", 18.4, (22, 25, 19), "none"),
    ("SQ-01", "小区停车泊位满足率", "小区（社区）", "%", "+", "", "90", 71.2, (80, 85, 78), "none"),
    ("SQ-02", "未达标配建的养老服务设施数量", "小区（社区）", "个", "-", "", "0", 14, (8, 10, 12), "sum"),
    ("SQ-03", "未达标配建的幼儿园数量", "小区（社区）", "个", "-", "", "", 6, (3, 5, 4), "sum"),
    ("SQ-04", "新能源汽车充电桩覆盖率", "小区（社区）", "%", "+", "", "60", 48.0, (55, 62, 50), "none"),
    ("JQ-01", "中小学服务半径覆盖率", "街区", "%", "+", "", "95", 88.3, (92, 90, 94), "none"),
    ("JQ-02", "社区卫生服务中心门诊服务覆盖率", "街区", "%", "+", "", "", 91.5, (90, 93, 89), "none"),
    ("JQ-03", "公园绿地服务半径覆盖率", "街区", "%", "+", "", "85", 79.5, (83, 86, 80), "none"),
    ("JQ-04", "菜市场等便民商业服务设施覆盖率", "街区", "%", "+", "", "", 84.0, (86, 88, 85), "none"),
    ("CQ-01", "建成区高峰期平均机动车速度", "城区（城市）", "公里/小时", "+", "", "", 21.6, (25, 24, 27), "none"),
    ("CQ-02", "城市道路网密度", "城区（城市）", "公里/平方公里", "+", "8", "", 6.4, (7, 6.8, 7.5), "none"),
    ("CQ-03", "城市内涝积水点密度", "城区（城市）", "个/平方公里", "-", "", "0.3", 0.25, (0.2, 0.4, 0.3), "none"),
    ("CQ-04", "城市空气质量优良天数比率", "城区（城市）", "%", "+", "", "90", 86.8, (88, 91, 85), "none"),
]

LIKERT = [  # qid, text, dimension
    ("A1", "您觉得自家住房的质量和安全状况怎么样", "住房"),
    ("A2", "您觉得住房租金或房价负担是否可以接受", "住房"),
    ("A3", "您对小区物业服务和电梯等设施维护的评价", "住房"),
    ("B1", "您对小区里停车方便程度的评价", "小区（社区）"),
    ("B2", "您对小区周边养老服务的评价", "小区（社区）"),
    ("B3", "您对孩子在附近上幼儿园方便程度的评价", "小区（社区）"),
    ("C1", "您对孩子上小学、中学便利程度的评价", "街区"),
    ("C2", "您对附近社区卫生服务中心看病方便程度的评价", "街区"),
    ("C3", "您对家附近公园和绿地的评价", "街区"),
    ("C4", "您对附近买菜购物方便程度的评价", "街区"),
    ("D1", "您对上下班路上交通状况的评价", "城区（城市）"),
    ("D2", "您对下雨后道路积水情况的评价", "城区（城市）"),
    ("D3", "您对城市空气质量的评价", "城区（城市）"),
]
CHOICE = ("E1", "您认为所在街道最需要改善的方面是？（可多选）（道路交通拥堵／停车设施／公园绿地／环境卫生／"
                "看病就医／学校教育／养老服务／物业管理／买菜购物／其他）")
OPTIONS = ["道路交通拥堵", "停车设施", "公园绿地", "环境卫生", "看病就医", "学校教育", "养老服务", "物业管理",
           "买菜购物", "其他"]
OPTION_WEIGHTS = [9, 8, 4, 3, 5, 4, 3, 6, 2, 1]
OTHER_CHOICE = ("E2", "您在本市居住了多长时间？（1年以下／1-5年／5年以上）")
TEXT = ("F1", "您对所在的街道或乡镇还有什么意见？")
# how residents really write: fillers around the concern, no survey template
ANSWERS = [
    ("每天都堵，上班要一个小时", 14),
    ("早上每天都堵得很厉害", 9),
    ("晚上回来停车只能临时停在路边", 12),
    ("小区车位太少了，晚上根本没地方停", 10),
    ("地方很大但是没有像样的公园", 6),
    ("小孩上学的时候路上太堵了", 5),
    ("物业不管事，电梯经常坏", 9),
    ("物业不管事，电梯经常坏！", 3),
    ("物业不管事电梯经常坏。。", 2),
    ("下大雨的时候门口就淹了", 5),
    ("垃圾没人清理，夏天很臭", 4),
    ("希望多建几个菜市场，买菜只能去很远的地方", 4),
    ("看病要排很久的队，社区医院医生太少", 6),
    ("老人没有地方活动，养老服务跟不上", 3),
    ("我叫张伟，电话13912345678，小区停车太难了", 1),
]
META = ["response_id", "submitted_at", "duration_s", "channel", "respondent", "town", "hukou",
        "occupation", "age_group"]




def make_city(root: Path, n: int = 240, *, text_share: float = 0.6, choice: bool = True,
              answers: list | None = None, concerns_toml: str | None = None) -> Path:
    rnd = random.Random(2024)
    root.mkdir(parents=True, exist_ok=True)
    data = root / "data"
    data.mkdir(exist_ok=True)
    (root / "project.toml").write_text(
        f'city = "{CITY}"\nyear = {YEAR}\ntitle = "{CITY}{YEAR}年城市体检自体检报告"\n'
        f'organisation = "{CITY}住房和城乡建设局"\nsurvey_url = "https://example.org/lc"\n'
        '[terms]\ntown = "乡镇（街道）"\n', encoding="utf-8")
    if concerns_toml is not None:
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates" / "concerns.toml").write_text(concerns_toml, encoding="utf-8")
    areas = [{"area": CITY, "kind": "city", "population": "52.0"}]
    areas += [{"area": t, "kind": "town", "population": f"{6 + 2 * i:.1f}"} for i, t in enumerate(TOWNS)]
    areas += [{"area": p, "kind": "peer"} for p in PEERS]
    (data / "areas.csv").write_text(_csv(areas, ["area", "kind", "population"]), encoding="utf-8")
    (data / "indicators.csv").write_text(_csv([
        {"code": c, "name": nm, "dimension": d, "category": "基础指标", "unit": u, "direction": dr,
         "standard": st, "target": tg, "departments": "ZJJ", "aggregate": ag}
        for c, nm, d, u, dr, st, tg, _v, _p, ag in INDICATORS],
        ["code", "name", "dimension", "category", "unit", "direction", "standard", "target", "departments",
         "aggregate"]), encoding="utf-8")
    vals = []
    for c, _nm, _d, _u, _dr, _st, _tg, v, peers, ag in INDICATORS:
        vals.append({"code": c, "area": CITY, "year": YEAR, "value": v})
        vals.append({"code": c, "area": CITY, "year": YEAR - 1, "value": round(v * 0.97, 2)})
        for p, pv in zip(PEERS, peers):
            vals.append({"code": c, "area": p, "year": YEAR, "value": pv})
        weights = [1 + i for i in range(len(TOWNS))]
        for t, w in zip(TOWNS, weights):
            tv = v * w / sum(weights) if ag == "sum" else v * (0.85 + 0.05 * w)
            vals.append({"code": c, "area": t, "year": YEAR, "value": round(tv, 2)})
    (data / "values.csv").write_text(_csv(vals, ["code", "area", "year", "value"]), encoding="utf-8")
    (data / "departments.csv").write_text("id,name,kind\nZJJ,临川市住房和城乡建设局,市直部门\n", encoding="utf-8")
    (data / "recommendations.csv").write_text(
        "id,problem,indicators,result,countermeasure,action,lead,assist\n"
        "R1,小区停车难,SQ-01,泊位不足,挖潜增建,建设停车场,ZJJ,\n", encoding="utf-8")
    q = [{"qid": a, "text": t, "dimension": d, "kind": "likert5"} for a, t, d in LIKERT]
    q.append({"qid": CHOICE[0], "text": CHOICE[1], "dimension": "", "kind": "choice"})
    q.append({"qid": OTHER_CHOICE[0], "text": OTHER_CHOICE[1], "dimension": "", "kind": "choice"})
    q.append({"qid": TEXT[0], "text": TEXT[1], "dimension": "", "kind": "text"})
    (data / "survey_questions.csv").write_text(_csv(q, ["qid", "text", "dimension", "kind"]), encoding="utf-8")
    pool = [a for a, k in (answers or ANSWERS) for _ in range(k)]
    rows = []
    for i in range(n):
        r = {"response_id": f"L{i:05d}", "submitted_at": f"2024-06-{1 + i % 28:02d} 09:{i % 60:02d}:00",
             "duration_s": "260", "channel": "线上", "respondent": f"r{i:06d}", "town": TOWNS[i % len(TOWNS)],
             "hukou": "本地户籍" if i % 3 else "外来人口", "occupation": "其他", "age_group": "30-44岁"}
        for j, (a, _t, d) in enumerate(LIKERT):
            base = {"住房": 3, "小区（社区）": 3, "街区": 4, "城区（城市）": 3}[d]
            r[a] = str(max(1, min(5, base + (i + j) % 3 - 1)))
        if choice and i % 20:          # almost everyone answers the choice question
            k = 1 + i % 3
            r[CHOICE[0]] = "┋".join(dict.fromkeys(rnd.choices(OPTIONS, OPTION_WEIGHTS, k=k)))
        r[OTHER_CHOICE[0]] = "5年以上"
        r[TEXT[0]] = pool[i % len(pool)] if rnd.random() < text_share else ""
        rows.append(r)
    cols = META + [a for a, _t, _d in LIKERT] + [CHOICE[0], OTHER_CHOICE[0], TEXT[0]]
    (data / "survey.csv").write_text(_csv(rows, cols), encoding="utf-8")
    return root
