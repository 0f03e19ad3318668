"""Generate the county-level example project (examples/county/): 青岚市, 2024.

Run from the repository root:

    python examples/county/tools/make_example.py

青岚市 is an invented county-level city (县级市) checked in the four-level
system used since 2023 (住房 / 小区（社区） / 街区 / 城区（城市）), with 14
乡镇（街道） — 4 街道, 8 镇 and 2 乡, two of the 街道 administered (and filed
for) by the 青岚经济开发区 管委会 — four peer county-level cities, 19 municipal
bureaus (局) and the town governments that file town-level data.  All numbers
are ILLUSTRATIVE (示例数据): they are not statistics of any real place.

The tables are written the way a county team really hands them over, in
several formats, always with the same bytes:

    indicators.xlsx, recommendations.xlsx, sub_indicators.xlsx   (openpyxl, via reportkit.write.xlsx_bytes)
    areas.csv, departments.csv, survey_questions.csv, survey.csv (GBK, CRLF: Excel on a Chinese Windows)
    values.csv (UTF-8), tracking.csv (UTF-8 with BOM)

The survey (4,800 questionnaires) is git-ignored and made by the Makefile;
everything else is committed so the project works from a clone.  Each rejected
questionnaire is built to fail one validity rule first (REJECTED below); the
script screens its own output with the contract's rules and stops if the
counts differ from the design.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent.parent
DATA = HERE / "data"
SEED = 20240731
CITY = "青岚市"
YEAR = 2024
YEARS = (2021, 2022, 2023, 2024)
WARNING_BAND = 0.10

# --------------------------------------------------------------------------- areas
# (name, kind, district, filer, population in 10,000 persons)
KFQ = "青岚经济开发区"
TOWNS = [
    ("凤鸣街道", "jd-fm", 9.6), ("锦屏街道", "kfq", 7.2), ("东湖街道", "kfq", 5.4), ("岚山街道", "jd-ls", 6.8),
    ("白沙镇", "z-bs", 4.1), ("柳溪镇", "z-lx", 3.6), ("石门镇", "z-sm", 3.2), ("桃源镇", "z-ty", 2.9),
    ("双河镇", "z-sh", 2.6), ("龙潭镇", "z-lt", 2.4), ("清水镇", "z-qs", 2.2), ("马坪镇", "z-mp", 1.9),
    ("云岭乡", "x-yl", 1.1), ("高坪乡", "x-gp", 0.9),
]
IN_KFQ = {"锦屏街道", "东湖街道"}
PEERS = ["南屏市", "安澜市", "临溪市", "桐川市"]

# --------------------------------------------------------------------------- departments
BUREAUS = [
    ("zjj", "青岚市住房和城乡建设局"), ("zrj", "青岚市自然资源局"), ("hbj", "青岚市生态环境局"),
    ("jtj", "青岚市交通运输局"), ("slj", "青岚市水利局"), ("jyj", "青岚市教育局"),
    ("wjj", "青岚市卫生健康局"), ("mzj", "青岚市民政局"), ("gaj", "青岚市公安局"),
    ("yjj", "青岚市应急管理局"), ("cgj", "青岚市城市管理局"), ("wlj", "青岚市文化广电旅游局"),
    ("tjj", "青岚市统计局"), ("fgj", "青岚市发展和改革局"), ("rsj", "青岚市人力资源和社会保障局"),
    ("scj", "青岚市市场监督管理局"), ("gxj", "青岚市工业和信息化局"), ("nyj", "青岚市农业农村局"),
    ("sjj", "青岚市数据资源局"),
]
TOWN_GOVS = [("kfq", "青岚经济开发区管理委员会", "开发区管委会"),
             ("jd-fm", "凤鸣街道办事处", "街道办事处"), ("jd-ls", "岚山街道办事处", "街道办事处")] + [
    (f, f"{t}人民政府", "镇人民政府") for t, f, _ in TOWNS if f.startswith("z-")] + [
    (f, f"{t}人民政府", "乡人民政府") for t, f, _ in TOWNS if f.startswith("x-")]

# --------------------------------------------------------------------------- indicators
ZF, SQ, JQ, CQ = "住房", "小区（社区）", "街区", "城区（城市）"
BASE, LOCAL = "基础指标", "特色指标"
# code, name, dimension, category, unit, direction, standard, target, departments, key,
# method, source, aggregate, values 2021-2024 (None = not available), peers factor (None = no peer
# data), towns ("sum" shares by population | "spread" a relative spread around the city value | None)
IND = [
    # 住房：安全耐久、功能完备、绿色智能
    ("ZF-01", "存在结构安全隐患的住宅数量", ZF, BASE, "栋", "-", None, 120, "zjj;kfq", 1, "统计", "城镇房屋安全隐患排查",
     "sum", (436, 362, 281, 214), None, "sum"),
    ("ZF-02", "存在燃气安全隐患的住宅数量", ZF, BASE, "栋", "-", None, 90, "zjj;scj", 0, "统计", "城镇燃气安全专项排查",
     "sum", (None, 268, 173, 86), None, "sum"),
    ("ZF-03", "存在楼道安全隐患的住宅数量", ZF, BASE, "栋", "-", None, 150, "zjj;yjj", 0, "统计", "住宅楼道消防安全排查",
     "sum", (None, None, 322, 241), None, "sum"),
    ("ZF-04", "存在围护安全隐患的住宅数量", ZF, BASE, "栋", "-", None, 110, "zjj", 0, "统计", "既有住宅外墙、屋面排查",
     "sum", (None, 171, 139, 118), None, "sum"),
    ("ZF-05", "需要进行适老化改造的住宅比例", ZF, BASE, "%", "-", None, 14.0, "zjj;mzj", 0, "统计", "住宅适老化改造需求调查",
     "none", (21.3, 19.8, 17.6, 15.0), None, None),
    ("ZF-06", "应加装未加装电梯的住宅比例", ZF, BASE, "%", "-", None, 60.0, "zjj", 1, "统计", "既有住宅加装电梯台账",
     "none", (88.2, 84.5, 79.1, 72.4), None, "spread"),
    ("ZF-07", "存在管线管道破损的住宅比例", ZF, BASE, "%", "-", None, 9.0, "zjj;cgj", 0, "统计", "老旧小区管网普查",
     "none", (14.2, 12.9, 11.0, 8.6), None, None),
    ("ZF-08", "入户水压不足的住宅比例", ZF, BASE, "%", "-", 5.0, None, "cgj;slj", 0, "统计", "供水服务质量调查",
     "none", (7.9, 6.8, 5.6, 4.7), None, None),
    ("ZF-09", "需要进行节能改造的住宅比例", ZF, BASE, "%", "-", None, 30.0, "zjj", 0, "统计", "既有建筑节能普查",
     "none", (None, 38.0, 35.2, 32.6), None, None),
    ("ZF-10", "城镇新建建筑中绿色建筑占比", ZF, BASE, "%", "+", 100.0, None, "zjj", 0, "统计", "施工图审查备案",
     "none", (72.0, 83.5, 94.1, 100.0), 0.98, None),
    # 小区（社区）：设施完善、环境宜居、管理健全
    ("SQ-01", "社区养老服务设施覆盖率", SQ, BASE, "%", "+", None, 95.0, "mzj;zjj", 1, "统计", "民政部门养老设施台账",
     "none", (64.0, 71.5, 79.2, 86.3), 0.96, "spread"),
    ("SQ-02", "社区卫生服务站覆盖率", SQ, BASE, "%", "+", 95.0, None, "wjj", 0, "空间", "基层医疗机构布局分析",
     "none", (88.0, 90.1, 92.4, 95.6), 1.00, None),
    ("SQ-03", "普惠性幼儿园覆盖率", SQ, BASE, "%", "+", 85.0, None, "jyj", 0, "统计", "教育事业统计",
     "none", (78.6, 80.2, 81.7, 82.3), 1.02, "spread"),
    ("SQ-04", "小学步行15分钟覆盖率", SQ, BASE, "%", "+", None, 85.0, "jyj;zrj", 0, "空间", "学校服务范围空间分析",
     "none", (76.0, 76.9, 78.3, 79.5), 1.05, None),
    ("SQ-05", "社区便民商业服务设施覆盖率", SQ, BASE, "%", "+", None, None, "scj;zjj", 0, "空间", "兴趣点（POI）分析",
     "none", (81.0, 84.2, 86.9, 91.2), 0.97, None),
    ("SQ-06", "社区公共活动场地达标率", SQ, BASE, "%", "+", None, 85.0, "zjj;zrj", 0, "空间", "社区公共空间普查",
     "none", (58.0, 61.3, 63.8, 65.2), 1.04, None),
    ("SQ-07", "小区停车泊位与住户数之比", SQ, BASE, "个/户", "+", 1.0, None, "zjj;gaj", 0, "统计", "住宅小区停车设施普查",
     "none", (0.62, 0.66, 0.71, 0.74), 1.08, "spread"),
    ("SQ-08", "小区新能源汽车充电设施覆盖率", SQ, BASE, "%", "+", None, None, "fgj;zjj", 0, "统计", "充电设施运营平台",
     "none", (12.0, 21.6, 33.8, 47.5), 1.10, None),
    ("SQ-09", "老旧小区改造完成率", SQ, BASE, "%", "+", None, 100.0, "zjj", 1, "统计", "老旧小区改造项目台账",
     "none", (31.5, 48.8, 66.0, 81.5), None, "formula"),
    ("SQ-10", "小区生活垃圾分类覆盖率", SQ, BASE, "%", "+", 100.0, None, "cgj", 0, "统计", "垃圾分类工作台账",
     "none", (52.0, 68.0, 82.5, 91.3), 0.98, None),
    ("SQ-11", "小区物业服务覆盖率", SQ, BASE, "%", "+", None, 65.0, "zjj", 0, "统计", "物业管理项目备案",
     "none", (49.0, 53.6, 58.2, 61.7), 1.12, "spread"),
    ("SQ-12", "完整社区覆盖率", SQ, BASE, "%", "+", None, 28.0, "zjj;mzj", 0, "统计", "完整社区建设台账",
     "none", (None, 8.0, 17.5, 26.0), None, None),
    ("SQ-13", "社区健身设施覆盖率", SQ, BASE, "%", "+", 90.0, None, "wlj", 0, "空间", "全民健身设施普查",
     "none", (80.0, 83.4, 86.1, 90.4), 1.01, None),
    ("QL-01", "农村集中安置社区配套设施达标率", SQ, LOCAL, "%", "+", None, 85.0, "nyj;zjj", 0, "统计", "安置社区建设台账",
     "none", (55.0, 62.0, 70.4, 77.1), None, None),
    # 街区：功能完善、整洁有序、特色活力
    ("JQ-01", "中学服务半径覆盖率", JQ, BASE, "%", "+", None, None, "jyj;zrj", 0, "空间", "学校服务范围空间分析",
     "none", (81.0, 82.2, 84.6, 86.4), 1.03, None),
    ("JQ-02", "公园绿地服务半径覆盖率", JQ, BASE, "%", "+", 85.0, None, "zjj;zrj", 1, "空间", "城市绿地现状调查",
     "none", (68.0, 71.9, 74.8, 78.2), 1.06, "spread"),
    ("JQ-03", "城市道路网密度", JQ, BASE, "公里/平方公里", "+", 8.0, None, "zrj;jtj", 1, "空间", "道路现状矢量数据",
     "none", (5.62, 5.81, 6.07, 6.34), 1.07, None),
    ("JQ-04", "步行道连续贯通率", JQ, BASE, "%", "+", None, 85.0, "cgj;jtj", 0, "空间", "街道空间品质调查",
     "none", (None, 70.2, 73.9, 76.6), None, None),
    ("JQ-05", "街道立杆、空中线路规整率", JQ, BASE, "%", "+", None, 85.0, "cgj", 0, "统计", "架空线缆整治台账",
     "none", (52.0, 61.0, 72.5, 86.1), None, None),
    ("JQ-06", "存在乱搭乱建乱占问题的街道数量", JQ, BASE, "条", "-", None, 20, "cgj", 0, "统计", "城市管理执法巡查",
     "sum", (96, 78, 61, 47), None, "sum"),
    ("JQ-07", "夜间经济特色街区数量", JQ, BASE, "个", "+", None, 5, "scj;wlj", 0, "统计", "商务部门街区认定",
     "sum", (2, 3, 4, 5), None, None),
    ("JQ-08", "街区公共厕所服务半径覆盖率", JQ, BASE, "%", "+", None, 90.0, "cgj", 0, "空间", "环卫设施布局分析",
     "none", (72.0, 78.0, 83.1, 90.6), 1.01, None),
    ("QL-02", "老城区背街小巷整治完成率", JQ, LOCAL, "%", "+", None, 85.0, "cgj;zjj", 0, "统计", "背街小巷整治台账",
     "none", (25.0, 46.0, 63.0, 79.0), None, None),
    ("QL-03", "历史文化街区及传统风貌街巷保护修缮率", JQ, LOCAL, "%", "+", None, 80.0, "wlj;zjj", 0, "统计",
     "历史文化名城保护档案", "none", (30.0, 38.5, 46.2, 52.8), None, None),
    # 城区（城市）：生态宜居、历史文化、产城融合、安全韧性、智慧高效
    ("CQ-01", "城市生活污水集中收集率", CQ, BASE, "%", "+", 70.0, None, "zjj;hbj", 1, "统计", "污水处理厂运行数据",
     "none", (58.3, 61.0, 63.6, 65.9), 1.08, None),
    ("CQ-02", "建成区绿地率", CQ, BASE, "%", "+", 36.0, None, "zjj", 0, "空间", "城市绿地现状调查",
     "none", (35.1, 35.6, 36.2, 36.8), 0.99, None),
    ("CQ-03", "人均公园绿地面积", CQ, BASE, "平方米/人", "+", 12.0, None, "zjj;zrj", 0, "空间", "城市绿地现状调查",
     "none", (11.2, 11.6, 12.1, 12.6), 1.03, None),
    ("CQ-04", "空气质量优良天数比率", CQ, BASE, "%", "+", None, 92.0, "hbj", 1, "统计", "环境空气质量监测",
     "none", (90.4, 89.3, 91.5, 93.2), 0.99, None),
    ("CQ-05", "地表水达到或好于Ⅲ类水体比例", CQ, BASE, "%", "+", None, 90.0, "hbj;slj", 0, "统计", "地表水监测断面",
     "none", (85.7, 85.7, 92.9, 92.9), None, None),
    ("CQ-06", "城市生活垃圾资源化利用率", CQ, BASE, "%", "+", 60.0, None, "cgj", 0, "统计", "环卫统计",
     "none", (41.0, 48.0, 56.2, 61.4), 0.96, None),
    ("CQ-07", "新建建筑中装配式建筑比例", CQ, BASE, "%", "+", None, None, "zjj", 0, "统计", "施工图审查备案",
     "none", (8.0, 12.5, 16.0, 19.6), 1.15, None),
    ("CQ-08", "历史建筑空置率", CQ, BASE, "%", "-", None, 20.0, "wlj;zjj", 0, "统计", "历史建筑保护档案",
     "none", (31.0, 28.6, 24.0, 21.3), None, None),
    ("CQ-09", "城市内涝积水点数量", CQ, BASE, "个", "-", None, 10, "cgj;slj", 1, "统计", "防汛排查台账",
     "sum", (27, 24, 22, 19), None, None),
    ("CQ-10", "消防救援5分钟可达覆盖率", CQ, BASE, "%", "+", None, 72.0, "yjj", 0, "空间", "消防站布局分析",
     "none", (58.0, 60.5, 63.2, 67.4), 1.05, None),
    ("CQ-11", "每千常住人口医疗卫生机构床位数", CQ, BASE, "张", "+", 6.0, None, "wjj", 0, "统计", "卫生健康统计",
     "none", (5.1, 5.4, 5.6, 6.1), 1.02, None),
    ("CQ-12", "人均避难场所有效避难面积", CQ, BASE, "平方米/人", "+", 1.5, None, "yjj;zrj", 0, "空间",
     "应急避难场所普查", "none", (0.9, 1.0, 1.1, 1.2), None, None),
    ("CQ-13", "老化燃气管道更新改造完成率", CQ, BASE, "%", "+", None, 90.0, "zjj", 0, "统计", "燃气管道更新改造台账",
     "none", (None, 22.0, 57.0, 88.0), None, None),
    ("CQ-14", "道路交通事故万车死亡率", CQ, BASE, "人/万车", "-", None, 2.0, "gaj", 0, "统计", "公安交通管理统计",
     "none", (2.6, 2.4, 2.3, 1.9), 0.95, None),
    ("CQ-15", "公共交通站点500米覆盖率", CQ, BASE, "%", "+", 90.0, None, "jtj", 0, "空间", "公交站点空间分析",
     "none", (None, None, 71.5, 73.9), 1.10, None),
    ("CQ-16", "城镇调查失业率", CQ, BASE, "%", "-", None, None, "rsj", 0, "统计", "劳动力调查",
     "none", (5.4, 5.6, 4.7, 4.9), 1.02, None),
    ("CQ-17", "常住人口城镇化率", CQ, BASE, "%", "+", None, None, "fgj;tjj", 0, "统计", "人口抽样调查",
     "none", (54.2, 55.1, 56.3, 57.4), 1.04, None),
    ("CQ-18", "政务服务事项“一网通办”率", CQ, BASE, "%", "+", None, None, "sjj", 0, "大数据", "政务服务平台",
     "none", (78.0, 85.0, 91.2, 96.4), 0.99, None),
    ("CQ-19", "城市运行管理服务平台事件按期处置率", CQ, BASE, "%", "+", None, 95.0, "cgj;sjj", 0, "大数据",
     "城市运行管理服务平台", "none", (None, 86.0, 90.3, 95.4), None, None),
    ("QL-04", "开发区亩均税收", CQ, LOCAL, "万元/亩", "+", None, 22.0, "gxj;kfq", 0, "统计", "开发区亩均效益评价",
     "none", (16.8, 18.2, 21.3, 20.7), None, None),
    ("QL-05", "乡镇（街道）污水处理设施覆盖率", CQ, LOCAL, "%", "+", None, 100.0, "zjj;hbj", 0, "统计",
     "乡镇污水处理设施台账", "none", (64.3, 71.4, 85.7, 92.9), None, None),
    ("QL-06", "A级旅游景区年接待游客量", CQ, LOCAL, "万人次", "+", None, 600, "wlj", 0, "统计", "文旅部门统计",
     "sum", (322, 418, 497, 553), None, "sum"),
]
# Indicators computed from sub-indicators (contract v2 `formula`).
FORMULAS = {
    "ZF-05": "ZF-05-2 / ZF-05-1 * 100",
    "SQ-09": "SQ-09-2 / SQ-09-1 * 100",
    "CQ-15": "CQ-15-2 / CQ-15-1 * 100",
}
# Towns where a "sum" indicator has no share (a place with no such housing, no scenic area).
TOWN_SHARE = {
    "QL-06": {"凤鸣街道": 0.04, "锦屏街道": 0.02, "东湖街道": 0.21, "岚山街道": 0.03, "白沙镇": 0.05,
              "柳溪镇": 0.12, "石门镇": 0.03, "桃源镇": 0.24, "双河镇": 0.02, "龙潭镇": 0.09,
              "清水镇": 0.03, "马坪镇": 0.02, "云岭乡": 0.10, "高坪乡": 0.0},
}
# Town effect on rates: the 乡 and the far 镇 lag behind the 街道 (fraction of the city value).
TOWN_LAG = {"凤鸣街道": 0.10, "锦屏街道": 0.12, "东湖街道": 0.06, "岚山街道": 0.08, "白沙镇": 0.02,
            "柳溪镇": 0.0, "石门镇": -0.04, "桃源镇": -0.03, "双河镇": -0.08, "龙潭镇": -0.06,
            "清水镇": -0.10, "马坪镇": -0.12, "云岭乡": -0.20, "高坪乡": -0.24}

# --------------------------------------------------------------------------- sub-indicators
# code, parent, name, unit, department, level, min, max
SUBS = [
    ("ZF-01-1", "ZF-01", "存在结构安全隐患的住宅栋数", "栋", "zjj", "town", 0, 500),
    ("ZF-01-2", "ZF-01", "本年度完成隐患整治的住宅栋数", "栋", "zjj", "town", 0, 500),
    ("ZF-02-1", "ZF-02", "存在燃气安全隐患的住宅栋数", "栋", "zjj", "town", 0, 400),
    ("ZF-03-1", "ZF-03", "存在楼道安全隐患的住宅栋数", "栋", "yjj", "town", 0, 500),
    ("ZF-04-1", "ZF-04", "存在外墙、屋面脱落隐患的住宅栋数", "栋", "zjj", "town", 0, 300),
    ("ZF-05-1", "ZF-05", "城镇住宅总栋数", "栋", "zjj", "city", 1000, 50000),
    ("ZF-05-2", "ZF-05", "需要进行适老化改造的住宅栋数", "栋", "zjj", "city", 0, 20000),
    ("ZF-06-1", "ZF-06", "四层及以上无电梯住宅栋数", "栋", "zjj", "town", 0, 3000),
    ("ZF-06-2", "ZF-06", "具备加装条件未加装电梯的住宅栋数", "栋", "zjj", "town", 0, 3000),
    ("ZF-07-1", "ZF-07", "供水、排水、燃气管线破损的住宅栋数", "栋", "cgj", "city", 0, 5000),
    ("ZF-09-1", "ZF-09", "未达到节能标准的既有住宅面积", "万平方米", "zjj", "city", 0, 2000),
    ("SQ-01-1", "SQ-01", "已建成社区养老服务设施的社区数量", "个", "mzj", "town", 0, 60),
    ("SQ-03-1", "SQ-03", "普惠性幼儿园在园幼儿数", "人", "jyj", "town", 0, 20000),
    ("SQ-03-2", "SQ-03", "在园幼儿总数", "人", "jyj", "town", 0, 20000),
    ("SQ-07-1", "SQ-07", "住宅小区停车泊位数", "个", "zjj", "town", 0, 60000),
    ("SQ-09-1", "SQ-09", "纳入改造计划的老旧小区数量", "个", "zjj", "town", 0, 200),
    ("SQ-09-2", "SQ-09", "已完成改造的老旧小区数量", "个", "zjj", "town", 0, 200),
    ("SQ-11-1", "SQ-11", "实行专业化物业服务的小区数量", "个", "zjj", "town", 0, 300),
    ("JQ-02-1", "JQ-02", "公园绿地500米服务半径覆盖的居住用地面积", "公顷", "zrj", "city", 0, 5000),
    ("JQ-03-1", "JQ-03", "建成区道路总长度", "公里", "zrj", "city", 0, 2000),
    ("JQ-06-1", "JQ-06", "存在乱搭乱建乱占问题的街道条数", "条", "cgj", "town", 0, 100),
    ("CQ-01-1", "CQ-01", "污水处理厂进水生化需氧量浓度", "毫克/升", "zjj", "city", 0, 400),
    ("CQ-09-1", "CQ-09", "汛期记录的积水点数量", "个", "cgj", "city", 0, 100),
    ("CQ-15-1", "CQ-15", "建成区面积", "平方公里", "zrj", "city", 1, 200),
    ("CQ-15-2", "CQ-15", "公交站点500米覆盖的建成区面积", "平方公里", "jtj", "city", 0, 200),
    ("QL-06-1", "QL-06", "A级旅游景区接待游客人次", "万人次", "wlj", "town", 0, 600),
]
# (operands of the formula indicators: city values per year; SQ-09 is filed by the towns)
SUB_CITY = {
    "ZF-05-1": (8120, 8240, 8350, 8420), "ZF-05-2": None,
    "CQ-15-1": (None, None, 46.0, 47.5), "CQ-15-2": None,
}
OLD_ESTATES = {  # SQ-09-1 planned estates per town (the city total is 162)
    "凤鸣街道": 34, "锦屏街道": 21, "东湖街道": 9, "岚山街道": 26, "白沙镇": 12, "柳溪镇": 10, "石门镇": 9,
    "桃源镇": 8, "双河镇": 7, "龙潭镇": 7, "清水镇": 6, "马坪镇": 6, "云岭乡": 4, "高坪乡": 3,
}

# --------------------------------------------------------------------------- recommendations
# id, problem, indicators, result, countermeasure, action, lead, assist
RECS = [
    ("QL01", "既有住宅安全隐患存量仍然较大", "ZF-01;ZF-03",
     "存在结构安全隐患的住宅仍有两百余栋，数量较多的是凤鸣、锦屏、岚山、东湖四个街道，老城街道多为上世纪八九十年代建成的砖混住宅，锦屏、东湖街道多为城中村自建房；楼道堆物、私拉电线问题普遍。",
     "建立住宅安全隐患“一楼一档”，分类整治、动态清零。",
     "2025年底前完成C、D级危险住宅解危；对楼道堆物和电动自行车违规充电开展常态化排查。", "zjj", "yjj;jd-fm;jd-ls"),
    ("QL02", "燃气等生命线设施老化", "ZF-02;CQ-13",
     "燃气安全隐患住宅较上年明显减少，但老化燃气管道更新改造尚未全部完成，部分老旧小区仍使用瓶装气。",
     "以燃气管道老化更新改造为抓手，提升生命线安全运行水平。",
     "完成剩余老化燃气管道更新；推动老旧小区“瓶改管”；接入城市生命线安全监测平台。", "zjj", "scj;yjj"),
    ("QL03", "老旧住宅适老化程度低、加装电梯进展慢", "ZF-05;ZF-06",
     "应加装未加装电梯的住宅比例仍超过七成，明显高于规划目标；需要适老化改造的住宅比例尚未达到目标。",
     "把加装电梯、适老化改造纳入城市更新，简化审批、多方筹资。",
     "出台既有住宅加装电梯实施细则，推行“一站式”联合审批；对困难老年人家庭实施居家适老化改造。", "zjj", "mzj;zrj"),
    ("QL04", "既有住宅节能水平偏低", "ZF-09",
     "需要节能改造的住宅比例仍达三成以上，略高于2025年规划目标，既有住宅节能改造尚需持续推进。",
     "结合老旧小区改造同步实施建筑节能改造。",
     "制定既有住宅节能改造年度计划，老旧小区改造项目同步实施外墙保温和门窗更换。", "zjj", "fgj"),
    ("QL05", "社区养老服务设施覆盖不足", "SQ-01",
     "社区养老服务设施覆盖率逐年提高但仍未达到规划目标，高坪乡、云岭乡缺口最大，清水镇、马坪镇也明显低于全市水平。",
     "补齐社区养老服务设施，发展嵌入式养老。",
     "新建、改建社区养老服务站，乡镇敬老院转型为区域养老服务中心；推广社区老年食堂。", "mzj", "zjj;x-gp;x-yl;z-qs;z-mp"),
    ("QL06", "普惠性学前教育资源不足", "SQ-03",
     "普惠性幼儿园覆盖率低于省定标准，城区学位紧张、乡镇园所规模偏小。",
     "扩大普惠性学前教育资源供给。",
     "新建、改扩建公办幼儿园，认定一批普惠性民办幼儿园；新建小区按规定配建幼儿园并移交。", "jyj", "zjj;zrj"),
    ("QL07", "小学就近入学覆盖不足", "SQ-04;JQ-01",
     "小学步行15分钟覆盖率、中学服务半径覆盖率均未达到目标，新城片区学校建设滞后于人口导入。",
     "按照人口分布优化中小学布局。",
     "在锦屏、东湖片区各新建一所九年一贯制学校；实施城区学校扩容。", "jyj", "zrj;kfq"),
    ("QL08", "社区公共活动场地不足", "SQ-06",
     "社区公共活动场地达标率仅六成多，老城社区几乎没有成规模的活动场地。",
     "利用边角地、闲置地补充社区公共活动空间。",
     "结合背街小巷整治建设口袋公园和社区运动场；推进机关、学校体育设施错时开放。", "zjj", "wlj;zrj;jyj"),
    ("QL09", "小区停车和充电设施供给不足", "SQ-07;SQ-08",
     "小区停车泊位与住户数之比不足0.8，老城小区车辆占用消防通道和人行道现象突出；充电设施覆盖率尚未达到目标。",
     "挖潜增量、错时共享，同步建设充电设施。",
     "建设公共停车场和立体停车设施，推行机关单位停车位夜间共享；在老旧小区改造中同步配建充电桩。", "zjj", "gaj;fgj;cgj"),
    ("QL10", "物业服务覆盖率低，老旧小区管理缺位", "SQ-11;SQ-12",
     "小区物业服务覆盖率约六成，无物业的老旧小区由社区兜底管理，完整社区覆盖率偏低。",
     "推进物业服务全覆盖，建设完整社区。",
     "对无物业小区推行“党建引领+国有物业”托管；每年创建一批完整社区。", "zjj", "mzj;jd-fm;jd-ls"),
    ("QL11", "老旧小区改造任务尚未完成", "SQ-09",
     "老旧小区改造完成率八成以上，剩余项目多为基础条件较差的零星楼栋。",
     "按照“应改尽改”原则完成剩余改造任务。",
     "2025年完成剩余老旧小区改造，同步实施管网更新、加装电梯和适老化改造。", "zjj", "cgj;slj"),
    ("QL12", "城市道路网密度偏低，断头路较多", "JQ-03",
     "城市道路网密度低于国家标准，老城区支路网不成体系，新城片区断头路较多。",
     "加密支路网，打通断头路。",
     "编制道路网加密规划，年度打通断头路不少于5条；推动开放式街区建设。", "zrj", "jtj;zjj"),
    ("QL13", "公园绿地分布不均衡", "JQ-02;CQ-03",
     "人均公园绿地面积已达到标准，但公园绿地服务半径覆盖率不足八成；四个街道覆盖率较高，乡镇普遍偏低，高坪乡、云岭乡最低。",
     "见缝插绿，均衡布局公园绿地。",
     "建设口袋公园和街头绿地，打通滨河绿道；乡镇所在地各建一处综合公园。", "zjj", "zrj"),
    ("QL14", "步行环境不连续", "JQ-04",
     "步行道连续贯通率不足八成，机动车占用人行道、步行道断点较多。",
     "建设连续、安全的步行网络。",
     "开展步行道断点整治，规范路内停车；学校、医院周边实施交通稳静化改造。", "cgj", "jtj;gaj"),
    ("QL15", "历史文化资源活化利用不足", "QL-03;CQ-08",
     "历史建筑空置率两成以上，历史文化街区修缮率刚过五成。",
     "以用促保，推进历史建筑活化利用。",
     "编制历史文化街区保护利用规划，引入文化、旅游业态，建立历史建筑保护修缮补助机制。", "wlj", "zjj;zrj"),
    ("QL16", "街面乱搭乱建乱占问题反复", "JQ-06",
     "存在乱搭乱建乱占问题的街道仍有四十余条，为规划目标的两倍多，主要集中在凤鸣、锦屏、岚山、东湖四个街道的沿街商铺和农贸市场周边，违章搭建、占道经营整治后容易反弹。",
     "集中整治与长效管控并重，恢复街面秩序。",
     "2025年底前完成存量违章搭建拆除和占道经营清理，设置便民摊点疏导区；推行“街长制”和沿街单位“门前三包”，问题纳入城市运行管理服务平台闭环处置。",
     "cgj", "zrj;scj;jd-fm;jd-ls;kfq"),
    ("QL17", "城市生活污水收集效能不高", "CQ-01;QL-05",
     "城市生活污水集中收集率低于国家标准，雨污合流和管网破损导致进厂浓度偏低。",
     "实施污水管网提质增效。",
     "开展污水管网排查和雨污分流改造，推进乡镇污水处理设施全覆盖并稳定运行。", "zjj", "hbj;slj"),
    ("QL18", "装配式建筑推广应用滞后", "CQ-07",
     "新建建筑中装配式建筑比例不足两成，低于对标城市中位数，在本市与对标城市中排末位；本地缺少预制构件生产企业，构件外购运距长、成本高。",
     "扩大装配式建筑应用，培育本地部品部件产能。",
     "政府投资的公共建筑和保障性住房项目全面采用装配式建造；在土地出让条件中明确装配式建筑比例要求；在开发区引进预制构件生产企业。",
     "zjj", "fgj;zrj;gxj;kfq"),
    ("QL19", "城市内涝积水点尚未消除", "CQ-09",
     "城市内涝积水点仍有近二十处，约为规划目标的两倍，主要分布在老城低洼片区和下穿通道。",
     "系统治理内涝，建设海绵城市。",
     "对积水点实施“一点一策”改造，完善排水防涝应急预案和抢险物资储备。", "cgj", "slj;zjj;yjj"),
    ("QL20", "应急避难和消防救援能力不足", "CQ-10;CQ-12",
     "人均避难场所有效避难面积低于标准，消防救援5分钟可达覆盖率不足七成。",
     "完善应急避难和消防救援设施布局。",
     "利用公园、学校操场建设应急避难场所；在开发区和东部乡镇增设小型消防站。", "yjj", "zrj;jyj;kfq"),
    ("QL21", "公共交通覆盖不足，城乡公交服务薄弱", "CQ-15",
     "公共交通站点500米覆盖率低于标准，乡镇班车班次少、末班车早。",
     "推进城乡公交一体化。",
     "优化城区公交线网，开通乡镇公交环线，推行需求响应式公交。", "jtj", "fgj"),
    ("QL22", "开发区用地效益不高", "QL-04",
     "开发区亩均税收距目标仍有差距，部分厂房闲置、低效用地较多。",
     "推动低效工业用地再开发。",
     "开展“亩均论英雄”综合评价，盘活闲置厂房，实施工业用地“标准地”出让。", "gxj", "kfq;zrj"),
]
TRACKING = {
    "QL01": ("已开展", "已完成隐患住宅建档，年内解危32栋。", "2025-03-20"),
    "QL02": ("已开展", "剩余老化燃气管道已全部开工。", "2025-03-18"),
    "QL03": ("正在研究", "加装电梯实施细则已征求意见。", "2025-03-25"),
    "QL04": ("暂未开展", "待省级补助政策明确后实施。", "2025-03-12"),
    "QL05": ("已开展", "新建社区养老服务站6个。", "2025-03-28"),
    "QL06": ("已开展", "2所公办幼儿园已开工建设。", "2025-03-15"),
    "QL07": ("正在研究", "学校选址纳入控制性详细规划修改。", "2025-03-10"),
    "QL08": ("已开展", "建成口袋公园4处。", "2025-03-26"),
    "QL09": ("已开展", "机关单位停车位夜间共享试点启动。", "2025-03-21"),
    "QL11": ("已开展", "剩余项目已完成立项。", "2025-03-19"),
    "QL12": ("正在研究", "", "2025-03-08"),
    "QL13": ("已开展", "滨河绿道二期开工。", "2025-03-27"),
    "QL17": ("已开展", "完成城区管网排查。", "2025-03-22"),
    "QL19": ("已开展", "5处积水点改造完成。", "2025-03-29"),
    "QL21": ("暂未开展", "", "2025-03-05"),
}

# --------------------------------------------------------------------------- survey
QUESTIONS = [  # qid, text, dimension, kind, mean answer (likert5)
    ("Q01", "您对自家住房的质量和安全状况是否满意", ZF, "likert5", 3.95),
    ("Q02", "您对住房的面积、户型和采光通风是否满意", ZF, "likert5", 3.80),
    ("Q03", "您对楼栋电梯、无障碍等适老设施是否满意", ZF, "likert5", 2.95),
    ("Q04", "您对住房的水、电、气、网络等配套是否满意", ZF, "likert5", 3.70),
    ("Q05", "您对小区（社区）养老、托育服务设施是否满意", SQ, "likert5", 3.10),
    ("Q06", "您对小区（社区）周边幼儿园、小学入学便利程度是否满意", SQ, "likert5", 3.25),
    ("Q07", "您对小区停车和充电设施是否满意", SQ, "likert5", 2.80),
    ("Q08", "您对小区物业管理和环境卫生是否满意", SQ, "likert5", 3.30),
    ("Q09", "您对社区活动场地和健身设施是否满意", SQ, "likert5", 3.35),
    ("Q10", "您对街道路面、人行道和路灯状况是否满意", JQ, "likert5", 3.40),
    ("Q11", "您对街区公园、广场和绿地是否满意", JQ, "likert5", 3.75),
    ("Q12", "您对街道的整洁程度和沿街秩序是否满意", JQ, "likert5", 3.60),
    ("Q13", "您对老街老巷的风貌和生活氛围是否满意", JQ, "likert5", 3.55),
    ("Q14", "您对青岚的空气质量和河湖水环境是否满意", CQ, "likert5", 4.05),
    ("Q15", "您对城区公共交通和城乡公交是否满意", CQ, "likert5", 3.05),
    ("Q16", "您对城市防汛排涝和应急能力是否满意", CQ, "likert5", 3.35),
    ("Q17", "您对看病就医的便利程度是否满意", CQ, "likert5", 3.45),
    ("Q18", "您对在青岚就业和创业的机会是否满意", CQ, "likert5", 3.30),
    ("Q19", "您对办事（政务服务）的便利程度是否满意", CQ, "likert5", 4.10),
    ("Q20", "您所在的乡镇（街道）最需要改善的方面是什么？（住房条件／小区配套／街道环境／交通出行／公共服务／生态环境）",
     "", "choice", None),
    ("Q21", "您在青岚居住了多长时间？（3年以下／3-10年／10年以上）", "", "choice", None),
    ("Q22", "您觉得家门口最需要解决的问题是什么？", "", "text", None),
    ("Q23", "对青岚城市建设，您还有什么意见和建议？", "", "text", None),
]
IMPROVE = ["住房条件", "小区配套", "街道环境", "交通出行", "公共服务", "生态环境"]
IMPROVE_P = [0.17, 0.27, 0.14, 0.22, 0.15, 0.05]
STAY = ["3年以下", "3-10年", "10年以上"]
HUKOU = ["本地户籍", "外来人口"]
OCCUPATIONS = ["企业职工", "农民", "个体工商户", "机关事业单位人员", "进城务工人员", "学生", "离退休人员", "其他"]
OCC_P = [0.22, 0.14, 0.12, 0.12, 0.12, 0.05, 0.15, 0.08]
AGES = ["18岁以下", "18-29岁", "30-44岁", "45-59岁", "60岁及以上"]
AGE_P = [0.0, 0.22, 0.36, 0.27, 0.15]
N_TOTAL = 4_800
REJECTED = {"重复作答": 120, "答题过快": 260, "数值越界": 30, "作答不完整": 150, "连续同一答案": 60, "地区无效": 25}
N_UNDER_18 = 22            # too few for a group score: shown as 样本不足
INVALID_TOWNS = ["青岚市", "城关镇", "开发区", "", "不清楚", "凤鸣"]
BAD_TOKENS = ["6", "8", "-1", "5分", "11"]
START = np.datetime64("2024-06-15T08:00:00")
END_DAY = np.datetime64("2024-07-31")
MIN_DURATION = 90          # project.toml [survey] min_duration_s

# Residents' own words (open questions).  A county town's complaints: old walk-ups,
# parked cars, the last bus to the township, the old street.
TROUBLES = [
    "老房子没电梯，老人下楼一趟要歇好几回", "楼道里电线乱拉，晚上黑灯瞎火", "一下暴雨巷子口就淹到小腿",
    "买菜要走二十分钟", "路灯坏了半年没人修", "车位太少，车都停到人行道上了", "回乡下的班车一天就三趟",
    "孩子上幼儿园要排队摇号", "老街的木板房快塌了", "河边垃圾没人捡", "广场上音响开到晚上十点",
    "小区没有物业，垃圾堆着没人清", "楼上水压低，夏天经常没水", "燃气管子锈得厉害", "放学时校门口堵得走不动",
    "附近连个带孩子玩的地方都没有", "卫生院看不了病，都往城里医院挤", "有人在楼道里给电瓶车充电",
    "外墙瓷砖一块块往下掉", "背街小巷坑坑洼洼", "半夜拉砂石的货车吵得睡不着", "街上找不到公共厕所",
    "小区里没有充电桩", "养老院排不上号",
]
TROUBLE_W = [9, 5, 6, 4, 4, 8, 6, 5, 3, 3, 3, 5, 3, 3, 4, 3, 4, 3, 3, 4, 2, 3, 3, 3]
WISHES = [
    "给老小区装上电梯", "把背街小巷的路好好修一修", "在老城多建几个小游园", "增开到乡镇的公交",
    "再建一所公办幼儿园", "在老城区建个停车楼", "换掉老旧的燃气管", "把排水沟清一清、挖深一点",
    "老街修旧如旧，别大拆大建", "小区里装些充电桩", "卫生院多派几个好医生", "社区办个老年食堂",
    "河道定期有人清理", "多建几座公厕", "给没物业的小区请个物业",
]
TROUBLE_FORMS = ["{a}", "{a}，{b}", "最头疼的是{a}", "{a}，希望尽快解决", "一是{a}，二是{b}", "{a}，反映过好几次了"]
WISH_FORMS = ["建议{a}", "希望政府{a}", "能不能{a}？", "{a}；{b}", "盼着{a}"]
FAMILY = list("陈刘杨周吴何罗邓蒋彭曾谭")
GIVEN = ["建国", "秀英", "桂兰", "志明", "丽娟", "海燕", "德华", "春花"]


# =========================================================================== helpers
def gbk_csv(header, rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("gbk")


def utf8_csv(header, rows, bom=False) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8")


def xlsx(header, rows, sheet: str, widths=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from reportkit.write import xlsx_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append(["" if v is None else v for v in r])
    for i, w in enumerate(widths or []):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.freeze_panes = "A2"
    return xlsx_bytes(wb)


def fmt(v, dp):
    if v is None:
        return ""
    return f"{v:.{dp}f}"


def decimals(values) -> int:
    dp = 0
    for v in values:
        if v is not None and not float(v).is_integer():
            dp = max(dp, len(repr(float(v)).split(".")[1]))
    return min(dp, 2)


def rating(v, ref, direction):
    if v is None:
        return "无数据"
    if ref is None:
        return "无参照"
    b = WARNING_BAND
    if direction == "+":
        return "良好" if v >= ref else ("预警" if v >= ref * (1 - b) else "短板")
    return "良好" if v <= ref else ("预警" if v <= ref * (1 + b) else "短板")


def split_sum(total: int | float, weights: dict[str, float], dp: int) -> dict[str, float]:
    """Town parts that add up to the city value exactly (largest remainders)."""
    unit = 10 ** -dp
    n = round(total / unit)
    w = np.array(list(weights.values()), float)
    raw = n * w / w.sum()
    base = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - base), kind="stable")[: n - base.sum()]:
        base[i] += 1
    return {t: round(b * unit, dp) for t, b in zip(weights, base)}


# =========================================================================== tables
def build_tables(rng):
    towns = [t for t, _, _ in TOWNS]
    pop = {t: p for t, _, p in TOWNS}
    files = {}

    # areas (GBK)
    rows = [(CITY, "city", "", "", f"{sum(pop.values()):.1f}"), (KFQ, "district", "", "kfq", "")]
    rows += [(t, "town", KFQ if t in IN_KFQ else "", f, f"{p:.1f}") for t, f, p in TOWNS]
    rows += [(p, "peer", "", "", "") for p in PEERS]
    files["areas.csv"] = gbk_csv(["area", "kind", "district", "filer", "population"], rows)

    # departments (GBK)
    rows = [(i, n, "市直部门") for i, n in BUREAUS] + list(TOWN_GOVS)
    files["departments.csv"] = gbk_csv(["id", "name", "kind"], rows)

    # indicators (xlsx)
    head = ["code", "name", "dimension", "category", "unit", "direction", "standard", "target", "departments",
            "key", "method", "source", "aggregate", "formula"]
    rows = []
    for r in IND:
        code, name, dim, cat, unit, d, std, tgt, depts, key, method, source, agg = r[:13]
        rows.append([code, name, dim, cat, unit, d, std, tgt, depts, "1" if key else "", method, source, agg,
                     FORMULAS.get(code, "")])
    files["indicators.xlsx"] = xlsx(head, rows, "指标体系", [9, 34, 12, 10, 13, 6, 8, 8, 14, 5, 8, 22, 9, 22])

    # sub-indicators (xlsx)
    head = ["code", "indicator", "name", "unit", "department", "level", "min", "max"]
    files["sub_indicators.xlsx"] = xlsx(head, [list(s) for s in SUBS], "分解指标", [10, 9, 36, 10, 10, 7, 7, 7])

    # values (UTF-8)
    vals = []
    seen_ratings = {}
    for r in IND:
        code, _, _, _, unit, d, std, tgt = r[:8]
        agg, series, peer_f, town_mode = r[12], r[13], r[14], r[15]
        dp = decimals(series)
        for y, v in zip(YEARS, series):
            vals.append((code, CITY, y, fmt(v, dp), "", "部门填报"))
        ref = tgt if tgt is not None else std
        peer_vals = []
        if peer_f is not None:
            for i, p in enumerate(PEERS):
                f = peer_f * (1 + (i - 1.5) * 0.06) * (1 + rng.normal(0, 0.015))
                pv = series[-1] * f
                if unit == "%":
                    pv = min(pv, 100.0)
                pv = round(pv, max(dp, 1) if dp else 0)
                peer_vals.append(pv)
                vals.append((code, p, YEAR, fmt(pv, max(dp, 1) if dp else 0), "", "统计公报"))
        if ref is None and peer_vals:
            ref = float(np.median(peer_vals))
        seen_ratings[code] = rating(series[-1], ref, d)
        if town_mode in ("sum", "spread") or (town_mode is None and code in TOWN_SHARE):
            for y in YEARS[-2:]:
                cv = series[YEARS.index(y)]
                if cv is None:
                    continue
                if town_mode == "sum":
                    parts = split_sum(cv, TOWN_SHARE.get(code, pop), dp)
                    for t in towns:
                        vals.append((code, t, y, fmt(parts[t], dp), "", "乡镇（街道）填报"))
                else:
                    for t in towns:
                        sign = 1 if d == "+" else -1
                        tv = cv * (1 + sign * TOWN_LAG[t] + rng.normal(0, 0.02))
                        if unit == "%":
                            tv = min(tv, 100.0)
                        vals.append((code, t, y, fmt(tv, max(dp, 1)), "", "乡镇（街道）填报"))
    # formula operands: ZF-05 (city), CQ-15 (city), SQ-09 (every town)
    zf05 = next(r for r in IND if r[0] == "ZF-05")[13]
    for y, total, share in zip(YEARS, SUB_CITY["ZF-05-1"], zf05):
        need = round(total * share / 100)
        vals.append(("ZF-05-1", CITY, y, str(total), "", "zjj"))
        vals.append(("ZF-05-2", CITY, y, str(need), "", "zjj"))
        assert abs(need / total * 100 - share) < 0.05, ("ZF-05", y)
    cq15 = next(r for r in IND if r[0] == "CQ-15")[13]
    for y, area, share in zip(YEARS, SUB_CITY["CQ-15-1"], cq15):
        if area is None:
            continue
        covered = round(area * share / 100, 1)
        vals.append(("CQ-15-1", CITY, y, f"{area:.1f}", "", "zrj"))
        vals.append(("CQ-15-2", CITY, y, f"{covered:.1f}", "", "jtj"))
        assert abs(covered / area * 100 - share) < 0.05, ("CQ-15", y)
    sq09 = next(r for r in IND if r[0] == "SQ-09")[13]
    planned = sum(OLD_ESTATES.values())
    for y, share in zip(YEARS, sq09):
        done = split_sum(round(planned * share / 100), {t: OLD_ESTATES[t] * (1 + TOWN_LAG[t]) for t in towns}, 0)
        done = {t: min(int(v), OLD_ESTATES[t]) for t, v in done.items()}
        short = round(planned * share / 100) - sum(done.values())
        for t in towns:                      # put any capped remainder where room is left
            while short > 0 and done[t] < OLD_ESTATES[t]:
                done[t] += 1
                short -= 1
        for t in towns:
            vals.append(("SQ-09-1", t, y, str(OLD_ESTATES[t]), "", f"{dict((a, f) for a, f, _ in TOWNS)[t]}"))
            vals.append(("SQ-09-2", t, y, str(done[t]), "", f"{dict((a, f) for a, f, _ in TOWNS)[t]}"))
        assert abs(sum(done.values()) / planned * 100 - share) < 0.05, ("SQ-09", y, sum(done.values()))
    files["values.csv"] = utf8_csv(["code", "area", "year", "value", "note", "source"], vals)

    # recommendations (xlsx), tracking (UTF-8 with BOM)
    head = ["id", "problem", "indicators", "result", "countermeasure", "action", "lead", "assist"]
    files["recommendations.xlsx"] = xlsx(head, [list(r) for r in RECS], "策略建议一览表",
                                         [6, 26, 14, 50, 30, 50, 8, 18])
    files["tracking.csv"] = utf8_csv(["id", "status", "note", "updated"],
                                     [(k, *v) for k, v in TRACKING.items()], bom=True)

    # questionnaire (GBK)
    files["survey_questions.csv"] = gbk_csv(["qid", "text", "dimension", "kind"],
                                            [(q, t, d, k) for q, t, d, k, _ in QUESTIONS])
    return files, seen_ratings


# =========================================================================== survey
def phrase(rng, pool, weights, forms):
    p = None if weights is None else np.array(weights, float) / sum(weights)
    a, b = rng.choice(len(pool), 2, replace=False, p=p)
    form = forms[rng.integers(len(forms))]
    return form.format(a=pool[a], b=pool[b])


def build_survey(rng):
    towns = [t for t, _, _ in TOWNS]
    pop = np.array([p for _, _, p in TOWNS])
    likert = [q for q, _, _, k, _ in QUESTIONS if k == "likert5"]
    means = np.array([m for *_, k, m in QUESTIONS if k == "likert5"])
    nq = len(likert)
    n_first = N_TOTAL - REJECTED["重复作答"]
    cats = ["valid"] * (n_first - sum(v for k, v in REJECTED.items() if k != "重复作答"))
    for k, v in REJECTED.items():
        if k != "重复作答":
            cats += [k] * v
    cats = np.array(cats, dtype=object)
    rng.shuffle(cats)

    town = np.array(towns, dtype=object)[rng.choice(len(towns), n_first, p=pop / pop.sum())]
    age = rng.choice(len(AGES), n_first, p=AGE_P)
    young = rng.choice(np.flatnonzero(cats == "valid"), N_UNDER_18, replace=False)
    age[young] = 0
    occ = rng.choice(len(OCCUPATIONS), n_first, p=OCC_P)
    occ[young] = OCCUPATIONS.index("学生")
    occ[(age == 4) & (rng.random(n_first) < 0.6)] = OCCUPATIONS.index("离退休人员")
    migrant_p = np.where(np.isin(occ, [OCCUPATIONS.index("进城务工人员"), OCCUPATIONS.index("企业职工")]), 0.45, 0.12)
    hukou = np.where(rng.random(n_first) < migrant_p, HUKOU[1], HUKOU[0])
    channel = np.where(rng.random(n_first) < 0.14, "线下", "线上")

    # answers
    lag = np.array([TOWN_LAG[t] for t in town]) * 1.5
    mu = means[None, :] + lag[:, None] + rng.normal(0, 0.45, (n_first, 1))
    mu += np.where(age == 4, 0.15, 0.0)[:, None]
    mu[:, likert.index("Q03")] -= np.where(age >= 3, 0.35, 0.0)
    mu[:, likert.index("Q15")] -= np.where(np.isin(town, towns[4:]), 0.35, 0.0)
    ans = np.clip(np.rint(mu + rng.normal(0, 0.8, mu.shape)), 1, 5).astype(int).astype(object)
    unknown = rng.random(ans.shape) < 0.03
    for i in np.flatnonzero(unknown.sum(1) > 2):       # 不了解 at most twice: still complete
        unknown[i, np.flatnonzero(unknown[i])[2:]] = False
    ans[unknown] = np.where(rng.random(unknown.sum()) < 0.5, "", "0")
    for i in np.flatnonzero(cats == "valid"):          # never straight-lined by chance
        row = [a for a in ans[i] if a not in ("", "0")]
        if len(set(row)) == 1:
            ans[i, 0] = 4 if row[0] != 4 else 3
    duration = (MIN_DURATION + np.exp(rng.normal(np.log(260), 0.45, n_first))).astype(int)

    for i in np.flatnonzero(cats == "答题过快"):
        duration[i] = int(rng.integers(25, MIN_DURATION))
        if rng.random() < 0.3:                         # also straight-lined: the first rule counts
            ans[i] = 5
    for i in np.flatnonzero(cats == "数值越界"):
        ans[i, rng.integers(nq)] = BAD_TOKENS[rng.integers(len(BAD_TOKENS))]
    for i in np.flatnonzero(cats == "作答不完整"):
        k = int(rng.integers(5, nq + 1))
        ans[i, rng.choice(nq, k, replace=False)] = ""
    for i in np.flatnonzero(cats == "连续同一答案"):
        ans[i] = int(rng.choice([5, 3, 1], p=[0.7, 0.2, 0.1]))
    bad_town = cats == "地区无效"
    town[bad_town] = np.array(INVALID_TOWNS, dtype=object)[rng.integers(0, len(INVALID_TOWNS), bad_town.sum())]

    # times: a launch peak, a mid-campaign push at the town markets, the last days
    days = np.arange(np.datetime64("2024-06-15"), END_DAY + 1)
    w = np.ones(len(days))
    w[:4] = 3.0
    w[20:25] = 2.0
    w[-5:] = 2.2
    d = rng.choice(len(days), n_first, p=w / w.sum())
    secs = rng.integers(7 * 3600, 23 * 3600, n_first)
    t = days[d].astype("datetime64[s]") + secs.astype("timedelta64[s]")
    t[t < START] += np.timedelta64(3600, "s")
    t[np.argmax(t)] = np.datetime64("2024-07-31T22:47:05")   # the last questionnaire

    people = [hashlib.sha256(f"ql-2024|{i}".encode()).hexdigest()[:32] for i in range(n_first)]
    # open answers and the choice questions
    improve = np.array(IMPROVE, dtype=object)[rng.choice(len(IMPROVE), n_first, p=IMPROVE_P)]
    improve[rng.random(n_first) < 0.04] = ""
    stay = np.array(STAY, dtype=object)[rng.choice(3, n_first, p=[0.18, 0.32, 0.50])]
    trouble = np.array([phrase(rng, TROUBLES, TROUBLE_W, TROUBLE_FORMS) if rng.random() < 0.42 else ""
                        for _ in range(n_first)], dtype=object)
    wish = np.array([phrase(rng, WISHES, None, WISH_FORMS) if rng.random() < 0.30 else ""
                     for _ in range(n_first)], dtype=object)
    for i in rng.choice(np.flatnonzero((cats == "valid") & (trouble != "")), 12, replace=False):
        name = FAMILY[rng.integers(len(FAMILY))] + GIVEN[rng.integers(len(GIVEN))]
        phone = f"1{rng.integers(3, 10)}{rng.integers(0, 10**9):09d}"
        trouble[i] = f"我是{name}，电话{phone}，{trouble[i]}"

    rows = []
    for i in range(n_first):
        rows.append([None, str(t[i]).replace("T", " "), int(duration[i]), channel[i], people[i], town[i], hukou[i],
                     OCCUPATIONS[occ[i]], AGES[age[i]], *list(ans[i]), improve[i], stay[i], trouble[i], wish[i]])
    # duplicates: the same person again, later, with other answers
    early = (cats == "valid") & (t < np.datetime64("2024-07-30T00:00:00"))
    src = rng.choice(np.flatnonzero(early), REJECTED["重复作答"], replace=False)
    for i in src:
        r = list(rows[i])
        later = t[i] + np.timedelta64(int(rng.integers(60, 5 * 86400)), "s")
        r[1] = str(min(later, np.datetime64("2024-07-31T22:40:00"))).replace("T", " ")
        r[2] = int(duration[i] + rng.integers(-40, 40))
        r[9:9 + nq] = list(np.clip(np.array([a if isinstance(a, int) else 3 for a in ans[i]]) +
                                   rng.integers(-1, 2, nq), 1, 5))
        rows.append(r)
    order = np.argsort(np.array([r[1] for r in rows]), kind="stable")
    rows = [rows[i] for i in order]
    for k, r in enumerate(rows, 1):
        r[0] = f"QL24{k:05d}"
    head = ["response_id", "submitted_at", "duration_s", "channel", "respondent", "town", "hukou", "occupation",
            "age_group", *likert, "Q20", "Q21", "Q22", "Q23"]
    check_design(rows, nq, set(towns))
    return gbk_csv(head, rows)


def check_design(rows, nq, towns):
    """Screen the rows with the contract's rules, in order; the counts must be the design's."""
    got = dict.fromkeys(REJECTED, 0)
    seen = set()
    for r in sorted(rows, key=lambda r: r[1]):
        a = r[9:9 + nq]
        if r[4] in seen:
            got["重复作答"] += 1
            continue
        seen.add(r[4])
        if r[2] < MIN_DURATION:
            got["答题过快"] += 1
            continue
        txt = [str(x) for x in a]
        if any(x not in ("", "0", "1", "2", "3", "4", "5") for x in txt):
            got["数值越界"] += 1
            continue
        answered = [x for x in txt if x in ("1", "2", "3", "4", "5")]
        if len(answered) < 0.8 * nq:
            got["作答不完整"] += 1
            continue
        if len(answered) >= 10 and len(set(answered)) == 1:
            got["连续同一答案"] += 1
            continue
        if r[5] not in towns:
            got["地区无效"] += 1
    if got != REJECTED:
        raise SystemExit(f"make_example: survey design not met: {got} != {REJECTED}")


def main(argv=None) -> int:
    os.environ["SOURCE_DATE_EPOCH"] = "1735689600"     # 2025-01-01: workbook dates never change
    sys.path.insert(0, str(HERE.parent.parent))
    rng = np.random.default_rng(SEED)
    files, ratings = build_tables(rng)
    files["survey.csv"] = build_survey(np.random.default_rng(SEED + 1))
    DATA.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = DATA / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    mix = {k: list(ratings.values()).count(k) for k in ("良好", "预警", "短板", "无数据", "无参照")}
    print(f"examples/county/data: {len(files)} tables, {len(IND)} indicators ({mix}), "
          f"{N_TOTAL} questionnaires")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
