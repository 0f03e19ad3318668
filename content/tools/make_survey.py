"""Generate the demo's raw satisfaction-survey export, content/data/survey.csv.

Run from the repository root:

    python content/tools/make_survey.py

The file imitates what a survey vendor hands over: one row per submitted
questionnaire, GB18030-encoded with CRLF line endings (as Excel on a Chinese
Windows saves a CSV).  It is synthetic and seeded, so every run writes the
same bytes.  Questions and towns are read from survey_questions.csv and
areas.csv beside it.

87,000 questionnaires are written.  Each rejected one is built to fail one
validity rule of the data contract *first* (rules are applied in order):

    1 重复作答      respondent seen before (by submitted_at, then row order)
    2 答题过快      duration_s below 120
    3 数值越界      a likert5 answer not empty and not 0-5 (7, -1, "5分" ...)
    4 作答不完整    fewer than 80 % of likert5 answered 1-5
    5 连续同一答案  10+ likert5 answers, all the same value
    6 地区无效      town not one of the 34 towns

Some rejected rows deliberately also break a *later* rule (a fast answer that
is also straight-lined, an out-of-range answer in an incomplete row, ...), so
that only the first failing rule may count.  The script applies the rules to
its own output and stops if the counts differ from the design.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent.parent / "data"
OUT = DATA / "survey.csv"
SEED = 2020087
MIN_DURATION = 120

N_TOTAL = 87_000
DESIGN = {  # first failing rule -> rows
    "重复作答": 2_600,
    "答题过快": 2_900,
    "数值越界": 300,
    "作答不完整": 1_500,
    "连续同一答案": 600,
    "地区无效": 100,
}
N_OFFLINE = 330            # street-intercept questionnaires (线下拦访), 11 towns
OFFLINE_TOWNS = ["莞城街道", "东城街道", "南城街道", "万江街道", "石龙镇", "常平镇",
                 "樟木头镇", "虎门镇", "厚街镇", "洪梅镇", "麻涌镇"]
N_OFFLINE_DUP = 40         # people interviewed offline who later also answered online
N_SAME_SECOND_DUP = 30     # duplicates submitted in the same second as the original

START = np.datetime64("2020-07-01T08:00:00")
END = np.datetime64("2020-08-31T23:59:59")

HUKOU = ["本地户籍", "外来人口"]
OCCUPATIONS = ["产业工人", "高新技术人员", "企业管理人员", "个体经营者",
               "公务员及事业单位人员", "学生", "离退休人员", "其他"]
AGES = ["18岁以下", "18-29岁", "30-44岁", "45-59岁", "60岁及以上"]

# Share of respondents by age (18岁以下 is placed by hand, see SMALL_GROUPS).
AGE_P = [0.0, 0.33, 0.40, 0.19, 0.08]
# Occupation given age group (rows follow AGES).
OCC_GIVEN_AGE = np.array([
    [0.00, 0.00, 0.00, 0.00, 0.00, 1.00, 0.00, 0.00],
    [0.35, 0.16, 0.08, 0.08, 0.06, 0.14, 0.00, 0.13],
    [0.34, 0.15, 0.15, 0.14, 0.09, 0.00, 0.00, 0.13],
    [0.32, 0.06, 0.14, 0.18, 0.10, 0.00, 0.07, 0.13],
    [0.04, 0.01, 0.03, 0.08, 0.02, 0.00, 0.75, 0.07],
])
# Probability of 外来人口 by occupation.
MIGRANT_P = np.array([0.77, 0.59, 0.50, 0.55, 0.20, 0.48, 0.16, 0.59])

# Resident population weights (万人, rounded, illustrative) for sampling towns.
TOWN_WEIGHT = {
    "莞城街道": 18, "东城街道": 50, "南城街道": 30, "万江街道": 25, "石碣镇": 25,
    "石龙镇": 15, "茶山镇": 17, "石排镇": 16, "企石镇": 13, "横沥镇": 20, "桥头镇": 16,
    "谢岗镇": 10, "东坑镇": 14, "常平镇": 40, "寮步镇": 46, "樟木头镇": 13, "大朗镇": 38,
    "黄江镇": 27, "清溪镇": 33, "塘厦镇": 50, "凤岗镇": 35, "大岭山镇": 30, "长安镇": 66,
    "虎门镇": 64, "厚街镇": 45, "沙田镇": 18, "道滘镇": 15, "洪梅镇": 6, "麻涌镇": 12,
    "望牛墩镇": 9, "中堂镇": 14, "高埗镇": 22, "松山湖": 12, "东莞滨海湾新区": 0,
}
# Satisfaction offset by town (1-5 scale); the rest get a small seeded offset.
TOWN_EFFECT = {"洪梅镇": -0.25, "望牛墩镇": -0.2, "沙田镇": -0.2, "谢岗镇": -0.15,
               "麻涌镇": -0.15, "松山湖": 0.25, "东城街道": 0.15, "南城街道": 0.15}
# Small groups that must end up below 30 valid questionnaires (shown as 样本不足):
# (column, value, {category: rows}).
SMALL_GROUPS = [
    ("town", "东莞滨海湾新区", {"valid": 27, "答题过快": 4, "作答不完整": 2}),
    ("age_group", "18岁以下", {"valid": 24, "答题过快": 8, "连续同一答案": 3}),
]
INVALID_TOWNS = ["东莞市", "", "莞城区", "长安", "深圳市", "其他", "不清楚"]
BAD_TOKENS = ["7", "-1", "5分", "9", "6", "10"]

# Mean answer (1-5) per likert question, before group effects, and the share
# of 不了解 (empty or 0) it draws.
Q_MEAN = [4.30, 4.30, 3.85, 4.25, 4.05, 4.00, 4.15, 4.30, 3.90, 3.75, 3.50, 3.80,
          4.30, 3.85, 3.85, 4.00, 4.15, 3.85, 3.45, 4.15, 4.35, 3.95, 4.25, 4.60,
          4.20, 4.10, 3.95, 4.35]
Q_UNKNOWN = [0.02, 0.01, 0.03, 0.04, 0.03, 0.10, 0.05, 0.03, 0.02, 0.03, 0.04, 0.02,
             0.01, 0.08, 0.03, 0.12, 0.02, 0.05, 0.02, 0.03, 0.01, 0.06, 0.06, 0.01,
             0.03, 0.04, 0.10, 0.03]
# Extra effect for 外来人口 on these questions (belonging, equal services, schools ...).
MIGRANT_EFFECT = {"Q14": -0.45, "Q15": -0.20, "Q17": -0.45, "Q18": -0.55,
                  "Q19": -0.15, "Q20": -0.20}
OCC_EFFECT = [-0.10, 0.05, 0.05, 0.0, 0.20, 0.05, 0.15, 0.0]
AGE_EFFECT = [0.10, -0.05, 0.0, 0.05, 0.10]

PROBLEMS = ["交通拥堵", "停车难", "房价太高", "租金上涨", "学位紧张", "公办学位不足",
            "看病难", "医院排队时间长", "地铁线路太少", "公交班次少", "公交线路绕",
            "黑臭水体", "河涌有异味", "公园绿地少", "村级工业园脏乱差", "垃圾分类落实不到位",
            "城中村环境差", "道路施工多", "电动车乱停放", "夜间噪音扰民", "下雨容易水浸",
            "养老设施不足", "外来人员子女入学难", "就业机会减少"]
# Relative frequency of each problem: the hot topics come up far more often.
PROBLEM_WEIGHT = [9, 6, 6, 3, 7, 4, 5, 3, 4, 3, 2, 3, 2, 2, 3, 2, 2, 2, 2, 1, 2, 1, 2, 1]
SUGGESTIONS = ["多建地铁", "增加公交班次", "多建公园", "加快村级工业园改造", "增加公办学位",
               "多建学校", "完善社区医院", "加强河涌治理", "推进垃圾分类", "增加停车位",
               "规范电动车停放", "改善城中村环境", "控制房价", "多建人才公寓", "增加夜间公交",
               "加强治安巡逻", "完善排水管网", "多建体育场馆", "保护历史建筑", "增加图书馆"]
PROBLEM_FORMS = ["{a}", "{a}和{b}", "{a}、{b}，还有{c}", "主要是{a}，其次是{b}",
                 "{a}问题比较突出", "我觉得{a}最需要改善", "{a}！{b}！"]
SUGGESTION_FORMS = ["建议{a}", "希望{a}，{b}", "{a}，{b}", "政府应该{a}", "建议{a}，同时{b}"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙朱胡郭何罗梁")
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "明", "红", "小红", "志强", "丽华"]


def load_inputs():
    q = pd.read_csv(DATA / "survey_questions.csv", dtype=str, keep_default_na=False)
    areas = pd.read_csv(DATA / "areas.csv", dtype=str, keep_default_na=False)
    towns = areas.loc[areas["kind"] == "town", "area"].tolist()
    likert = q.loc[q["kind"] == "likert5", "qid"].tolist()
    choice = q.loc[q["kind"] == "choice", "qid"].tolist()
    text = q.loc[q["kind"] == "text", "qid"].tolist()
    if len(likert) != len(Q_MEAN) or set(towns) != set(TOWN_WEIGHT):
        raise SystemExit("make_survey: survey_questions.csv or areas.csv no longer match this script")
    return q["qid"].tolist(), likert, choice, text, towns


# --------------------------------------------------------------- pieces

def timestamps(rng, n):
    """Online submission times: launch burst, a mid-campaign push, a last-week rush."""
    days = np.arange(np.datetime64("2020-07-01"), np.datetime64("2020-09-01"))
    w = np.ones(len(days))
    w[:5] = 3.0
    w[19:24] = 2.0
    w[-7:] = 1.8
    hours = np.array([1, .5, .3, .2, .2, .3, .8, 2, 3, 3, 2.5, 3, 3.5, 2.5, 2, 2, 2.5, 3, 3.5,
                      4.5, 5, 4.5, 3, 2])
    d = rng.choice(len(days), n, p=w / w.sum())
    h = rng.choice(24, n, p=hours / hours.sum())
    s = rng.integers(0, 3600, n)
    t = days[d].astype("datetime64[s]") + (h * 3600 + s).astype("timedelta64[s]")
    early = t < START                      # before the 08:00 launch on day one
    t[early] += np.timedelta64(8 * 3600, "s")
    return t


def durations(rng, n):
    return (MIN_DURATION + np.exp(rng.normal(np.log(190), 0.6, n))).astype(int)


def respondent_ids(rng, n):
    """Unique hashed mobile numbers (sha256 of an invented number)."""
    seen, out = set(), []
    while len(out) < n:
        head = rng.integers(3, 10, n)
        tail = rng.integers(0, 10**9, n)
        for a, b in zip(head, tail):
            phone = f"1{a}{b:09d}"
            if phone not in seen:
                seen.add(phone)
                out.append(phone)
                if len(out) == n:
                    break
    return [hashlib.sha256(f"dg-checkup-2020|{p}".encode()).hexdigest() for p in out]


def answers(rng, demo, likert, town_effect):
    """Integer answers 1-5 for every likert question (missingness applied later)."""
    n = len(demo)
    mu = np.array(Q_MEAN)[None, :].repeat(n, 0)
    migrant = (demo["hukou"].to_numpy() == "外来人口")
    for qid, eff in MIGRANT_EFFECT.items():
        mu[migrant, likert.index(qid)] += eff
    occ = demo["occupation"].map({o: i for i, o in enumerate(OCCUPATIONS)}).to_numpy()
    age = demo["age_group"].map({a: i for i, a in enumerate(AGES)}).to_numpy()
    mu += np.array(OCC_EFFECT)[occ][:, None] + np.array(AGE_EFFECT)[age][:, None]
    mu += demo["town"].map(town_effect).fillna(0.0).to_numpy()[:, None]
    mu += np.where(demo["channel"].to_numpy() == "线下", 0.05, 0.0)[:, None]
    person = rng.normal(0, 0.45, (n, 1))
    raw = mu + person + rng.normal(0, 0.75, mu.shape)
    return np.clip(np.rint(raw), 1, 5).astype(np.int8)


def unknown_mask(rng, n, k_max=None, k_range=None):
    """Which answers are 不了解.  Either at most k_max per row (drawn from the
    per-question shares) or exactly k in k_range per row."""
    p = np.array(Q_UNKNOWN)
    if k_range is None:
        mask = rng.random((n, len(p))) < p
        for i in np.flatnonzero(mask.sum(1) > k_max):
            on = np.flatnonzero(mask[i])
            mask[i, rng.choice(on, len(on) - k_max, replace=False)] = False
        return mask
    mask = np.zeros((n, len(p)), bool)
    ks = rng.integers(k_range[0], k_range[1] + 1, n)
    for i, k in enumerate(ks):
        mask[i, rng.choice(len(p), k, replace=False, p=(p + 0.05) / (p + 0.05).sum())] = True
    return mask


def id_number(rng):
    """An invented 18-character resident ID with a valid check character."""
    body = f"4419{rng.integers(0, 100):02d}{rng.integers(1960, 2003)}" \
           f"{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}{rng.integers(0, 1000):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    return body + check


def free_text(rng, n, pool, forms, share, weight=None):
    p = None if weight is None else np.array(weight, float) / sum(weight)
    out = np.full(n, "", dtype=object)
    for i in np.flatnonzero(rng.random(n) < share):
        a, b, c = rng.choice(pool, 3, replace=False, p=p)
        out[i] = forms[rng.integers(len(forms))].format(a=a, b=b, c=c)
    return out


# --------------------------------------------------------------- build

def build():
    qids, likert, choice, text, towns = load_inputs()
    rng = np.random.default_rng(SEED)
    n_dup = DESIGN["重复作答"]
    n_primary = N_TOTAL - n_dup
    n_valid = N_TOTAL - sum(DESIGN.values())

    # 1. category of each primary (first-time) questionnaire
    cats = np.array(["valid"] * n_valid
                    + sum(([k] * v for k, v in DESIGN.items() if k != "重复作答"), []), dtype=object)
    rng.shuffle(cats)

    # 2. who answered
    demo = pd.DataFrame(index=range(n_primary))
    age = rng.choice(len(AGES), n_primary, p=AGE_P)
    occ = np.empty(n_primary, dtype=int)
    for a in range(len(AGES)):
        idx = np.flatnonzero(age == a)
        occ[idx] = rng.choice(len(OCCUPATIONS), len(idx), p=OCC_GIVEN_AGE[a])
    names = list(TOWN_WEIGHT)
    tw = np.array([TOWN_WEIGHT[t] for t in names], float)
    town = np.array(names, dtype=object)[rng.choice(len(names), n_primary, p=tw / tw.sum())]
    channel = np.full(n_primary, "线上", dtype=object)

    # offline (street intercept): 310 valid + 20 incomplete, older people, 11 towns
    valid_idx = np.flatnonzero(cats == "valid")
    incomplete_idx = np.flatnonzero(cats == "作答不完整")
    offline = np.concatenate([rng.choice(valid_idx, N_OFFLINE - 20, replace=False),
                              rng.choice(incomplete_idx, 20, replace=False)])
    channel[offline] = "线下"
    town[offline] = np.array(OFFLINE_TOWNS, dtype=object)[rng.integers(0, len(OFFLINE_TOWNS), N_OFFLINE)]
    age[offline] = rng.choice([1, 2, 3, 4], N_OFFLINE, p=[0.1, 0.25, 0.3, 0.35])
    occ[offline] = np.where(age[offline] == 4, 6, rng.choice([0, 3, 7], N_OFFLINE, p=[.3, .3, .4]))

    # small groups placed by hand (never offline, never overlapping)
    taken = np.zeros(n_primary, bool)
    taken[offline] = True
    for column, value, plan in SMALL_GROUPS:
        for cat, k in plan.items():
            pool = np.flatnonzero((cats == cat) & ~taken)
            pick = rng.choice(pool, k, replace=False)
            taken[pick] = True
            if column == "town":
                town[pick] = value
            else:
                age[pick] = AGES.index(value)
                occ[pick] = OCCUPATIONS.index("学生")

    hukou = np.where(rng.random(n_primary) < MIGRANT_P[occ], "外来人口", "本地户籍")
    demo["channel"] = channel
    demo["town"] = town
    demo["hukou"] = hukou
    demo["occupation"] = np.array(OCCUPATIONS, dtype=object)[occ]
    demo["age_group"] = np.array(AGES, dtype=object)[age]

    town_effect = {t: float(e) for t, e in zip(names, rng.normal(0, 0.08, len(names)))}
    town_effect.update(TOWN_EFFECT)

    # 3. answers.  Codes: 0 = empty, 1-5 = answer, 6 = "0" (不了解), 7+ = BAD_TOKENS
    ans = answers(rng, demo, likert, town_effect)
    nq = len(likert)
    miss = unknown_mask(rng, n_primary, k_max=5)          # valid-looking rows: <= 5 missing
    inc = cats == "作答不完整"
    miss[inc] = unknown_mask(rng, int(inc.sum()), k_range=(6, 25))
    none_answered = rng.choice(np.flatnonzero(inc), 60, replace=False)
    miss[none_answered] = True                            # opened and abandoned
    oor = cats == "数值越界"
    oor_inc = rng.choice(np.flatnonzero(oor), 60, replace=False)
    miss[oor_inc] = unknown_mask(rng, 60, k_range=(8, 15))  # also incomplete: rule 3 wins
    codes = ans.copy()
    as_zero = rng.random(codes.shape) < 0.4
    codes[miss & as_zero] = 6
    codes[miss & ~as_zero] = 0

    # valid-looking rows must not be straight-lined: vary one answer if needed
    answered = (codes >= 1) & (codes <= 5)
    lo = np.where(answered, codes, 9).min(1)
    hi = np.where(answered, codes, 0).max(1)
    for i in np.flatnonzero((lo == hi) & ~inc & (cats != "连续同一答案")):
        j = np.flatnonzero(answered[i])[0]
        codes[i, j] = codes[i, j] + 1 if codes[i, j] < 5 else 4

    # straight-liners: every likert answer the same; a few leave some blank (empty, not 0)
    def straight(rows):
        v = rng.choice([5, 4, 3, 1], len(rows), p=[0.6, 0.15, 0.15, 0.1])
        codes[rows] = v[:, None]
        for i in rows[rng.random(len(rows)) < 0.3]:
            codes[i, rng.choice(nq, rng.integers(1, 4), replace=False)] = 0
    straight(np.flatnonzero(cats == "连续同一答案"))

    # out-of-range answers
    def out_of_range(rows):
        for i in rows:
            k = 1 if rng.random() < 0.8 else 2
            codes[i, rng.choice(nq, k, replace=False)] = 7 + rng.integers(0, len(BAD_TOKENS), k)
    out_of_range(np.flatnonzero(oor))

    # durations
    dur = durations(rng, n_primary)
    dur[offline] = rng.integers(480, 1500, N_OFFLINE)
    fast = np.flatnonzero(cats == "答题过快")
    dur[fast] = rng.integers(20, MIN_DURATION, len(fast))
    dur[rng.choice(fast, 25, replace=False)] = MIN_DURATION - 1      # just below the limit
    boundary = rng.choice(np.setdiff1d(valid_idx, offline), 25, replace=False)
    dur[boundary] = MIN_DURATION                                       # exactly at the limit: valid
    # fast rows that would also fail later rules (rule 2 must win)
    straight(rng.choice(fast, 250, replace=False))
    out_of_range(rng.choice(fast, 80, replace=False))

    # invalid towns, also sprinkled over rows that fail earlier rules
    bad_town = np.flatnonzero(cats == "地区无效")
    for cat, share in (("答题过快", 0.05), ("作答不完整", 0.10), ("连续同一答案", 0.10)):
        pool = np.flatnonzero((cats == cat) & ~taken)
        bad_town = np.concatenate([bad_town, rng.choice(pool, int(len(pool) * share), replace=False)])
    demo.loc[bad_town, "town"] = np.array(INVALID_TOWNS, dtype=object)[
        rng.integers(0, len(INVALID_TOWNS), len(bad_town))]

    times = timestamps(rng, n_primary)
    times[offline] = (np.datetime64("2020-07-18") + rng.integers(0, 30, N_OFFLINE).astype("timedelta64[D]")
                      ).astype("datetime64[s]") + rng.integers(9 * 3600, 18 * 3600, N_OFFLINE).astype("timedelta64[s]")
    resp = np.array(respondent_ids(rng, n_primary), dtype=object)

    # 4. duplicates: the same respondent submits again, later (or in the same second)
    online_early = np.flatnonzero((channel == "线上") & (times < END - np.timedelta64(1, "D")))
    n_dup_people = n_dup - N_OFFLINE_DUP - 150        # 150 people submit three times
    first = rng.choice(online_early, n_dup_people, replace=False)
    first = np.concatenate([first, rng.choice(first, 150, replace=False),
                            rng.choice(offline, N_OFFLINE_DUP, replace=False)])
    dup = demo.loc[first].reset_index(drop=True)
    dup["channel"] = "线上"
    dup_codes = answers(rng, dup, likert, town_effect)
    dup_miss = unknown_mask(rng, n_dup, k_max=5)
    dup_codes[dup_miss] = 0
    delay = np.exp(rng.uniform(np.log(60), np.log(5 * 86400), n_dup)).astype(int)
    same_second = np.zeros(n_dup, bool)
    same_second[rng.choice(n_dup - N_OFFLINE_DUP, N_SAME_SECOND_DUP, replace=False)] = True
    delay[same_second] = 0
    dup_times = np.minimum(times[first] + delay.astype("timedelta64[s]"), END)
    dup_times = np.maximum(dup_times, times[first])
    dup_dur = durations(rng, n_dup)

    # 5. assemble: online rows in time order (a same-second duplicate after its
    #    original), then the offline questionnaires keyed in afterwards.
    frame = pd.concat([demo, dup], ignore_index=True)
    frame["respondent"] = np.concatenate([resp, resp[first]])
    frame["submitted_at"] = np.concatenate([times, dup_times])
    frame["duration_s"] = np.concatenate([dur, dup_dur])
    codes_all = np.vstack([codes, dup_codes])
    frame["_design"] = np.concatenate([cats, np.full(n_dup, "重复作答", dtype=object)])
    frame["_is_dup"] = np.r_[np.zeros(n_primary, int), np.ones(n_dup, int)]
    frame["_offline"] = (frame["channel"] == "线下").astype(int)
    frame["_row"] = np.arange(len(frame))
    order = frame.sort_values(["_offline", "submitted_at", "_is_dup", "_row"], kind="stable").index
    frame = frame.loc[order].reset_index(drop=True)
    codes_all = codes_all[order]
    n = len(frame)

    table = np.array(["", "1", "2", "3", "4", "5", "0"] + BAD_TOKENS, dtype=object)
    likert_cols = {qid: table[codes_all[:, j]] for j, qid in enumerate(likert)}

    # choice questions
    migrant = frame["hukou"].to_numpy() == "外来人口"
    stay = np.where(rng.random(n) < np.where(migrant, 0.58, 0.82), "愿意",
                    np.where(rng.random(n) < np.where(migrant, 0.35, 0.3), "不愿意", "说不清"))
    years_local = rng.choice(["10年以上", "5-10年", "3-5年", "1-3年", "1年以下"], n,
                             p=[0.85, 0.08, 0.04, 0.02, 0.01])
    years_migrant = rng.choice(["10年以上", "5-10年", "3-5年", "1-3年", "1年以下"], n,
                               p=[0.25, 0.25, 0.20, 0.18, 0.12])
    lived = np.where(migrant, years_migrant, years_local)
    mode = rng.choice(["步行", "自行车", "电动自行车", "公交", "地铁", "小汽车", "其他"], n,
                      p=[0.12, 0.05, 0.22, 0.18, 0.03, 0.32, 0.08])
    aware = rng.choice(["了解", "听说过", "不了解"], n, p=[0.25, 0.45, 0.30])
    choice_cols = dict(zip(choice, [stay, lived, mode, aware]))
    for col in choice_cols.values():
        col[rng.random(n) < 0.02] = ""

    # free text, with some personal details that the report must strip
    texts = [free_text(rng, n, PROBLEMS, PROBLEM_FORMS, 0.45, PROBLEM_WEIGHT),
             free_text(rng, n, SUGGESTIONS, SUGGESTION_FORMS, 0.25)]
    valid_rows = np.flatnonzero(frame["_design"].to_numpy() == "valid")
    pii = rng.choice(valid_rows, 70, replace=False)
    for k, i in enumerate(pii):
        target = texts[k % 2]
        base = target[i] or ("交通拥堵" if k % 2 == 0 else "建议多建公园")
        if k < 25:
            phone = f"1{rng.integers(3, 10)}{rng.integers(0, 10**9):09d}"
            target[i] = f"{base}，有问题可以打我电话{phone}"
        elif k < 45:
            target[i] = f"{base}。我的身份证号是{id_number(rng)}"
        else:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            target[i] = f"我叫{name}，住在{frame.at[i, 'town'] or '东莞'}，{base}"
    text_cols = dict(zip(text, texts))

    out = pd.DataFrame({
        "response_id": [f"DG2020-{i:06d}" for i in range(1, n + 1)],
        "submitted_at": pd.to_datetime(frame["submitted_at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "duration_s": frame["duration_s"].astype(int),
        "channel": frame["channel"],
        "respondent": frame["respondent"],
        "town": frame["town"],
        "hukou": frame["hukou"],
        "occupation": frame["occupation"],
        "age_group": frame["age_group"],
    })
    for qid in qids:
        out[qid] = likert_cols.get(qid, choice_cols.get(qid, text_cols.get(qid)))
    return out, frame["_design"].to_numpy(), likert, towns


# --------------------------------------------------------------- self-check

def apply_rules(df, likert, towns):
    """The contract's validity rules, applied in order; returns the rule per row
    ('' for valid).  Independent of how the rows were generated."""
    reason = np.full(len(df), "", dtype=object)
    order = df.assign(_r=np.arange(len(df))).sort_values(["submitted_at", "_r"], kind="stable")
    dup = order["respondent"].duplicated(keep="first")
    reason[order.index[dup.to_numpy()]] = "重复作答"
    open_ = reason == ""
    fast = open_ & (df["duration_s"].astype(int).to_numpy() < MIN_DURATION)
    reason[fast] = "答题过快"
    vals = df[likert].to_numpy(dtype=object)
    ok_token = np.isin(vals, ["", "0", "1", "2", "3", "4", "5"])
    open_ = reason == ""
    bad = open_ & ~ok_token.all(1)
    reason[bad] = "数值越界"
    in_range = np.isin(vals, ["1", "2", "3", "4", "5"])
    open_ = reason == ""
    incomplete = open_ & (in_range.sum(1) < 0.8 * len(likert))
    reason[incomplete] = "作答不完整"
    nums = np.where(in_range, vals, None)
    same = np.array([len(set(r[r != None])) == 1 for r in nums]) & (in_range.sum(1) >= 10)  # noqa: E711
    open_ = reason == ""
    reason[open_ & same] = "连续同一答案"
    open_ = reason == ""
    reason[open_ & ~df["town"].isin(towns).to_numpy()] = "地区无效"
    return reason


def main():
    out, design, likert, towns = build()
    got = apply_rules(out, likert, towns)
    want = np.where(design == "valid", "", design)
    if (got != want).any():
        bad = np.flatnonzero(got != want)[:5]
        raise SystemExit(f"make_survey: rows {bad.tolist()} do not fail the rule they were built for")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="gb18030", newline="") as fh:
        out.to_csv(fh, index=False, lineterminator="\r\n")
    print(f"wrote {OUT.relative_to(DATA.parent.parent)}: {len(out)} questionnaires (GB18030)")
    for rule, k in DESIGN.items():
        print(f"  {rule}: {int((got == rule).sum())} (designed {k})")
    print(f"  valid: {int((got == '').sum())}")


if __name__ == "__main__":
    main()
