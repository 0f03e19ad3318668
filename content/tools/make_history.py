"""Generate the demo's earlier checkups: content/history/2016 … 2019.

Run from the repository root (the Makefile does it before the tests and `make assess`):

    python content/tools/make_history.py

Each year is a complete checkup project of the data contract, like content/ itself
(which is the 2020 checkup): project.toml, the catalogue, areas, departments, values,
the 体检结果与策略建议一览表 of that year with its follow-up (tracking), the
questionnaire and a small survey, and two narratives.  `previous` chains the years:
2019 → 2018 → 2017 → 2016, and content/project.toml sets previous = "history/2019".
Everything is seeded: every run writes the same bytes.  The folders are generated,
not committed (see .gitignore).

Consistency with the 2020 demo (content/data):
- the city's values for 2017–2019 are the ones content/data/values.csv already has;
  2015 and 2016 continue the 2017–2018 trend backwards;
- peer values of 2019 are the ones values.csv has; other years follow each peer's
  2019→2020 change, else the city's;
- town values follow the city's value of the year around the 2020 town pattern;
- the catalogue is 2020's, with the changes a real programme goes through, so that
  the assessment's comparability notes have something to say:
    STYJ-01 was called 国土开发强度 until 2017;
    CSHL-07 was measured in 公顷 (1 公顷 = 15 亩) until 2019, its values converted;
    an indicator joins the catalogue the first year it has a value (STYJ-11 in 2018,
    AQRX-05 in 2020), except STYJ-03, listed from 2019 without data (as in 2020).
- recommendations: a 2020 recommendation existed in year Y when one of its indicators
  was rated 短板 or 预警 in every checkup from Y to 2019 (it continues, same id); the
  few in NEW_IN_2020 were first made in 2020.  A problem of year Y that no such
  recommendation covers gets one of its own (R45 …, one id per indicator, kept while
  the problem lasts): it is dropped the year the problem is resolved.
- tracking (the follow-up reported during the next year): a recommendation whose
  problem was resolved the next year was 已开展; the others get a seeded mix of
  已开展 / 正在研究 / 暂未开展, and a few departments never reported.

The script checks what it wrote against the contract's rating rule and stops when the
years no longer show every kind of change (resolved, improved, persisting, worse)
and both continued and dropped recommendations.
"""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import math
import shutil
import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd

CONTENT = Path(__file__).resolve().parent.parent
DATA = CONTENT / "data"
OUT = CONTENT / "history"
YEARS = (2016, 2017, 2018, 2019)
CURRENT = 2020
FIRST_SERIES_YEAR = 2015
SEED = 20160630
CITY = "东莞市"
WARNING_BAND = 0.10
FLAT_BAND = 0.01
SURVEY_N = {2016: 860, 2017: 1040, 2018: 1210, 2019: 1450}   # questionnaires per year (small, to stay fast)

RENAMED = {"STYJ-01": (2017, "国土开发强度")}            # code: (last year of the old name, old name)
UNIT_CHANGE = {"CSHL-07": (2019, "公顷", 1 / 15)}         # code: (last year, old unit, factor)
INTRODUCED = {"STYJ-03": 2019}                           # listed (without data) from this year
SUM_CODES = {"CSHL-07"}                                    # town values add up to the city value
NEW_IN_2020 = {"R14", "R25", "R33", "R43", "R44"}        # recommendations first made in 2020

