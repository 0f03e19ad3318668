"""Generate the province demo: the 21 prefecture-level cities of Guangdong, each an
ordinary checkup project, under one province.toml.

Run from the repository root (the Makefile's `province` target does):

    python content/tools/make_province.py [--out build/province-demo]

Every figure is ILLUSTRATIVE (示例数据): values follow a made-up development index per
city plus seeded noise, shaped like a provincial checkup (one provincial indicator
system with provincial standards, a few indicators of a city's own, districts as the
town level, small surveys so the demo builds fast).  Nothing is official statistics.

Deliberate imperfections exercise the province's failure and gap paths:
- 潮州市 hands in a values table with a value typed as text and an indicator code not in
  its catalogue: its build fails, the batch reports it and goes on;
- 汕尾市 and 云浮市 have no data for about a quarter of their indicators (no rank);
- 河源市 misses two values (still ranked); 阳江市 and 揭阳市 send no tracking table.

The same script always writes the same bytes.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "build" / "province-demo"
SEED = 20240901
YEAR = 2024
YEARS = (2021, 2022, 2023, 2024)
PROVINCE = "广东省"

# name, folder, districts (the checkup's town level), development index 0..1, peers
CITIES = [
    ("广州市", "guangzhou", ["越秀区", "海珠区", "荔湾区", "天河区", "白云区", "黄埔区", "番禺区", "花都区",
                           "南沙区", "从化区", "增城区"], 0.95, ["深圳市", "佛山市"]),
    ("深圳市", "shenzhen", ["福田区", "罗湖区", "南山区", "盐田区", "宝安区", "龙岗区", "龙华区", "坪山区",
                          "光明区"], 1.00, ["广州市", "东莞市"]),
    ("珠海市", "zhuhai", ["香洲区", "斗门区", "金湾区"], 0.80, ["中山市", "江门市"]),
    ("汕头市", "shantou", ["金平区", "龙湖区", "濠江区", "潮阳区", "潮南区", "澄海区"], 0.45, ["潮州市", "揭阳市"]),
    ("佛山市", "foshan", ["禅城区", "南海区", "顺德区", "三水区", "高明区"], 0.82, ["广州市", "东莞市"]),
    ("韶关市", "shaoguan", ["浈江区", "武江区", "曲江区"], 0.30, ["清远市", "河源市"]),
    ("河源市", "heyuan", ["源城区", "东源县"], 0.25, ["梅州市", "韶关市"]),
    ("梅州市", "meizhou", ["梅江区", "梅县区"], 0.25, ["河源市", "潮州市"]),
    ("惠州市", "huizhou", ["惠城区", "惠阳区"], 0.62, ["东莞市", "深圳市"]),
    ("汕尾市", "shanwei", ["城区", "海丰县"], 0.20, ["揭阳市", "惠州市"]),
    ("东莞市", "dongguan", ["莞城街道", "南城街道", "东城街道", "万江街道"], 0.76, ["深圳市", "佛山市"]),
    ("中山市", "zhongshan", ["石岐街道", "东区街道", "西区街道", "南区街道"], 0.66, ["珠海市", "江门市"]),
    ("江门市", "jiangmen", ["蓬江区", "江海区", "新会区"], 0.50, ["中山市", "佛山市"]),
    ("阳江市", "yangjiang", ["江城区", "阳东区"], 0.30, ["茂名市", "江门市"]),
    ("湛江市", "zhanjiang", ["赤坎区", "霞山区", "坡头区", "麻章区"], 0.36, ["茂名市", "阳江市"]),
    ("茂名市", "maoming", ["茂南区", "电白区"], 0.32, ["湛江市", "阳江市"]),
    ("肇庆市", "zhaoqing", ["端州区", "鼎湖区", "高要区"], 0.42, ["佛山市", "云浮市"]),
    ("清远市", "qingyuan", ["清城区", "清新区"], 0.36, ["韶关市", "肇庆市"]),
    ("潮州市", "chaozhou", ["湘桥区", "潮安区"], 0.30, ["汕头市", "揭阳市"]),
    ("揭阳市", "jieyang", ["榕城区", "揭东区"], 0.30, ["汕头市", "潮州市"]),
    ("云浮市", "yunfu", ["云城区", "云安区"], 0.20, ["肇庆市", "阳江市"]),
]
GROUPS = {
    "珠三角": ["广州市", "深圳市", "珠海市", "佛山市", "惠州市", "东莞市", "中山市", "江门市", "肇庆市"],
    "粤东": ["汕头市", "汕尾市", "潮州市", "揭阳市"],
    "粤西": ["阳江市", "湛江市", "茂名市"],
    "粤北": ["韶关市", "河源市", "梅州市", "清远市", "云浮市"],
}
REGIONS = {   # 一核一带一区
    "珠三角核心区": GROUPS["珠三角"],
    "沿海经济带": GROUPS["粤东"] + GROUPS["粤西"],
    "北部生态发展区": GROUPS["粤北"],
}
ABBR = {"广州市": "GZ", "深圳市": "SZ", "珠海市": "ZH", "汕头市": "ST", "佛山市": "FS", "韶关市": "SG", "河源市": "HY",
        "梅州市": "MZ", "惠州市": "HZ", "汕尾市": "SW", "东莞市": "DG", "中山市": "ZS", "江门市": "JM", "阳江市": "YJ",
        "湛江市": "ZJ", "茂名市": "MM", "肇庆市": "ZQ", "清远市": "QY", "潮州市": "CZ", "揭阳市": "JY", "云浮市": "YF"}
BROKEN = "潮州市"
GAPS = {"汕尾市": 7, "云浮市": 6, "河源市": 2}     # indicators without a 2024 value
NO_TRACKING = {"阳江市", "揭阳市"}
HISTORIC = {"广州市", "佛山市", "汕头市", "潮州市", "梅州市", "肇庆市", "江门市", "中山市", "惠州市",
            "韶关市", "湛江市", "东莞市", "珠海市"}   # cities with 历史文化街区 (JQ-03)

DEPARTMENTS = [
    ("zjj", "住房和城乡建设局"), ("zrj", "自然资源局"), ("jtj", "交通运输局"), ("sthj", "生态环境局"),
    ("swj", "水务局"), ("cgj", "城市管理和综合执法局"), ("jyj", "教育局"), ("wjj", "卫生健康委员会"),
    ("mzj", "民政局"),
]

# code, name, dimension, unit, direction, provincial standard, value at index 0 and 1,
# noise (relative), departments, method, decimals, key, town level
INDICATORS = [
    ("ZF-01", "人均住房建筑面积", "住房", "平方米/人", "+", 35.0, 44.0, 31.0, 0.05, "zjj", "统计", 1, 0, 0),
    ("ZF-02", "存在安全隐患的住宅占比", "住房", "%", "-", 3.0, 3.7, 1.6, 0.18, "zjj", "调查", 2, 1, 1),
    ("ZF-03", "住房租金收入比", "住房", "%", "-", 30.0, 19.0, 38.0, 0.08, "zjj", "统计", 1, 0, 0),
    ("ZF-04", "新建住宅中绿色建筑占比", "住房", "%", "+", 70.0, 56.0, 90.0, 0.07, "zjj", "统计", 1, 0, 0),
    ("ZF-05", "老旧小区中已加装电梯的比例", "住房", "%", "+", 25.0, 7.0, 25.0, 0.20, "zjj", "调查", 1, 0, 0),
    ("SQ-01", "社区综合服务设施覆盖率", "小区（社区）", "%", "+", 90.0, 81.0, 99.0, 0.04, "mzj;zjj", "调查", 1, 0, 0),
    ("SQ-02", "普惠性幼儿园覆盖率", "小区（社区）", "%", "+", 85.0, 83.0, 92.0, 0.03, "jyj", "统计", 1, 0, 0),
    ("SQ-03", "社区卫生服务中心门诊分担率", "小区（社区）", "%", "+", 40.0, 34.0, 47.0, 0.10, "wjj", "统计", 1, 0, 0),
    ("SQ-04", "完整社区覆盖率", "小区（社区）", "%", "+", 30.0, 9.0, 29.0, 0.18, "zjj;mzj", "调查", 1, 1, 1),
    ("SQ-05", "小区停车泊位与户数比", "小区（社区）", "个/户", "+", 1.0, 0.86, 1.08, 0.06, "zjj;jtj", "调查", 2, 0, 0),
    ("SQ-06", "物业服务覆盖率", "小区（社区）", "%", "+", 80.0, 56.0, 93.0, 0.07, "zjj", "调查", 1, 0, 0),
    ("JQ-01", "城市道路网密度", "街区", "千米/平方千米", "+", 8.0, 5.4, 8.4, 0.07, "zrj;jtj", "空间", 2, 0, 0),
    ("JQ-02", "公园绿化活动场地服务半径覆盖率", "街区", "%", "+", 90.0, 80.0, 94.0, 0.04, "cgj;zrj", "空间", 1,
     0, 1),
    ("JQ-03", "历史文化街区保护修缮率", "街区", "%", "+", 60.0, 42.0, 82.0, 0.15, "zrj;zjj", "调查", 1, 0, 0),
    ("JQ-04", "街道立杆、空中线路规整率", "街区", "%", "+", 85.0, 71.0, 93.0, 0.06, "cgj", "调查", 1, 0, 0),
    ("JQ-05", "人均体育场地面积", "街区", "平方米/人", "+", 2.6, 1.9, 3.0, 0.08, "zrj", "统计", 2, 0, 0),
    ("CQ-01", "建成区高峰期平均机动车速度", "城区", "千米/小时", "+", 30.0, 37.0, 24.5, 0.06, "jtj", "大数据", 1,
     1, 1),
    ("CQ-02", "城市生活污水集中收集率", "城区", "%", "+", 70.0, 56.0, 86.0, 0.07, "swj", "统计", 1, 0, 0),
    ("CQ-03", "城市内涝积水点密度", "城区", "个/平方千米", "-", 0.05, 0.065, 0.04, 0.20, "swj", "空间", 2, 0, 0),
    ("CQ-04", "空气质量优良天数比率", "城区", "%", "+", 92.0, 94.5, 91.0, 0.025, "sthj", "统计", 1, 0, 0),
    ("CQ-05", "人均公园绿地面积", "城区", "平方米/人", "+", 15.0, 13.2, 17.2, 0.08, "cgj;zrj", "空间", 2, 0, 1),
    ("CQ-06", "城市生活垃圾资源化利用率", "城区", "%", "+", 60.0, 41.0, 76.0, 0.10, "cgj", "统计", 1, 0, 0),
    ("CQ-07", "公共供水管网漏损率", "城区", "%", "-", 9.0, 12.2, 7.0, 0.10, "swj", "统计", 1, 0, 0),
    ("CQ-08", "新建建筑中装配式建筑比例", "城区", "%", "+", 30.0, 16.0, 41.0, 0.12, "zjj", "统计", 1, 0, 0),
]
SOURCE = {"统计": "部门统计年报", "调查": "住房和社区专项调查", "空间": "国土空间基础信息平台",
          "大数据": "交通运行监测平台"}

# one indicator of the city's own (特色指标): name, unit, direction, target, value range
FEATURES = [
    ("城中村改造完成率", "%", "+", 60.0, (40, 70)),
    ("保障性住房筹建完成率", "%", "+", 100.0, (85, 105)),
    ("海岸线生态修复率", "%", "+", 50.0, (30, 60)),
    ("历史建筑活化利用率", "%", "+", 40.0, (20, 50)),
    ("村级工业园改造完成率", "%", "+", 50.0, (30, 60)),
    ("森林覆盖率", "%", "+", 70.0, (60, 76)),
    ("客家围屋保护修缮率", "%", "+", 50.0, (25, 55)),
    ("韧性城市建设达标率", "%", "+", 60.0, (40, 70)),
]

# text of a recommendation per indicator: problem, countermeasure, action
ADVICE = {
    "ZF-01": ("人均住房面积偏小，居住拥挤问题突出", "增加中小户型和保障性住房供给", "推进城中村和老旧片区改造，增加保障性租赁住房"),
    "ZF-02": ("部分老旧住宅存在结构与消防安全隐患", "建立住宅安全隐患排查整治长效机制", "开展房屋安全隐患排查整治，建立住宅安全档案"),
    "ZF-03": ("住房租金负担较重", "加大保障性租赁住房供给，稳定租金水平", "盘活存量房源筹集保障性租赁住房，规范住房租赁市场"),
    "ZF-04": ("新建住宅绿色建筑占比未达标准", "全面执行绿色建筑标准", "将绿色建筑要求纳入土地出让和施工图审查"),
    "ZF-05": ("老旧小区加装电梯推进缓慢", "简化加装电梯审批，完善协商机制", "推行加装电梯“一站式”审批，统筹财政补助和公积金提取"),
    "SQ-01": ("社区综合服务设施覆盖不足", "补齐社区综合服务设施短板", "结合城市更新配建社区综合服务中心"),
    "SQ-02": ("普惠性学前教育资源不足", "扩大普惠性幼儿园学位供给", "新建和改扩建公办幼儿园，扶持普惠性民办园"),
    "SQ-03": ("基层医疗服务能力偏弱，门诊分担率低", "提升社区卫生服务中心服务能力", "推进优质医疗资源下沉，完善家庭医生签约服务"),
    "SQ-04": ("完整社区覆盖率低，社区服务设施不完善", "按完整社区标准补齐设施短板", "开展完整社区建设试点，统筹养老、托育、文体设施配建"),
    "SQ-05": ("小区停车泊位不足，停车难问题突出", "挖潜增加停车泊位，推进共享停车", "利用边角地建设立体停车设施，推动机关企事业单位停车场错时开放"),
    "SQ-06": ("物业服务覆盖率低，老旧小区管理薄弱", "推动物业服务全覆盖", "对无物业小区推行社区托管和专业化物业服务"),
    "JQ-01": ("道路网密度偏低，微循环不畅", "加密支路网，打通断头路", "编制支路网加密计划，逐年打通断头路"),
    "JQ-02": ("公园绿地服务半径覆盖存在盲区", "均衡布局社区公园和口袋公园", "利用闲置地建设口袋公园，提升公园绿地可达性"),
    "JQ-03": ("历史文化街区保护修缮滞后", "加强历史文化街区保护修缮和活化利用", "制定历史文化街区保护修缮年度计划"),
    "JQ-04": ("街道空中线路杂乱，立杆设置无序", "推进多杆合一和线路规整", "开展“三线”整治和多杆合一改造"),
    "JQ-05": ("全民健身设施不足", "增加社区体育设施供给", "利用公园、绿道和闲置空间建设健身场地"),
    "CQ-01": ("高峰期交通拥堵较为严重", "优化交通组织，提升公共交通吸引力", "实施拥堵节点改造，优化公交线网和信号配时"),
    "CQ-02": ("生活污水集中收集率不高，管网存在短板", "补齐污水管网短板，推进雨污分流", "实施污水管网提质增效和城中村截污工程"),
    "CQ-03": ("城市内涝积水点较多", "系统治理城市内涝", "开展易涝点整治，建设海绵城市设施"),
    "CQ-04": ("空气质量优良天数比率未达标准", "强化大气污染协同治理", "加强臭氧和颗粒物协同控制，严控施工扬尘"),
    "CQ-05": ("人均公园绿地面积不足", "增加公园绿地供给", "推进城市公园和绿道建设，提升绿地服务水平"),
    "CQ-06": ("生活垃圾资源化利用水平不高", "完善垃圾分类和资源化利用体系", "建设再生资源回收网络，提升焚烧和资源化处理能力"),
    "CQ-07": ("公共供水管网漏损率偏高", "推进供水管网更新改造", "实施老旧供水管网改造和分区计量管理"),
    "CQ-08": ("装配式建筑推广力度不足", "扩大装配式建筑应用", "在政府投资项目中全面推行装配式建造"),
}

QUESTIONS = [
    ("Q01", "您对目前住房条件的满意程度", "住房"),
    ("Q02", "您对住房负担（房价、租金）的满意程度", "住房"),
    ("Q03", "您对小区物业服务的满意程度", "小区（社区）"),
    ("Q04", "您对社区养老、托育等服务的满意程度", "小区（社区）"),
    ("Q05", "您对步行可达的公园绿地的满意程度", "街区"),
    ("Q06", "您对街道环境整洁程度的满意程度", "街区"),
    ("Q07", "您对城市交通出行的满意程度", "城区"),
    ("Q08", "您对城市防洪排涝能力的满意程度", "城区"),
]
CONCERNS = ["停车难", "老旧小区加装电梯推进慢", "公交线路少，等车时间长", "下雨道路积水", "社区养老服务不足",
            "房租太高", "家附近缺少公园", "上下班道路拥堵", "垃圾分类不到位", "物业服务质量差",
            "幼儿园学位紧张", "街道卫生有待改善"]
OCCUPATIONS = ["企业职员", "公务员及事业单位人员", "个体经营者", "产业工人", "退休人员", "学生", "其他"]
AGES = ["18-29岁", "30-44岁", "45-59岁", "60岁及以上"]


def _csv(columns: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue().encode("utf-8")


def _num(x: float, dp: int) -> str:
    return f"{x:.{dp}f}"


class Writer:
    """Writes a file only when its bytes change (keeps the batch's content hash stable)."""

    def __init__(self, root: Path):
        self.root = root
        self.written = 0

    def put(self, rel: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        path = self.root / rel
        if path.is_file() and path.read_bytes() == data:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.written += 1


def city_values(rng) -> dict:
    """code -> {city -> 2024 value} for every shared indicator (the cities' own noise)."""
    out = {}
    for code, _, _, _, _, std, lo, hi, noise, *_ in INDICATORS:
        vals = {}
        for name, _, _, d, _ in CITIES:
            base = lo + (hi - lo) * d
            vals[name] = base * (1 + rng.normal(0, noise))
        out[code] = vals
    return out


def history(rng, v2024: float, direction: str, dp: int) -> dict[int, float]:
    """A plausible 2021-2023 series ending at v2024: mostly improving, a little noise."""
    step = abs(v2024) * rng.uniform(0.005, 0.04)
    sign = 1 if direction == "+" else -1
    if rng.random() < 0.2:
        sign = -sign   # some indicators worsened
    out = {}
    for y in YEARS:
        k = YEAR - y
        out[y] = round(v2024 - sign * step * k + rng.normal(0, step * 0.3) * (k > 0), dp)
    out[YEAR] = round(v2024, dp)
    return out


def clamp_pct(x: float, unit: str) -> float:
    return min(max(x, 0.5), 99.0) if unit == "%" else max(x, 0.01)


def make_city(w: Writer, idx: int, city: tuple, shared: dict, rng) -> None:
    name, folder, towns, d, peers = city
    base = f"cities/{folder}"
    short = name[:-1] if name.endswith("市") else name
    feature = FEATURES[idx % len(FEATURES)]
    fcode = f"{ABBR[name]}-TS-01"

    # project.toml; the town level is the districts (区、县), or the streets of a city without districts
    if all(t.endswith("街道") for t in towns):
        term = "街道"
    elif any(t.endswith("县") for t in towns):
        term = "区（县）"
    else:
        term = "区"
    w.put(f"{base}/project.toml", f"""# {name}{YEAR}年城市体检（省级示例中的一个城市）
# 示例数据：由 content/tools/make_province.py 生成，不代表官方统计。
city = "{name}"
year = {YEAR}
title = "{name}{YEAR}年城市体检自体检报告"
subtitle = "示例项目（数据仅供演示）"
organisation = "{name}住房和城乡建设局"
survey_url = "https://example.gov.cn/checkup-{YEAR}/{folder}/survey"
demo = true

[campaign]
title = "{short}城市体检 满意度调查"
slogan = "城市体检，您来打分"
why = ["您的意见将写入城市体检报告", "帮助发现身边的城市问题", "匿名填写，个人信息严格保密"]
duration = "约3分钟"
deadline = "{YEAR}年8月31日"

[terms]
town = "{term}"

[scoring]
warning_band = 0.10
flat_band = 0.01
target_year = 2025

[survey]
min_duration_s = 60
""")

    # indicators
    catalogue = [i for i in INDICATORS if i[0] != "JQ-03" or name in HISTORIC]
    rows = []
    for code, iname, dim, unit, direction, std, lo, hi, noise, depts, method, dp, key, town in catalogue:
        rows.append([code, iname, dim, "基础指标", unit, direction, _num(std, dp), "", depts, "1" if key else "",
                     method, SOURCE[method], "none"])
    fname, funit, fdir, ftarget, _ = feature
    rows.append([fcode, fname, "城区", "特色指标", funit, fdir, "", _num(ftarget, 1), "zjj", "", "统计",
                 SOURCE["统计"], "none"])
    w.put(f"{base}/data/indicators.csv", _csv(["code", "name", "dimension", "category", "unit", "direction",
                                               "standard", "target", "departments", "key", "method", "source",
                                               "aggregate"], rows))

    # areas and departments
    arows = [[name, "city"]] + [[t, "town"] for t in towns] + [[p, "peer"] for p in peers]
    w.put(f"{base}/data/areas.csv", _csv(["area", "kind"], arows))
    w.put(f"{base}/data/departments.csv",
          _csv(["id", "name", "kind"], [[i, f"{name}{n}", "市直部门"] for i, n in DEPARTMENTS]))

    # values: city 2021-2024, peers 2024 (key indicators), districts 2024 (town-level ones)
    missing = set()
    gap = GAPS.get(name, 0)
    if gap:
        codes = [c[0] for c in catalogue]
        missing = set(rng.choice(codes, size=gap, replace=False).tolist())
    vrows = []
    final: dict[str, float] = {}
    for code, iname, dim, unit, direction, std, lo, hi, noise, depts, method, dp, key, town in catalogue:
        v = clamp_pct(shared[code][name], unit)
        hist = history(rng, v, direction, dp)
        for y in YEARS:
            val = hist[y]
            if y == YEAR and code in missing:
                vrows.append([code, name, y, "", "数据暂缺", ""])
                continue
            vrows.append([code, name, y, _num(clamp_pct(val, unit), dp), "", ""])
        final[code] = None if code in missing else hist[YEAR]
        if key:
            for p in peers:
                vrows.append([code, p, YEAR, _num(clamp_pct(shared[code][p], unit), dp), "", ""])
        if town and code not in missing:
            for t_i, t in enumerate(towns):
                spread = 1 + rng.normal(0, noise * 1.5)
                vrows.append([code, t, YEAR, _num(clamp_pct(v * spread, unit), dp), "", ""])
    lo_f, hi_f = feature[4]
    fval = lo_f + (hi_f - lo_f) * rng.random()
    for k, y in enumerate(YEARS):
        vrows.append([fcode, name, y, _num(fval - (YEAR - y) * 3.0, 1), "", ""])
    if name == BROKEN:
        # what a real hand-in sometimes looks like: a value typed with words, a code not in the catalogue
        vrows[3][3] = "约" + vrows[3][3]
        vrows.append(["CQ-09", name, YEAR, "35.0", "", ""])
    w.put(f"{base}/data/values.csv", _csv(["code", "area", "year", "value", "note", "source"], vrows))

    # recommendations: one per indicator below the provincial standard, worst first (at most 5)
    gaps_by = []
    for code, iname, dim, unit, direction, std, *_ in catalogue:
        v = final.get(code)
        if v is None:
            continue
        shortfall = (std - v) / std if direction == "+" else (v - std) / std
        if shortfall > 0:
            gaps_by.append((shortfall, code, iname, unit, direction, std, v))
    gaps_by.sort(reverse=True)
    recs = []
    dp_of = {i[0]: i[11] for i in INDICATORS}
    for n, (_, code, iname, unit, direction, std, v) in enumerate(gaps_by[:5], 1):
        problem, measure, action = ADVICE[code]
        depts = next(i[9] for i in INDICATORS if i[0] == code).split(";")
        word = "低于" if direction == "+" else "高于"
        result = f"{iname}为{_num(v, dp_of[code])}{unit}，{word}省级标准（{_num(std, dp_of[code])}{unit}）。"
        recs.append([f"R{n:02d}", problem, code, result, measure, action, depts[0], ";".join(depts[1:])])
    w.put(f"{base}/data/recommendations.csv",
          _csv(["id", "problem", "indicators", "result", "countermeasure", "action", "lead", "assist"], recs))
    if name not in NO_TRACKING:
        statuses = ["已开展", "已开展", "正在研究", "已开展", "暂未开展"]
        trows = []
        for n, r in enumerate(recs):
            if rng.random() < 0.15:
                continue   # not reported back yet
            s = statuses[(n + idx) % len(statuses)]
            trows.append([r[0], s, "" if s != "已开展" else "已列入年度工作计划", f"{YEAR + 1}-03-{10 + n:02d}"])
        w.put(f"{base}/data/tracking.csv", _csv(["id", "status", "note", "updated"], trows))

    # questionnaire and answers
    w.put(f"{base}/data/survey_questions.csv",
          _csv(["qid", "text", "dimension", "kind"],
               [[q, t, dm, "likert5"] for q, t, dm in QUESTIONS] + [["Q09", "您认为本市最需要改进的问题", "", "text"]]))
    n = 160 + 25 * len(towns)
    level = 3.25 + 0.7 * d + rng.normal(0, 0.12)
    q_bias = rng.normal(0, 0.25, len(QUESTIONS))
    srows = []
    for i in range(n):
        rid = f"{ABBR[name]}{i + 1:05d}"
        respondent = hashlib.sha1(f"{folder}-{i}".encode()).hexdigest()[:12]
        if i > 20 and rng.random() < 0.03:
            respondent = hashlib.sha1(f"{folder}-{i - 7}".encode()).hexdigest()[:12]   # answered twice
        day = 1 + (i * 37) % 60
        month, dday = (7, day) if day <= 31 else (8, day - 31)
        ts = f"{YEAR}-{month:02d}-{dday:02d} {8 + (i * 7) % 13:02d}:{(i * 13) % 60:02d}:{(i * 29) % 60:02d}"
        duration = int(rng.uniform(25, 60)) if rng.random() < 0.04 else int(rng.uniform(90, 600))
        town = towns[int(rng.integers(len(towns)))]
        hukou = "本地户籍" if rng.random() < 0.55 else "外来人口"
        occ = OCCUPATIONS[int(rng.integers(len(OCCUPATIONS)))]
        age = AGES[int(rng.integers(len(AGES)))]
        channel = "线上" if rng.random() < 0.8 else "线下"
        answers = []
        for k in range(len(QUESTIONS)):
            if rng.random() < 0.05:
                answers.append("0")   # 不了解
                continue
            a = int(round(level + q_bias[k] + rng.normal(0, 0.9)))
            answers.append(str(min(5, max(1, a))))
        if rng.random() < 0.02:
            answers = [""] * 6 + answers[6:]   # stopped early
        text = "；".join(rng.choice(CONCERNS, size=int(rng.integers(0, 3)), replace=False).tolist())
        srows.append([rid, ts, duration, channel, respondent, town, hukou, occ, age, *answers, text])
    w.put(f"{base}/data/survey.csv",
          _csv(["response_id", "submitted_at", "duration_s", "channel", "respondent", "town", "hukou",
                "occupation", "age_group", *[q for q, _, _ in QUESTIONS], "Q09"], srows))

    # one narrative: the city's overview
    w.put(f"{base}/narratives/00-overview.md", f"""---
title: 总体情况
section: overview
order: 1
---

> **说明：**本报告是省级城市体检示例中的一个城市，报告中的指标数值和问卷数据均为**示例数据**，不代表{{{{ city }}}}的真实统计结果。

{{{{ year }}}}年，{{{{ city }}}}按照全省统一部署开展城市体检，采用省级城市体检指标体系，共{{{{ counts.total }}}}项指标，其中基础指标{{{{ counts.category('基础指标') }}}}项、特色指标{{{{ counts.category('特色指标') }}}}项。社会满意度调查回收问卷{{{{ survey.collected }}}}份，有效问卷{{{{ survey.valid }}}}份，市民总体满意度为{{{{ survey.overall }}}}分。
""")


def make_province(w: Writer) -> None:
    def names(xs):
        return ", ".join(f'"{x}"' for x in xs)

    groups = "\n".join(f'"{g}" = [{names(m)}]' for g, m in GROUPS.items())
    regions = "\n".join(f'"{r}" = [{names(m)}]' for r, m in REGIONS.items())
    cities = ",\n".join(f'  "cities/{c[1]}"' for c in CITIES)
    w.put("province.toml", f"""# 广东省{YEAR}年城市体检省级汇总（示例）
# 示例数据：由 content/tools/make_province.py 生成，不代表官方统计。
name = "{PROVINCE}"
year = {YEAR}
title = "{PROVINCE}{YEAR}年城市体检工作汇总报告"
subtitle = "示例项目（数据仅供演示）"
organisation = "{PROVINCE}住房和城乡建设厅"
demo = true
cities = [
{cities},
]

# 各城市在所属分组内排名
[groups]
{groups}

# 区域格局：一核一带一区
[regions]
{regions}
""")
    w.put("narratives/00-province.md", """---
title: 工作开展情况
section: province
order: 1
---

{{ year }}年，全省{{ counts.cities }}个地级以上市按照省住房城乡建设厅统一部署开展城市自体检，统一采用省级城市体检指标体系和评价标准。截至汇总时，{{ counts.built }}个城市完成数据校验并形成体检成果，纳入本次汇总；{% if counts.failed %}{{ counts.failed }}个城市的数据未通过校验，需补正后重新提交。{% endif %}

从汇总结果看，{{ common_problems }}等指标在半数以上城市评价为短板，是全省城市体检发现的共性问题，详见{{ table('common-problems') }}。
""")
    w.put("narratives/90-next-steps.md", """---
title: 下一步工作建议
order: 90
---

一是聚焦共性短板，由省级层面统筹制定专项行动方案，对{{ common_problems }}等问题实行清单化管理、项目化推进。

二是强化数据治理。对数据缺失较多、未纳入排名的城市，指导其完善部门数据共享和基层填报机制，确保下一年度体检数据完整。

三是建立“体检—评估—整治”闭环。各城市按年度报送策略建议落实情况，省级定期通报进展，将体检结果作为城市更新项目安排的重要依据。
""")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(SEED)
    w = Writer(args.out)
    shared = city_values(rng)
    for idx, city in enumerate(CITIES):
        make_city(w, idx, city, shared, np.random.default_rng(SEED + idx + 1))
    make_province(w)
    print(f"province demo: {len(CITIES)} cities under {args.out} ({w.written} files written)")


if __name__ == "__main__":
    main()