# Recommendations of earlier years for problems no 2020 recommendation covers:
# code -> (problem, countermeasure, action, lead, assist).
OWN_RECS = {
    "SHSS-07": ("普惠性学前教育资源不足", "扩大普惠性学前教育资源供给。",
                "新建、改扩建公办幼儿园，扶持民办幼儿园转为普惠性幼儿园，落实生均补助。", "jyj", "fgj;czj"),
    "SHSS-06": ("社区养老服务设施覆盖不全", "完善社区居家养老服务网络。",
                "按每个社区不少于一处的标准配建社区养老服务站，推动新建小区同步配建养老设施。", "mzj", "zjj;zrzyj"),
    "SHSS-09": ("标准化菜市场覆盖不足", "推进菜市场标准化升级改造。",
                "制定菜市场升级改造三年计划，对未达标菜市场分批实施改造。", "swuj", "scjgj"),
    "STYJ-10": ("建成区黑臭水体尚未全面消除", "全面推进黑臭水体治理。",
                "实施控源截污、内源治理和生态修复，建立长效管护和公众评议机制。", "swj", "sthjj"),
    "AQRX-08": ("发热门诊设置不足，公共卫生应急能力薄弱", "补齐公共卫生应急设施短板。",
                "按园镇全覆盖要求设置发热门诊，完善基层医疗机构发热诊室。", "wjj", "fgj"),
    "DYBR-02": ("外来务工人员随迁子女公办学位不足", "扩大公办学位供给，推进入学机会均等。",
                "完善积分入学政策，逐年提高随迁子女公办学校就读比例。", "jyj", "fgj"),
    "STYJ-07": ("空气质量优良天数比率偏低", "深入打好蓝天保卫战。",
                "强化挥发性有机物和机动车尾气治理，落实重污染天气应急减排。", "sthjj", "qxj;jtysj"),
    "STYJ-09": ("地表水水质达标比例偏低", "系统推进流域水环境综合治理。",
                "实施重点流域截污次干管建设，加强入河排污口排查整治。", "sthjj", "swj"),
    "STYJ-05": ("公园绿地服务半径覆盖存在盲区", "均衡布局社区公园。",
                "结合城市更新补建社区公园，消除公园绿地服务盲区。", "cgj", "zrzyj"),
    "STYJ-06": ("绿道服务半径覆盖不足", "完善绿道网络。",
                "推进社区绿道建设，加强绿道与公园、碧道的衔接。", "cgj", "zrzyj"),
    "STYJ-11": ("碧道建设起步较晚", "加快万里碧道建设。",
                "编制碧道建设规划，分年度推进重点河段碧道建设。", "swj", "zrzyj"),
    "TSXM-01": ("历史风貌保护存在破坏风险", "加强历史风貌保护监管。",
                "建立历史建筑巡查制度，将历史风貌保护纳入城市更新审查。", "zrzyj", "whglj"),
    "TSXM-04": ("城市文化设施总量不足", "完善公共文化设施网络。",
                "推进市、园镇、社区三级文化设施建设。", "whglj", "zrzyj"),
    "SHSS-01": ("社区便民商业服务设施不完善", "完善社区生活圈配套。",
                "推进一刻钟便民生活圈建设，补齐社区商业服务设施短板。", "swuj", "zrzyj"),
    "SHSS-03": ("社区中学步行可达性不足", "优化中学布局。",
                "结合学位缺口新建、扩建中学，优化学校服务范围。", "jyj", "zrzyj"),
    "SHSS-05": ("体育场地设施不足", "完善全民健身设施。",
                "利用边角地建设社区体育公园和健身路径。", "whglj", "jyj"),
    "SHSS-11": ("老旧小区改造推进较慢", "加快老旧小区改造。",
                "建立老旧小区改造项目库，统筹推进水电气路和加装电梯等改造。", "zjj", "czj"),
    "AQRX-03": ("城市内涝积水点较多", "提升城市排水防涝能力。",
                "开展内涝积水点整治，完善排水管网和泵站建设。", "swj", "cgj"),
    "AQRX-04": ("道路交通安全形势严峻", "加强道路交通安全治理。",
                "开展交通事故多发路段整治，强化重点车辆监管。", "gaj", "jtysj"),
    "DYBR-07": ("居住证办理覆盖不足", "推进居住证便利办理。",
                "推行居住证网上办理，延伸基层办理网点。", "gaj", "zsj"),
    "JTBJ-02": ("道路网密度偏低", "加密城市支路网。",
                "打通断头路，推进支路网加密建设。", "zrzyj", "jtysj"),
    "DYBR-05": ("租房负担偏重", "发展保障性租赁住房。",
                "筹集保障性租赁住房，规范住房租赁市场，稳定租金水平。", "zjj", "zrzyj"),
    "JTBJ-04": ("职住平衡有待改善", "推动产城融合。",
                "在产业园区周边配建人才住房和生活服务设施。", "zrzyj", "jtysj"),
}

STATUS_NOTES = {
    "已开展": ["已制定年度实施方案并推进。", "已纳入部门年度重点工作。", "已完成阶段性目标。",
             "已明确责任分工和完成时限。", "已印发实施意见。"],
    "正在研究": ["正在开展专题研究。", "正在编制实施方案。", "正在征求相关部门意见。"],
    "暂未开展": ["待上级政策明确后推进。", "受资金安排影响暂未启动。", "待专项规划批复后推进。"],
}
RESOLVED_NOTES = ["已完成年度整治任务，指标达到目标要求。", "阶段性任务已完成，持续巩固提升。",
                  "主要任务已完成，转入日常监管。"]


# ------------------------------------------------------------------ helpers

def stable(*parts) -> float:
    """A number in [0, 1) fixed by its arguments (independent of call order)."""
    h = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


def indicator_values(values: pd.DataFrame, ind: pd.DataFrame) -> pd.DataFrame:
    """The indicators' own values.  Since the v2 filing round, content/data/values.csv
    also holds the sub-indicators' values and leaves out what the formulas compute:
    those values are computed here exactly as reportkit computes them, written with the
    indicator's decimals (its other years' values show them), and the parts dropped."""
    sys.path.insert(0, str(CONTENT.parent))
    from reportkit.load.project import load_project
    from reportkit.score.formula import with_computed

    project, _ = load_project(CONTENT, tables=("indicators", "areas", "values", "departments", "recommendations"))
    codes = set(ind["code"])
    raw = values[values["code"].isin(codes)]
    dp = {c: decimals(g["value"]) for c, g in raw.groupby("code")}
    computed = with_computed(project).values
    computed = computed[computed["computed"] & computed["code"].isin(codes)]
    rows = [{"code": c, "area": a, "year": str(int(y)), "value": f"{v:.{dp.get(c, 1)}f}", "note": "",
             "source": ""} for c, a, y, v in zip(computed["code"], computed["area"], computed["year"],
                                                  computed["value"])]
    add = pd.DataFrame(rows, columns=list(values.columns)).fillna("")
    keys = set(zip(add["code"], add["area"], add["year"]))
    raw = raw[[k not in keys for k in zip(raw["code"], raw["area"], raw["year"])]]
    order = {c: i for i, c in enumerate(ind["code"])}
    out = pd.concat([raw, add], ignore_index=True)
    out["_o"] = out["code"].map(order)
    return out.sort_values(["_o", "area", "year"], kind="stable").drop(columns="_o").reset_index(drop=True)


def decimals(texts) -> int:
    out = 0
    for t in texts:
        if t and "." in t:
            out = max(out, len(t.split(".")[1]))
    return out


def fmt(value, dp: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.{dp}f}"


def rate(value, ref, direction):
    if value is None:
        return "无数据"
    if ref is None:
        return "无参照"
    if direction == "+":
        if value >= ref - 1e-12:
            return "良好"
        return "预警" if value >= ref * (1 - WARNING_BAND) - 1e-12 else "短板"
    if value <= ref + 1e-12:
        return "良好"
    return "预警" if value <= ref * (1 + WARNING_BAND) + 1e-12 else "短板"


def write_csv(path: Path, header, rows, encoding="utf-8", newline="\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator=newline)
        w.writerow(header)
        w.writerows(rows)


def make_survey_module():
    spec = importlib.util.spec_from_file_location("make_survey", Path(__file__).with_name("make_survey.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------ the years

class Demo:
    """content/data read once; every earlier year derived from it."""

    def __init__(self):
        self.ind = read("indicators.csv")
        self.areas = read("areas.csv")
        self.depts = read("departments.csv")
        self.values = indicator_values(read("values.csv"), self.ind)
        self.recs = read("recommendations.csv")
        self.questions = read("survey_questions.csv")
        self.peers = self.areas.loc[self.areas["kind"] == "peer", "area"].tolist()
        self.towns = self.areas.loc[self.areas["kind"] == "town", "area"].tolist()
        v = self.values
        self.dp = {c: decimals(g["value"]) for c, g in v.groupby("code")}
        self.city = {}     # code -> {year: float|None} 2015-2020
        self.notes = {}    # (code, year) -> note
        for code, g in v[v["area"] == CITY].groupby("code", sort=False):
            series = {int(y): (float(x) if x != "" else None) for y, x in zip(g["year"], g["value"])}
            for y, n in zip(g["year"], g["note"]):
                if n:
                    self.notes[(code, int(y))] = n
            self.city[code] = self.extend(code, series)
        self.peer_given = {(r.code, r.area, int(r.year)): float(r.value)
                           for r in v[v["area"].isin(self.peers)].itertuples() if r.value != ""}
        self.town_2020 = {}
        self.town_blank = {}
        for r in v[v["area"].isin(self.towns)].itertuples():
            if r.value == "":
                self.town_blank[(r.code, r.area)] = r.note
            else:
                self.town_2020[(r.code, r.area)] = float(r.value)
        self.catalogue = {y: self.make_catalogue(y) for y in YEARS}
        self.ratings = {y: self.rate_year(y) for y in YEARS}
        self.ratings[CURRENT] = self.rate_year(CURRENT)

    # -- values ------------------------------------------------------------------------
    def extend(self, code: str, series: dict) -> dict:
        """2015 and 2016 continued backwards from the 2017–2018 trend (values as given)."""
        out = dict(series)
        dp = self.dp[code]
        pct = self.unit(code) == "%"
        known = [y for y in sorted(series) if series[y] is not None]
        if not known or known[0] != 2017 or 2018 not in known:
            return out
        step = series[2018] - series[2017]
        prev = series[2017]
        for year in (2016, FIRST_SERIES_YEAR):
            u = 0.6 + 0.6 * stable("extend", code, year)
            if abs(step) < 0.01 * max(abs(prev), 1e-9):
                val = prev * (1 + (stable("wobble", code, year) - 0.5) * 0.03)
            else:
                val = prev - step * u
            val = max(val, 0.0)
            if pct:
                val = min(val, 100.0)
            out[year] = round(val, dp)
            prev = val
        return out

    def unit(self, code: str) -> str:
        return self.ind.loc[self.ind["code"] == code, "unit"].iloc[0]

    def factor(self, code: str, year: int) -> float:
        change = UNIT_CHANGE.get(code)
        return change[2] if change and year <= change[0] else 1.0

    def dp_in(self, code: str, year: int) -> int:
        return 1 if self.factor(code, year) != 1.0 else self.dp[code]

    def city_value(self, code: str, year: int):
        v = self.city.get(code, {}).get(year)
        if v is None:
            return None
        return round(v * self.factor(code, year), self.dp_in(code, year)) if self.factor(code, year) != 1 else v

    def first_year(self, code: str) -> int:
        if code in INTRODUCED:
            return INTRODUCED[code]
        years = [y for y, v in self.city.get(code, {}).items() if v is not None]
        return min(years) if years else CURRENT

    def peer_value(self, code: str, peer: str, year: int):
        if (code, peer, year) in self.peer_given:
            return self.peer_given[(code, peer, year)] * self.factor(code, year)
        now = self.peer_given.get((code, peer, CURRENT))
        if now is None:
            return None
        before = self.peer_given.get((code, peer, CURRENT - 1))
        if before is not None and before > 0 and now > 0:
            ratio = (before / now) ** (CURRENT - year)
        else:
            c_now, c_y = self.city[code].get(CURRENT), self.city[code].get(year)
            if not c_now or c_y is None:
                return None
            ratio = c_y / c_now
        jitter = 1 + (stable("peer", code, peer, year) - 0.5) * 0.03
        val = now * ratio * jitter * self.factor(code, year)
        if self.unit(code) == "%":
            val = min(val, 100.0)
        return round(max(val, 0.0), self.dp_in(code, year))

    def town_values(self, code: str, year: int) -> dict:
        c_now, c_y = self.city[code].get(CURRENT), self.city[code].get(year)
        towns = {t: v for (c, t), v in self.town_2020.items() if c == code}
        if not towns or not c_now or c_y is None:
            return {}
        ratio = c_y / c_now
        f = self.factor(code, year)
        if code in SUM_CODES:   # a total: the towns share the city value
            total = c_y * f
            raw = {t: v * ratio * f for t, v in towns.items()}
            s = sum(raw.values())
            return {t: round(x * total / s, 1) for t, x in raw.items()}
        out = {}
        for t, v in towns.items():
            val = v * ratio * (1 + (stable("town", code, t, year) - 0.5) * 0.06) * f
            if self.unit(code) == "%":
                val = min(val, 100.0)
            out[t] = round(max(val, 0.0), self.dp_in(code, year))
        return out

    # -- catalogue and ratings --------------------------------------------------------
    def make_catalogue(self, year: int) -> pd.DataFrame:
        rows = []
        for r in self.ind.to_dict("records"):
            code = r["code"]
            if self.first_year(code) > year:
                continue
            r = dict(r)
            if "formula" in r:
                r["formula"] = ""    # earlier years filed the indicator values themselves (no sub-indicators)
            if code in RENAMED and year <= RENAMED[code][0]:
                r["name"] = RENAMED[code][1]
            if code in UNIT_CHANGE and year <= UNIT_CHANGE[code][0]:
                last, unit, f = UNIT_CHANGE[code]
                r["unit"] = unit
                for col in ("standard", "target"):
                    if r[col]:
                        r[col] = fmt(float(r[col]) * f, 1)
            rows.append(r)
        # earlier checkups hold their indicators' values as filed: no sub-indicators, no formulas
        columns = [c for c in self.ind.columns if c not in ("formula", "aggregate")]
        return pd.DataFrame(rows, columns=self.ind.columns)[columns]

    def rate_year(self, year: int) -> dict:
        cat = self.ind if year == CURRENT else self.catalogue[year]
        out = {}
        for r in cat.itertuples():
            value = self.city.get(r.code, {}).get(year) if year == CURRENT else self.city_value(r.code, year)
            ref = float(r.target) if r.target else float(r.standard) if r.standard else None
            if ref is None:
                pv = [self.peer_given.get((r.code, p, year)) if year == CURRENT else self.peer_value(r.code, p, year)
                      for p in self.peers]
                pv = [x for x in pv if x is not None]
                ref = statistics.median(pv) if pv else None
            out[r.code] = (rate(value, ref, r.direction), value, ref)
        return out

    def open_problem(self, code: str, year: int) -> bool:
        """Rated 短板/预警 that year, or without data that year (nothing shows it solved)."""
        rating = self.ratings[year].get(code, ("",))[0]
        return rating in ("短板", "预警", "无数据")

    def problems(self, year: int) -> set:
        return {c for c, (rating, _, _) in self.ratings[year].items() if rating in ("短板", "预警")}

    # -- recommendations -------------------------------------------------------------
    def recommendations(self, year: int) -> list[dict]:
        """This year's table: 2020 recommendations that existed by then, then own ones."""
        out, covered = [], set()
        later = [y for y in YEARS if y >= year]
        for r in self.recs.to_dict("records"):
            if r["id"] in NEW_IN_2020:
                continue
            codes = [c for c in r["indicators"].split(";") if c]
            if all(any(self.open_problem(c, y) for c in codes) for y in later):
                out.append(self.rewrite(r, year))
                covered |= {c for c in codes if c in self.problems(year)}
        own_ids = self.own_ids()
        for code in sorted(self.problems(year) - covered, key=lambda c: own_ids.get(c, "")):
            if code not in OWN_RECS:
                raise SystemExit(f"make_history: {year} problem {code} has no recommendation text in OWN_RECS")
            problem, counter, action, lead, assist = OWN_RECS[code]
            out.append(self.rewrite({"id": own_ids[code], "problem": problem, "indicators": code,
                                     "result": "", "countermeasure": counter, "action": action,
                                     "lead": lead, "assist": assist}, year))
        return out

    def own_ids(self) -> dict:
        """One id per indicator that ever needs an own recommendation, R45 …"""
        need = []
        for y in YEARS:
            for code in self.ind["code"]:
                if code in self.problems(y) and code not in need and code in OWN_RECS:
                    need.append(code)
        order = {c: i for i, c in enumerate(self.ind["code"])}
        need.sort(key=lambda c: order[c])
        return {c: f"R{45 + i}" for i, c in enumerate(need)}

    def rewrite(self, r: dict, year: int) -> dict:
        """The recommendation as that year's table words it: the result from that year's data."""
        cat = self.catalogue[year].set_index("code")
        parts = []
        codes = [c for c in r["indicators"].split(";") if c in cat.index]
        shown = [c for c in codes if self.open_problem(c, year)] or codes   # the result names the problems
        for code in shown:
            rating, value, ref = self.ratings[year][code]
            name, unit = cat.loc[code, "name"], cat.loc[code, "unit"]
            if value is None:
                parts.append(f"{name}暂无{year}年数据")
                continue
            dp = self.dp_in(code, year)
            kind = "规划目标" if cat.loc[code, "target"] else "标准值" if cat.loc[code, "standard"] else "对标城市中位数"
            unit_text = "" if unit in ("个", "处") else unit
            text = f"{year}年{name}为{fmt(value, dp)}{unit_text}"
            if ref is not None:
                text += f"，{kind}为{fmt(ref, dp)}{unit_text}"
            parts.append(text + f"，评价为{rating}")
        codes = ";".join(c for c in r["indicators"].split(";") if c in cat.index)
        return {**r, "indicators": codes, "result": "；".join(parts) + "。"}

    def tracking(self, year: int, recs: list[dict]) -> list[tuple]:
        """Follow-up of this year's recommendations, reported during the next year."""
        nxt = CURRENT if year == YEARS[-1] else year + 1
        next_ids = {r["id"] for r in (self.recs.to_dict("records") if nxt == CURRENT else self.recommendations(nxt))}
        rows = []
        for i, r in enumerate(recs):
            codes = [c for c in r["indicators"].split(";") if c]
            solved = codes and all(self.ratings[nxt].get(c, ("良好",))[0] == "良好" for c in codes)
            u = stable("tracking", year, r["id"])
            if solved:
                status, notes = "已开展", RESOLVED_NOTES
            elif u < 0.06:
                continue    # never reported back
            elif u < 0.62:
                status, notes = "已开展", STATUS_NOTES["已开展"]
            elif u < 0.85:
                status, notes = "正在研究", STATUS_NOTES["正在研究"]
            else:
                status, notes = "暂未开展", STATUS_NOTES["暂未开展"]
            if r["id"] not in next_ids and not solved and status != "已开展":
                status, notes = "已开展", STATUS_NOTES["已开展"]   # replaced by a new approach next year
            note = notes[int(stable("note", year, r["id"]) * len(notes))]
            month = 3 + int(stable("month", year, r["id"]) * 4)
            day = 10 + int(stable("day", year, r["id"]) * 19)
            rows.append((r["id"], status, note, f"{year + 1}-{month:02d}-{day:02d}"))
        return rows


# ------------------------------------------------------------------ writing one year

def project_toml(year: int) -> str:
    prev = f'previous = "../{year - 1}"                        # 上一年度体检项目\n' if year - 1 in YEARS else ""
    return f"""# 东莞市 {year} 年城市体检（示例项目，由 content/tools/make_history.py 生成）
# 所有数据均为示例数据，不代表官方统计。

city = "东莞市"
year = {year}
title = "东莞市{year}年城市体检自体检报告"
subtitle = "示例项目（数据仅供演示）"
organisation = "东莞市住房和城乡建设局"
survey_url = "https://example.gov.cn/dg-checkup-{year}/survey"
demo = true
{prev}
[scoring]
warning_band = 0.10
flat_band = 0.01
target_year = 2025

[survey]
min_duration_s = 120
"""


def narratives(year: int, demo: Demo) -> dict[str, str]:
    out = {"00-overview.md": f"""---
title: 总体情况
section: overview
order: 1
---
{{{{ city }}}}{{{{ year }}}}年城市体检共设置 {{{{ counts.total }}}} 项指标，覆盖 {{{{ counts.dimensions }}}} 个维度（示例数据）。
社会满意度调查回收问卷 {{{{ survey.collected }}}} 份，有效问卷 {{{{ survey.valid }}}} 份。
"""}
    if year - 1 in YEARS:
        key = "STYJ-08"
        out["05-previous.md"] = f"""---
title: 上一年度问题整治
section: previous
order: 5
---
{{% if indicator('{key}').has_last_checkup %}}{{{{ indicator('{key}').name }}}}由{{{{ indicator('{key}').last_checkup.year }}}}年的{{{{ indicator('{key}').last_checkup }}}}变为{{{{ year }}}}年的{{{{ indicator('{key}') }}}}，评价由“{{{{ indicator('{key}').last_checkup.rating }}}}”变为“{{{{ indicator('{key}').rating }}}}”。{{% endif %}}
"""
    return out


def survey_rows(year: int, demo: Demo, ms) -> pd.DataFrame:
    """A small survey of `SURVEY_N` questionnaires; satisfaction a little lower each
    year back (faster for the dimensions the city worked on most), about 7% invalid."""
    rng = np.random.default_rng(SEED + year)
    q = demo.questions
    likert = q.loc[q["kind"] == "likert5", "qid"].tolist()
    choice = q.loc[q["kind"] == "choice", "qid"].tolist()
    text = q.loc[q["kind"] == "text", "qid"].tolist()
    dims = q.set_index("qid")["dimension"]
    back = CURRENT - year
    gain = {"生态宜居": 0.09, "交通便捷": 0.03, "生活舒适": 0.07, "多元包容": 0.05, "安全韧性": 0.06,
            "城市活力": 0.04, "特色鲜明": 0.05}
    n = SURVEY_N[year]
    age = rng.choice(len(ms.AGES), n, p=[0.02, 0.33, 0.38, 0.19, 0.08])
    occ = np.array([rng.choice(len(ms.OCCUPATIONS), p=ms.OCC_GIVEN_AGE[a] if a else ms.OCC_GIVEN_AGE[1])
                    for a in age])
    names = list(ms.TOWN_WEIGHT)
    tw = np.array([ms.TOWN_WEIGHT[t] for t in names], float)
    town = np.array(names, dtype=object)[rng.choice(len(names), n, p=tw / tw.sum())]
    hukou = np.where(rng.random(n) < ms.MIGRANT_P[occ], "外来人口", "本地户籍")
    mu = np.array([m - back * gain.get(dims[qid], 0.05) for qid, m in zip(likert, ms.Q_MEAN)])[None, :].repeat(n, 0)
    migrant = hukou == "外来人口"
    for qid, eff in ms.MIGRANT_EFFECT.items():
        mu[migrant, likert.index(qid)] += eff
    raw = mu + rng.normal(0, 0.45, (n, 1)) + rng.normal(0, 0.75, mu.shape)
    ans = np.clip(np.rint(raw), 1, 5).astype(int).astype(str).astype(object)
    ans[rng.random(ans.shape) < 0.03] = ""
    start = np.datetime64(f"{year}-07-01T08:00:00")
    secs = np.sort(rng.integers(0, 62 * 86400 - 16 * 3600, n))
    when = (start + secs.astype("timedelta64[s]")).astype(str)
    duration = (120 + np.exp(rng.normal(np.log(190), 0.6, n))).astype(int)
    respondent = [hashlib.sha256(f"dg-checkup-{year}|{i}".encode()).hexdigest() for i in range(n)]
    channel = np.where(rng.random(n) < 0.04, "线下", "线上")
    # invalid questionnaires: too fast, out of range, incomplete, straight-lined, bad town, duplicates
    k = iter(rng.permutation(n))
    for _ in range(30):
        duration[next(k)] = int(rng.integers(20, 119))
    for _ in range(4):
        ans[next(k), int(rng.integers(len(likert)))] = "7"
    for _ in range(16):
        i = next(k)
        ans[i, rng.choice(len(likert), 12, replace=False)] = ""
    for _ in range(8):
        ans[next(k), :] = "4"
    for _ in range(4):
        town[next(k)] = "其他"
    dup = rng.choice(n // 2, 24, replace=False)
    frame = pd.DataFrame({
        "response_id": [f"DG{year}-{i:05d}" for i in range(1, n + 1)],
        "submitted_at": [str(w).replace("T", " ") for w in when], "duration_s": duration, "channel": channel,
        "respondent": respondent, "town": town, "hukou": hukou,
        "occupation": np.array(ms.OCCUPATIONS, dtype=object)[occ], "age_group": np.array(ms.AGES, dtype=object)[age],
    })
    for j, qid in enumerate(likert):
        frame[qid] = ans[:, j]
    stay = np.where(rng.random(n) < np.where(migrant, 0.55, 0.8), "愿意", "说不清")
    lived = rng.choice(["10年以上", "5-10年", "3-5年", "1-3年", "1年以下"], n, p=[0.45, 0.2, 0.14, 0.13, 0.08])
    mode = rng.choice(["步行", "自行车", "电动自行车", "公交", "地铁", "小汽车", "其他"], n,
                      p=[0.12, 0.05, 0.23, 0.19, 0.02, 0.31, 0.08])
    aware = rng.choice(["了解", "听说过", "不了解"], n, p=[0.2, 0.4, 0.4])
    for qid, col in zip(choice, (stay, lived, mode, aware)):
        frame[qid] = col
    frame[text[0]] = ms.free_text(rng, n, ms.PROBLEMS, ms.PROBLEM_FORMS, 0.4, ms.PROBLEM_WEIGHT)
    frame[text[1]] = ms.free_text(rng, n, ms.SUGGESTIONS, ms.SUGGESTION_FORMS, 0.2)
    copies = frame.iloc[dup].copy()
    copies["response_id"] = [f"DG{year}-{n + i + 1:05d}" for i in range(len(copies))]
    later = pd.to_datetime(copies["submitted_at"]) + pd.to_timedelta(3 * 86400, unit="s")
    copies["submitted_at"] = later.dt.strftime("%Y-%m-%d %H:%M:%S")
    return pd.concat([frame, copies], ignore_index=True)[list(frame.columns)]


def write_year(year: int, demo: Demo, ms) -> dict:
    root = OUT / str(year)
    if root.exists():
        shutil.rmtree(root)
    (root / "data").mkdir(parents=True)
    (root / "project.toml").write_text(project_toml(year), encoding="utf-8")
    cat = demo.catalogue[year]
    write_csv(root / "data" / "indicators.csv", list(cat.columns), cat.itertuples(index=False))
    write_csv(root / "data" / "areas.csv", list(demo.areas.columns), demo.areas.itertuples(index=False))
    write_csv(root / "data" / "departments.csv", list(demo.depts.columns), demo.depts.itertuples(index=False))
    shutil.copyfile(DATA / "survey_questions.csv", root / "data" / "survey_questions.csv")
    rows = []
    codes = list(cat["code"])
    for code in codes:
        dp = demo.dp_in(code, year)
        src = "部门填报（示例数据）"
        for y in range(FIRST_SERIES_YEAR, year + 1):
            if demo.first_year(code) > y or y not in demo.city.get(code, {}):
                continue
            v = demo.city_value(code, y)
            rows.append((code, CITY, y, fmt(v, dp), demo.notes.get((code, y), "") if v is None else "", src))
        for p in demo.peers:
            v = demo.peer_value(code, p, year)
            if v is not None:
                rows.append((code, p, year, fmt(v, dp), "", "对标城市公开资料（示例数据）"))
        tv = demo.town_values(code, year)
        for t in demo.towns:
            if (code, t) in demo.town_blank:
                rows.append((code, t, year, "", demo.town_blank[(code, t)], "园镇填报（示例数据）"))
            elif t in tv:
                rows.append((code, t, year, fmt(tv[t], dp), "", "园镇填报（示例数据）"))
    write_csv(root / "data" / "values.csv", ["code", "area", "year", "value", "note", "source"], rows)
    recs = demo.recommendations(year)
    cols = ["id", "problem", "indicators", "result", "countermeasure", "action", "lead", "assist"]
    write_csv(root / "data" / "recommendations.csv", cols, [[r[c] for c in cols] for r in recs])
    track = demo.tracking(year, recs)
    write_csv(root / "data" / "tracking.csv", ["id", "status", "note", "updated"], track)
    survey = survey_rows(year, demo, ms)
    with (root / "data" / "survey.csv").open("w", encoding="utf-8", newline="") as fh:
        survey.to_csv(fh, index=False, lineterminator="\n")
    (root / "narratives").mkdir()
    for name, text in narratives(year, demo).items():
        (root / "narratives" / name).write_text(text, encoding="utf-8")
    return {"indicators": len(cat), "values": len(rows), "recommendations": len(recs), "tracking": len(track),
            "survey": len(survey)}


# ------------------------------------------------------------------ self-check

def check(demo: Demo) -> list[str]:
    """Every kind of change must appear somewhere between consecutive years."""
    seen_status, seen_rec = set(), set()
    years = list(YEARS) + [CURRENT]
    for prev, cur in zip(years, years[1:]):
        cur_ratings = demo.ratings[cur]
        sev = {"良好": 0, "预警": 1, "短板": 2}
        for code in demo.problems(prev):
            r_prev, v_prev, _ = demo.ratings[prev][code]
            r_now, v_now, _ = cur_ratings.get(code, (None, None, None))
            if r_now == "良好":
                seen_status.add("resolved")
            elif r_now in sev:
                if sev[r_now] < sev[r_prev]:
                    seen_status.add("improved")
                elif sev[r_now] > sev[r_prev]:
                    seen_status.add("worse")
                else:
                    seen_status.add("persisting")
        prev_ids = {r["id"] for r in demo.recommendations(prev)}
        cur_ids = {r["id"] for r in (demo.recs.to_dict("records") if cur == CURRENT else demo.recommendations(cur))}
        if prev_ids & cur_ids:
            seen_rec.add("continued")
        if prev_ids - cur_ids:
            seen_rec.add("dropped")
    missing = {"resolved", "improved", "persisting", "worse"} - seen_status
    missing |= {"continued", "dropped"} - seen_rec
    return sorted(missing)


def main() -> int:
    demo = Demo()
    missing = check(demo)
    if missing:
        raise SystemExit(f"make_history: the years no longer show: {', '.join(missing)}")
    ms = make_survey_module()
    OUT.mkdir(exist_ok=True)
    for year in YEARS:
        got = write_year(year, demo, ms)
        probs = demo.problems(year)
        print(f"history/{year}: {got['indicators']} indicators ({len(probs)} 短板/预警), {got['values']} values, "
              f"{got['recommendations']} recommendations ({got['tracking']} tracked), {got['survey']} questionnaires")
    (OUT / "README.md").write_text(
        "# 演示项目的往年体检（2016—2019 年）\n\n由 `content/tools/make_history.py` 生成（`make` 会自动运行），"
        "请勿手工修改；所有数据均为示例数据。\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
