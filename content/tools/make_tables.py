"""Generate the demo project's catalogue tables and measured values.

Run from the repository root:

    python content/tools/make_tables.py

It writes, under content/data/ (UTF-8, LF line endings, stable order):

    indicators.csv   the 57-indicator catalogue (46 基础 + 5 特色 + 6 市内)
    areas.csv        东莞市, its 34 园镇/街道 and 5 peer cities
    departments.csv  the 28 市直部门
    values.csv       every value, long format (city 2017-2020, peers, towns 2020)

All numbers are ILLUSTRATIVE (示例数据), loosely shaped like a real checkup;
they are not official statistics.  Each indicator states the rating and the
trend it is meant to produce under the data contract's rules, and the script
checks those before writing, so an edit that silently changes the demo's
rating mix fails loudly.

    sub_indicators.csv  the 152 sub-indicators (分解指标) with who files them,
                        their level (city / town) and plausible range

v2, the filing round: 53 indicators are computed from their sub-indicators
(`formula`); the operands are generated so that reportkit's own evaluation of
each formula gives the indicator's intended value, and those 2020 values are
left out of values.csv (they are computed).  Every town's government files
its town's parts (areas.csv `filer`, departments.csv kind 园镇).

The hand-written tables (recommendations, tracking, survey_questions) live
next to the generated ones and are not touched here.
"""
from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = 20200831
CITY = "东莞市"
YEAR = 2020
WARNING_BAND = 0.10  # must match project.toml [scoring]
FLAT_BAND = 0.01

DIMENSIONS = {
    "STYJ": "生态宜居",
    "TSXM": "特色鲜明",
    "JTBJ": "交通便捷",
    "SHSS": "生活舒适",
    "DYBR": "多元包容",
    "AQRX": "安全韧性",
    "CSHL": "城市活力",
}

# id, name.  All are municipal departments (kind 市直部门).
DEPARTMENTS = [
    ("zjj", "东莞市住房和城乡建设局"),
    ("zrzyj", "东莞市自然资源局"),
    ("sthjj", "东莞市生态环境局"),
    ("jtysj", "东莞市交通运输局"),
    ("swj", "东莞市水务局"),
    ("cgj", "东莞市城市管理和综合执法局"),
    ("fgj", "东莞市发展和改革局"),
    ("jyj", "东莞市教育局"),
    ("wjj", "东莞市卫生健康局"),
    ("mzj", "东莞市民政局"),
    ("whglj", "东莞市文化广电旅游体育局"),
    ("gaj", "东莞市公安局"),
    ("yjglj", "东莞市应急管理局"),
    ("xfzd", "东莞市消防救援支队"),
    ("tjj", "东莞市统计局"),
    ("rsj", "东莞市人力资源和社会保障局"),
    ("gxj", "东莞市工业和信息化局"),
    ("kjj", "东莞市科学技术局"),
    ("swuj", "东莞市商务局"),
    ("scjgj", "东莞市市场监督管理局"),
    ("lyj", "东莞市林业局"),
    ("nyncj", "东莞市农业农村局"),
    ("czj", "东莞市财政局"),
    ("zsj", "东莞市政务服务数据管理局"),
    ("qxj", "东莞市气象局"),
    ("ybj", "东莞市医疗保障局"),
    ("gdjtj", "东莞市轨道交通局"),
    ("rfb", "东莞市人民防空办公室"),
]

# The 34 园镇/街道 with an illustrative "urbanisation" index (-1 rural .. +1 core),
# used only to give town values a plausible spatial pattern.
TOWNS = [
    ("莞城街道", 1.0), ("东城街道", 0.9), ("南城街道", 1.0), ("万江街道", 0.6),
    ("石碣镇", 0.2), ("石龙镇", 0.4), ("茶山镇", 0.1), ("石排镇", -0.2),
    ("企石镇", -0.4), ("横沥镇", -0.1), ("桥头镇", -0.2), ("谢岗镇", -0.6),
    ("东坑镇", -0.3), ("常平镇", 0.3), ("寮步镇", 0.2), ("樟木头镇", -0.1),
    ("大朗镇", 0.2), ("黄江镇", -0.1), ("清溪镇", -0.1), ("塘厦镇", 0.3),
    ("凤岗镇", 0.2), ("大岭山镇", 0.0), ("长安镇", 0.5), ("虎门镇", 0.5),
    ("厚街镇", 0.3), ("沙田镇", -0.5), ("道滘镇", -0.3), ("洪梅镇", -0.7),
    ("麻涌镇", -0.5), ("望牛墩镇", -0.6), ("中堂镇", -0.3), ("高埗镇", -0.2),
    ("松山湖", 0.8), ("东莞滨海湾新区", -0.2),
]

# Peer cities with a general "better than Dongguan" bias (log/logit units)
# used when an indicator's peer values are generated rather than given.
PEERS = [("深圳市", 0.22), ("广州市", 0.16), ("佛山市", 0.04), ("惠州市", -0.12), ("中山市", -0.08)]

BASIC, FEATURE, LOCAL = "基础指标", "特色指标", "市内指标"


def peers(sz, gz, fs, hz, zs):
    """Explicit peer values in PEERS order."""
    return dict(zip([p for p, _ in PEERS], (sz, gz, fs, hz, zs)))


def ind(code, name, unit, direction, depts, method, source, *, cat=BASIC, std=None,
        tgt=None, key=False, dp=1, v=None, hist=None, peer="gen", peer19=None,
        towns=None, note=None, note19=None, expect, trend):
    """One indicator.  `v` = (2020, 2019) for an auto-generated 2017/2018 history;
    `hist` = {year: value-or-None} gives the whole city series instead."""
    return dict(code=code, name=name, unit=unit, direction=direction, depts=depts,
                method=method, source=source, category=cat, standard=std, target=tgt,
                key=key, dp=dp, v=v, hist=hist, peer=peer, peer19=peer19, towns=towns,
                note=note, note19=note19, expect=expect, trend=trend)


def T(sigma, corr=0.0, *, scale="log", override=None, weight=None, blank=None):
    """Town spec: spread `sigma` (log or logit units), correlation with the
    urbanisation index, fixed overrides, and for additive indicators the
    per-town weight multipliers."""
    return dict(sigma=sigma, corr=corr, scale=scale, override=override or {},
                weight=weight or {}, blank=blank or {})


PCT = "logit"  # town/peer spread on the logit scale keeps shares inside (0, 100)

INDICATORS = [
    # ---- STYJ: ecology and livability --------------------------------
    ind("STYJ-01", "区域开发强度", "%", "-", "zrzyj;tjj", "空间", "国土变更调查",
        tgt=45.0, key=True, v=(48.3, 47.2),
        peer=peers(49.7, 26.8, 37.9, 11.3, 37.5),
        towns=T(0.45, 0.7, scale=PCT, override={"松山湖": 31.6}),
        expect="预警", trend="恶化"),
    ind("STYJ-02", "组团规模", "平方公里", "-", "zrzyj", "空间", "国土空间规划现状分析",
        std=50.0, v=(38.6, 38.4), expect="良好", trend="持平"),
    ind("STYJ-03", "城市生态廊道达标率", "%", "+", "zrzyj;lyj", "空间", "生态廊道专项评估",
        tgt=80.0, hist={2020: None}, peer=None,
        note="生态廊道划定工作尚在推进，暂无统计数据", expect="无数据", trend=None),
    ind("STYJ-04", "人均公园绿地面积", "平方米/人", "+", "cgj;zrzyj;lyj", "空间",
        "城市绿地现状调查", std=9.0, tgt=18.0, key=True, v=(17.4, 16.8),
        peer=peers(14.9, 17.3, 15.6, 18.9, 19.6),
        towns=T(0.35, -0.3, override={"松山湖": 45.3}), expect="预警", trend="改善"),
    ind("STYJ-05", "公园绿地服务半径覆盖率", "%", "+", "cgj;zrzyj", "空间", "城市绿地现状调查",
        std=80.0, tgt=90.0, v=(91.5, 88.7), towns=T(0.6, 0.5, scale=PCT),
        expect="良好", trend="改善"),
    ind("STYJ-06", "城市绿道服务半径覆盖率", "%", "+", "cgj;zrzyj", "空间", "绿道网络普查",
        tgt=70.0, v=(74.8, 72.1), towns=T(0.5, 0.3, scale=PCT), expect="良好", trend="改善"),
    ind("STYJ-07", "城市空气质量优良天数比率", "%", "+", "sthjj;qxj", "统计", "环境质量公报",
        std=80.0, tgt=90.0, hist={2017: 81.9, 2018: 82.5, 2019: 84.7, 2020: 91.2},
        peer=peers(96.7, 84.4, 87.7, 96.4, 91.5),
        expect="良好", trend="改善"),
    ind("STYJ-08", "城市生活污水集中收集率", "%", "+", "swj;sthjj;zjj", "统计",
        "水务部门填报", tgt=70.0, key=True, v=(61.5, 55.3),
        peer=peers(78.2, 76.5, 63.4, 58.7, 55.9),
        towns=T(0.45, 0.5, scale=PCT), expect="短板", trend="改善"),
    ind("STYJ-09", "地表水达到或好于Ⅲ类水体比例", "%", "+", "sthjj;swj", "统计",
        "环境质量公报", tgt=60.0,
        hist={2017: 41.7, 2018: 50.0, 2019: None, 2020: 62.5},
        note19="水质监测断面调整，2019年数据未纳入", expect="良好", trend="改善"),
    ind("STYJ-10", "建成区黑臭水体消除比例", "%", "+", "swj;sthjj", "空间", "黑臭水体整治台账",
        cat=FEATURE, std=90.0, tgt=100.0,
        hist={2017: 38.5, 2018: 61.5, 2019: 87.2, 2020: 100.0},
        peer=peers(100.0, 100.0, 98.5, 100.0, 96.3), expect="良好", trend="改善"),
    ind("STYJ-11", "碧道建设长度", "公里", "+", "swj;zrzyj", "空间", "碧道建设台账",
        cat=LOCAL, tgt=320.0, dp=0, hist={2018: 36.0, 2019: 182.0, 2020: 347.0},
        peer=None, expect="良好", trend="改善"),
    # ---- TSXM: distinctive character ---------------------------------
    ind("TSXM-01", "城市历史风貌破坏负面事件数量", "个", "-", "zrzyj;whglj", "大数据",
        "网络舆情监测", tgt=0.0, dp=0, hist={2017: 2, 2018: 1, 2019: 0, 2020: 0},
        peer=peers(0, 1, 0, 0, 1), expect="良好", trend="持平"),
    ind("TSXM-02", "历史文化街区、历史建筑挂牌建档率", "%", "+", "zrzyj;whglj;zjj", "统计",
        "历史建筑保护名录", tgt=100.0, key=True,
        hist={2017: 61.2, 2018: 70.3, 2019: 78.5, 2020: 92.4},
        peer=peers(100.0, 100.0, 96.8, 88.5, 91.2), expect="预警", trend="改善"),
    ind("TSXM-03", "历史建筑空置率", "%", "-", "zjj;whglj", "空间", "历史建筑使用状况普查",
        tgt=10.0, v=(10.8, 10.9), expect="预警", trend="持平"),
    ind("TSXM-04", "万人城市文化建筑面积", "平方米/万人", "+", "whglj", "空间",
        "文化设施普查", tgt=1200.0, dp=0,
        hist={2017: 1183, 2018: 1248, 2019: None, 2020: 1265},
        note19="2019年未开展文化设施普查", expect="良好", trend="改善"),
    ind("TSXM-05", "工业遗产保护利用项目数量", "处", "+", "whglj;gxj;zrzyj", "统计",
        "部门填报", cat=FEATURE, dp=0, hist={2017: 7, 2018: 9, 2019: 11, 2020: 14},
        peer=None, expect="无参照", trend="改善"),
    # ---- JTBJ: convenient transport ----------------------------------
    ind("JTBJ-01", "建成区高峰期平均机动车速度", "公里/小时", "+", "jtysj;gaj", "大数据",
        "互联网地图交通大数据", tgt=30.0, key=True, v=(28.4, 29.3),
        peer=peers(27.9, 25.6, 31.2, 32.5, 33.1),
        towns=T(0.15, -0.6, blank={"东莞滨海湾新区": "路网样本不足，暂无数据"}),
        expect="预警", trend="恶化"),
    ind("JTBJ-02", "城市道路网密度", "公里/平方公里", "+", "zrzyj;jtysj", "空间",
        "道路网普查", std=8.0, dp=2, v=(7.32, 7.21), towns=T(0.22, 0.5),
        expect="预警", trend="改善"),
    ind("JTBJ-03", "轨道站点周边覆盖通勤比例", "%", "+", "gdjtj;jtysj;zrzyj", "大数据",
        "手机信令大数据", hist={2017: 2.9, 2018: 3.0, 2019: 3.1, 2020: 3.1},
        peer=peers(28.6, 25.3, 9.8, 2.5, 2.1), peer19=peers(26.9, 24.1, 9.1, 2.4, 2.0),
        expect="短板", trend="持平"),
    ind("JTBJ-04", "通勤距离小于5公里的人口比例", "%", "+", "jtysj;zrzyj", "大数据",
        "手机信令大数据", tgt=50.0, v=(58.2, 58.6), expect="良好", trend="持平"),
    ind("JTBJ-05", "公共交通出行分担率", "%", "+", "jtysj;gdjtj", "大数据", "公交刷卡及手机信令大数据",
        tgt=35.0, v=(24.6, 25.9), peer=peers(56.3, 60.1, 28.4, 22.5, 20.3),
        expect="短板", trend="恶化"),
    ind("JTBJ-06", "跨区域出行人口占比", "%", "+", "jtysj;fgj;zsj", "大数据", "百度慧眼大数据",
        key=True, v=(9.6, 8.9), peer=peers(7.4, 5.9, 8.8, 6.7, 6.2),
        peer19=peers(7.1, 5.6, 8.5, 6.3, 5.9), expect="良好", trend="改善"),
    ind("JTBJ-07", "专用自行车道密度", "公里/平方公里", "+", "jtysj;cgj;zrzyj", "空间",
        "慢行系统普查", tgt=1.0, dp=2, v=(0.62, 0.58), towns=T(0.45, 0.3),
        expect="短板", trend="改善"),
    ind("JTBJ-08", "公共停车泊位与机动车保有量比例", "%", "+", "jtysj;gaj;rfb", "空间",
        "停车设施普查", cat=LOCAL, tgt=15.0, v=(13.9, 12.6), peer=None,
        towns=T(0.3, -0.4, scale=PCT), expect="预警", trend="改善"),
    # ---- SHSS: comfortable living ------------------------------------
    ind("SHSS-01", "社区便民商业服务设施覆盖率", "%", "+", "swuj;zrzyj", "空间", "兴趣点数据空间分析",
        tgt=90.0, v=(93.5, 91.8), towns=T(0.55, 0.5, scale=PCT), expect="良好", trend="改善"),
    ind("SHSS-02", "社区小学步行10分钟覆盖率", "%", "+", "jyj;zrzyj", "空间", "学校布点空间分析",
        tgt=85.0, key=True, v=(78.3, 77.9), peer=peers(82.1, 80.6, 76.4, 71.2, 74.8),
        towns=T(0.5, 0.4, scale=PCT), expect="预警", trend="持平"),
    ind("SHSS-03", "社区中学步行15分钟覆盖率", "%", "+", "jyj;zrzyj", "空间", "学校布点空间分析",
        tgt=80.0, v=(81.7, 81.2), towns=T(0.5, 0.4, scale=PCT), expect="良好", trend="持平"),
    ind("SHSS-04", "社区卫生服务中心门诊分担率", "%", "+", "wjj", "统计", "卫生健康统计年报",
        tgt=50.0, v=(57.3, 60.1), expect="良好", trend="恶化"),
    ind("SHSS-05", "人均体育场地面积", "平方米/人", "+", "whglj;jyj", "空间", "体育场地普查",
        std=1.8, tgt=2.2, dp=2, v=(2.41, 2.33), towns=T(0.3, 0.0), expect="良好", trend="改善"),
    ind("SHSS-06", "社区养老服务设施覆盖率", "%", "+", "mzj", "空间", "养老设施布点空间分析",
        tgt=100.0, v=(100.0, 92.6), peer=peers(100.0, 100.0, 97.2, 93.5, 95.8),
        expect="良好", trend="改善"),
    ind("SHSS-07", "普惠性幼儿园覆盖率", "%", "+", "jyj;fgj", "统计", "教育事业统计",
        tgt=80.0, hist={2017: 52.3, 2018: 60.5, 2019: 68.2, 2020: 81.4}, towns=T(0.45, 0.0, scale=PCT), expect="良好", trend="改善"),
    ind("SHSS-08", "千人医疗卫生机构床位数", "张/千人", "+", "wjj;fgj", "统计", "卫生健康统计年报",
        std=6.0, dp=2, v=(3.72, 3.81), peer=peers(3.61, 6.52, 5.14, 4.63, 4.87),
        towns=T(0.35, 0.5), expect="短板", trend="恶化"),
    ind("SHSS-09", "城市标准化菜市场覆盖率", "%", "+", "swuj;scjgj", "空间", "菜市场布点空间分析",
        tgt=90.0, v=(91.6, 86.3), towns=T(0.5, 0.3, scale=PCT), expect="良好", trend="改善"),
    ind("SHSS-10", "义务教育公办学位占比", "%", "+", "jyj;fgj;zrzyj", "统计", "教育事业统计",
        cat=FEATURE, tgt=60.0, key=True, v=(46.8, 45.2),
        peer=peers(68.5, 74.2, 79.6, 83.1, 71.4), expect="短板", trend="改善"),
    ind("SHSS-11", "老旧小区改造完成率", "%", "+", "zjj;czj", "空间", "老旧小区改造台账",
        cat=LOCAL, tgt=30.0, hist={2017: 4.2, 2018: 9.6, 2019: 18.7, 2020: 34.5}, peer=None, towns=T(0.5, -0.2, scale=PCT),
        expect="良好", trend="改善"),
    # ---- DYBR: diversity and inclusion -------------------------------
    ind("DYBR-01", "城市常住人口与户籍人口比例", "倍", "-", "tjj;gaj;fgj", "统计", "人口普查及公安户籍统计",
        key=True, dp=2, hist={2017: 3.44, 2018: 3.39, 2019: 3.37, 2020: 4.12},
        note="常住人口采用第七次全国人口普查数据",
        peer=peers(2.99, 1.89, 2.02, 1.58, 2.38), peer19=peers(2.79, 1.57, 1.85, 1.56, 1.88),
        expect="短板", trend="恶化"),
    ind("DYBR-02", "外来务工人员随迁子女公办学校就读比例", "%", "+", "jyj", "统计", "教育事业统计",
        tgt=50.0, v=(51.3, 47.6), expect="良好", trend="改善"),
    ind("DYBR-03", "城市居民最低生活保障标准占上年度城市居民人均消费支出比例", "%", "+",
        "mzj;czj", "统计", "民政统计", tgt=30.0, v=(31.6, 31.4), expect="良好", trend="持平"),
    ind("DYBR-04", "房价收入比", "倍", "-", "zjj;tjj", "大数据", "房地产交易大数据",
        v=(10.2, 9.6), peer=peers(35.2, 16.3, 10.5, 8.4, 9.2),
        peer19=peers(32.8, 15.9, 10.1, 8.0, 8.9), expect="良好", trend="恶化"),
    ind("DYBR-05", "房租收入比", "%", "-", "zjj", "大数据", "住房租赁平台大数据",
        tgt=25.0, hist={2017: 27.5, 2018: 28.1, 2019: 28.6, 2020: None},
        note="租赁平台数据口径调整，2020年数据暂缺", peer=None, expect="无数据", trend=None),
    ind("DYBR-06", "外来人口社会保险参保率", "%", "+", "rsj;ybj;tjj", "统计", "社会保险统计",
        cat=FEATURE, tgt=95.0, key=True, v=(88.6, 86.9),
        peer=peers(93.5, 90.2, 87.4, 84.9, 86.6), towns=T(0.35, 0.4, scale=PCT),
        expect="预警", trend="改善"),
    ind("DYBR-07", "外来人口居住证办理率", "%", "+", "gaj", "统计", "流动人口管理统计",
        cat=LOCAL, tgt=90.0, v=(92.3, 92.0), peer=None, towns=T(0.35, 0.2, scale=PCT),
        expect="良好", trend="持平"),
    # ---- AQRX: safety and resilience ---------------------------------
    ind("AQRX-01", "城市人均避难场所面积", "平方米/人", "+", "yjglj;zrzyj;rfb", "空间",
        "应急避难场所普查", std=1.5, tgt=2.0, dp=2, v=(2.13, 2.12), towns=T(0.35, 0.0),
        expect="良好", trend="持平"),
    ind("AQRX-02", "消防救援5分钟可达覆盖率", "%", "+", "xfzd;zrzyj;yjglj", "空间",
        "消防站布点及路网空间分析", tgt=80.0, key=True, v=(63.4, 61.8),
        peer=peers(78.5, 74.2, 70.6, 58.3, 65.9), towns=T(0.6, 0.6, scale=PCT),
        expect="短板", trend="改善"),
    ind("AQRX-03", "城市内涝积水点密度", "个/平方公里", "-", "swj;qxj;cgj", "大数据",
        "内涝监测及市民投诉大数据", tgt=0.10, dp=3, v=(0.084, 0.097), towns=T(0.5, 0.0),
        expect="良好", trend="改善"),
    ind("AQRX-04", "城市道路交通事故万车死亡率", "人/万车", "-", "gaj;jtysj", "统计",
        "道路交通事故统计", tgt=2.0, dp=2, v=(1.86, 1.98), expect="良好", trend="改善"),
    ind("AQRX-05", "人均城市大型公共设施具备应急改造条件的面积", "平方米/人", "+",
        "zjj;yjglj;wjj;whglj", "空间", "大型公共设施普查", tgt=0.8, dp=2,
        hist={2020: 0.93}, note="2020年新增指标，无历史数据", expect="良好", trend=None),
    ind("AQRX-06", "城市二级及以上医院覆盖率", "%", "+", "wjj", "空间", "医院布点空间分析",
        tgt=85.0, v=(79.3, 79.6), towns=T(0.55, 0.5, scale=PCT), expect="预警", trend="持平"),
    ind("AQRX-07", "城市标准消防站及小型普通消防站覆盖率", "%", "+", "xfzd;zrzyj", "空间",
        "消防站布点空间分析", tgt=90.0, v=(84.5, 85.1), towns=T(0.6, 0.5, scale=PCT),
        expect="预警", trend="持平"),
    ind("AQRX-08", "园镇发热门诊设置率", "%", "+", "wjj", "统计", "卫生健康部门填报",
        cat=LOCAL, tgt=100.0, hist={2017: 58.8, 2018: 61.8, 2019: 64.7, 2020: 100.0},
        peer=None, expect="良好", trend="改善"),
    # ---- CSHL: urban vitality ----------------------------------------
    ind("CSHL-01", "城市人口年龄中位数", "岁", "-", "tjj", "统计", "人口普查及抽样调查",
        v=(33.1, 32.5), peer=peers(32.5, 35.8, 37.2, 35.9, 36.4),
        peer19=peers(32.2, 35.5, 36.9, 35.6, 36.0), expect="良好", trend="恶化"),
    ind("CSHL-02", "政府负债率", "%", "-", "czj", "统计", "财政决算", std=60.0,
        v=(9.8, 8.1), expect="良好", trend="恶化"),
    ind("CSHL-03", "城市新增就业人口中大学文化程度人口比例", "%", "+", "rsj;jyj", "调查",
        "劳动力抽样调查", tgt=30.0, hist={2017: 20.8, 2018: 22.3, 2019: None, 2020: 24.1},
        note19="2019年劳动力抽样调查未覆盖该项", expect="短板", trend="改善"),
    ind("CSHL-04", "全社会R&D支出占GDP比重", "%", "+", "kjj;tjj", "统计", "科技统计公报",
        tgt=3.6, dp=2, v=(3.42, 3.35), peer=peers(5.46, 3.12, 2.71, 2.33, 2.04),
        expect="预警", trend="改善"),
    ind("CSHL-05", "万人新增中小微企业数量", "个/万人", "+", "scjgj;zsj", "大数据",
        "商事登记大数据", v=(21.6, 23.8), peer=peers(35.2, 24.8, 18.5, 14.6, 16.9),
        peer19=peers(37.6, 26.1, 19.2, 15.5, 17.8), expect="良好", trend="恶化"),
    ind("CSHL-06", "制造业增加值占GDP比重", "%", "+", "gxj;tjj", "统计", "统计年鉴",
        cat=FEATURE, tgt=48.0, v=(48.9, 48.7), peer=peers(37.1, 22.6, 51.3, 42.8, 43.5),
        expect="良好", trend="持平"),
    ind("CSHL-07", "村级工业园改造面积", "亩", "+", "zrzyj;gxj;nyncj;swuj", "空间",
        "村级工业园改造台账", cat=LOCAL, tgt=10000.0, key=True, dp=0,
        hist={2017: 2860, 2018: 3540, 2019: 8420, 2020: 11850}, peer=None,
        towns=T(0.6, -0.5, scale="add", weight={
            "莞城街道": 0.1, "南城街道": 0.4, "东城街道": 0.5, "松山湖": 0.2,
            "东莞滨海湾新区": 0.3}),
        expect="良好", trend="改善"),
]


# ------------------------------------------------------------------ helpers

def fmt(value, dp):
    if value is None:
        return ""
    return f"{value:.{dp}f}"


def logit(p):
    p = min(max(p, 0.002), 0.998)
    return math.log(p / (1 - p))


def expit(x):
    return 1 / (1 + math.exp(-x))


def spread(value, shift, is_pct):
    """Move `value` by `shift` on the log scale (or logit scale for shares)."""
    if is_pct:
        return 100 * expit(logit(value / 100) + shift)
    return value * math.exp(shift)


def rate(spec, value, peer_values):
    """Rating under the contract's rules (reference: target, standard, peer median)."""
    ref = spec["target"] if spec["target"] is not None else spec["standard"]
    if ref is None and peer_values:
        ref = statistics.median(peer_values)
    if value is None:
        return "无数据"
    if ref is None:
        return "无参照"
    if spec["direction"] == "+":
        if value >= ref:
            return "良好"
        return "预警" if value >= ref * (1 - WARNING_BAND) else "短板"
    if value <= ref:
        return "良好"
    return "预警" if value <= ref * (1 + WARNING_BAND) else "短板"


def trend(spec, series):
    cur = series.get(YEAR)
    prev_years = [y for y in sorted(series) if y < YEAR and series[y] is not None]
    if cur is None or not prev_years:
        return None
    prev = series[prev_years[-1]]
    if prev == 0:
        change = 0.0 if cur == 0 else math.copysign(math.inf, cur)
    else:
        change = (cur - prev) / abs(prev)
    if abs(change) <= FLAT_BAND:
        return "持平"
    better = change > 0 if spec["direction"] == "+" else change < 0
    return "改善" if better else "恶化"


def city_series(spec, rng):
    """{year: value} for the city, rounded to the indicator's precision."""
    if spec["hist"] is not None:
        return dict(spec["hist"])
    v20, v19 = spec["v"]
    step = v20 - v19
    is_pct = spec["unit"] == "%"
    out = {2020: v20, 2019: v19}
    prev = v19
    for year in (2018, 2017):
        if abs(step) / max(abs(v19), 1e-9) < 0.01:   # flat: small wobble
            val = prev * (1 + rng.uniform(-0.02, 0.02))
        else:
            val = prev - step * rng.uniform(0.6, 1.3)
        if is_pct:
            val = min(max(val, 0.5), 100.0)
        val = max(val, 0.0)
        out[year] = round(val, spec["dp"])
        prev = val
    return out


def peer_values(spec, rng, year):
    given = spec["peer"] if year == YEAR else spec["peer19"]
    if given is None or given == "gen":
        if given is None or year != YEAR:
            return {}
        base = spec["hist"][YEAR] if spec["hist"] else spec["v"][0]
        sign = 1 if spec["direction"] == "+" else -1
        is_pct = spec["unit"] == "%"
        out = {}
        for name, bias in PEERS:
            shift = sign * bias + rng.normal(0, 0.15)
            out[name] = round(spread(base, shift, is_pct), spec["dp"])
        return out
    return dict(given)


def town_values(spec, rng, city_value):
    t = spec["towns"]
    if t is None:
        return {}
    dev = np.array([d for _, d in TOWNS])
    dev = (dev - dev.mean()) / dev.std()
    z = t["corr"] * dev + math.sqrt(1 - t["corr"] ** 2) * rng.normal(0, 1, len(TOWNS))
    out = {}
    if t["scale"] == "add":   # shares of the city total
        w = np.exp(t["sigma"] * z)
        w *= np.array([t["weight"].get(n, 1.0) for n, _ in TOWNS])
        raw = city_value * w / w.sum()
        vals = np.floor(raw)
        rest = int(round(city_value - vals.sum()))
        for i in np.argsort(-(raw - vals), kind="stable")[:rest]:
            vals[i] += 1
        return {n: float(v) for (n, _), v in zip(TOWNS, vals)}
    is_pct = t["scale"] == PCT
    for (name, _), zi in zip(TOWNS, z):
        out[name] = round(spread(city_value, t["sigma"] * zi, is_pct), spec["dp"])
    out.update(t["override"])
    return out


# ------------------------------------------------------------------ build

def build():
    rng = np.random.default_rng(SEED)
    dept_ids = {d for d, _ in DEPARTMENTS}
    rows = []              # values.csv rows
    problems = []
    area_rank = {CITY: 0}
    area_rank.update({n: i + 1 for i, (n, _) in enumerate(TOWNS)})
    area_rank.update({n: 100 + i for i, (n, _) in enumerate(PEERS)})

    for spec in INDICATORS:
        code = spec["code"]
        for d in spec["depts"].split(";"):
            if d not in dept_ids:
                problems.append(f"{code}: unknown department {d}")
        dp = spec["dp"]
        series = city_series(spec, rng)
        for year in sorted(series):
            val = series[year]
            note = ""
            if year == YEAR and spec["note"]:
                note = spec["note"]
            elif val is None and spec["note19"]:   # a visible gap, not a silent one
                note = spec["note19"]
            rows.append((code, CITY, year, fmt(val, dp), note, "部门填报（示例数据）"))
        p20 = peer_values(spec, rng, YEAR)
        p19 = peer_values(spec, rng, YEAR - 1)
        for year, pv in ((YEAR, p20), (YEAR - 1, p19)):
            for name, val in pv.items():
                rows.append((code, name, year, fmt(val, dp), "", "对标城市公开资料（示例数据）"))
        city_now = series.get(YEAR)
        towns = town_values(spec, rng, city_now) if city_now is not None else {}
        blank = spec["towns"]["blank"] if spec["towns"] else {}
        for name, val in towns.items():
            if name in blank:
                rows.append((code, name, YEAR, "", blank[name], "园镇填报（示例数据）"))
            else:
                rows.append((code, name, YEAR, fmt(val, dp), "", "园镇填报（示例数据）"))

        got_rating = rate(spec, city_now, list(p20.values()))
        got_trend = trend(spec, {y: v for y, v in series.items()})
        if got_rating != spec["expect"]:
            problems.append(f"{code}: rating {got_rating}, expected {spec['expect']}")
        if got_trend != spec["trend"]:
            problems.append(f"{code}: trend {got_trend}, expected {spec['trend']}")

    if problems:
        raise SystemExit("make_tables: the data no longer match the intended design:\n  "
                         + "\n  ".join(problems))

    # dedupe check and stable order: catalogue order, area order, year
    order = {s["code"]: i for i, s in enumerate(INDICATORS)}
    keys = [(r[0], r[1], r[2]) for r in rows]
    if len(set(keys)) != len(keys):
        raise SystemExit("make_tables: duplicate (code, area, year)")
    rows.sort(key=lambda r: (order[r[0]], area_rank[r[1]], r[2]))
    return rows


# ------------------------------------------------------------------ the filing round (v2)
# The 152 sub-indicators (分解指标) and who files them.  Town governments file the
# town-level ones for their own town (data/areas `filer`).
SUB_ROWS = """
STYJ-01-1,STYJ-01,市域建设用地总面积,平方公里,zrzyj
STYJ-01-2,STYJ-01,市域国土总面积,平方公里,zrzyj
STYJ-01-3,STYJ-01,各园镇建设用地面积,平方公里,zrzyj
STYJ-02-1,STYJ-02,城市建成区组团数量,个,zrzyj
STYJ-02-2,STYJ-02,最大组团面积,平方公里,zrzyj
STYJ-02-3,STYJ-02,组团间生态隔离带平均宽度,米,zrzyj
STYJ-03-1,STYJ-03,规划生态廊道总长度,公里,zrzyj
STYJ-03-2,STYJ-03,宽度达标的生态廊道长度,公里,lyj
STYJ-04-1,STYJ-04,公园绿地面积,公顷,cgj
STYJ-04-2,STYJ-04,常住人口数量,万人,tjj
STYJ-04-3,STYJ-04,森林公园及郊野公园面积,公顷,lyj
STYJ-05-1,STYJ-05,公园绿地服务半径覆盖的居住用地面积,公顷,cgj
STYJ-05-2,STYJ-05,城市居住用地总面积,公顷,zrzyj
STYJ-05-3,STYJ-05,公园绿地数量,个,cgj
STYJ-06-1,STYJ-06,绿道总长度,公里,cgj
STYJ-06-2,STYJ-06,绿道1公里服务半径覆盖的建设用地面积,公顷,zrzyj
STYJ-06-3,STYJ-06,绿道驿站数量,个,cgj
STYJ-07-1,STYJ-07,全年空气质量优良天数,天,sthjj
STYJ-07-2,STYJ-07,全年有效监测天数,天,sthjj
STYJ-07-3,STYJ-07,细颗粒物（PM2.5）年均浓度,微克/立方米,sthjj
STYJ-08-1,STYJ-08,生活污水集中收集量,万吨,swj
STYJ-08-2,STYJ-08,城市生活污水排放量,万吨,swj
STYJ-08-3,STYJ-08,污水处理厂进水生化需氧量平均浓度,毫克/升,swj
STYJ-08-4,STYJ-08,年度新建污水管网长度,公里,swj
STYJ-09-1,STYJ-09,国考、省考断面数量,个,sthjj
STYJ-09-2,STYJ-09,达到或好于Ⅲ类水质的断面数量,个,sthjj
STYJ-09-3,STYJ-09,水功能区水质达标率,%,swj
STYJ-10-1,STYJ-10,建成区黑臭水体数量,条,swj
STYJ-10-2,STYJ-10,已消除黑臭水体数量,条,swj
STYJ-10-3,STYJ-10,长制久清评估达标水体数量,条,sthjj
STYJ-11-1,STYJ-11,碧道年度建成长度,公里,swj
STYJ-11-2,STYJ-11,碧道累计建成长度,公里,swj
STYJ-11-3,STYJ-11,碧道沿线生态修复面积,公顷,swj
TSXM-01-1,TSXM-01,历史风貌破坏负面事件数量,个,zrzyj
TSXM-01-2,TSXM-01,历史建筑违法拆除事件数量,个,whglj
TSXM-02-1,TSXM-02,历史文化街区数量,个,zrzyj
TSXM-02-2,TSXM-02,已公布历史建筑数量,处,zrzyj
TSXM-02-3,TSXM-02,已挂牌历史建筑数量,处,zjj
TSXM-02-4,TSXM-02,已建档历史建筑数量,处,zjj
TSXM-03-1,TSXM-03,历史建筑总数,处,zjj
TSXM-03-2,TSXM-03,空置历史建筑数量,处,zjj
TSXM-04-1,TSXM-04,城市文化建筑总面积,平方米,whglj
TSXM-04-2,TSXM-04,公共图书馆、博物馆、文化馆建筑面积,平方米,whglj
TSXM-05-1,TSXM-05,工业遗产保护利用项目数量,处,whglj
TSXM-05-2,TSXM-05,工业遗产活化利用面积,平方米,gxj
JTBJ-01-1,JTBJ-01,工作日早高峰平均车速,公里/小时,jtysj
JTBJ-01-2,JTBJ-01,工作日晚高峰平均车速,公里/小时,jtysj
JTBJ-01-3,JTBJ-01,高峰期常发拥堵路段数量,条,gaj
JTBJ-02-1,JTBJ-02,城市道路总长度,公里,jtysj
JTBJ-02-2,JTBJ-02,建成区面积,平方公里,zrzyj
JTBJ-02-3,JTBJ-02,次干路及支路长度,公里,jtysj
JTBJ-03-1,JTBJ-03,轨道站点800米范围内通勤人口数量,万人,gdjtj
JTBJ-03-2,JTBJ-03,城市通勤人口总量,万人,jtysj
JTBJ-04-1,JTBJ-04,通勤距离小于5公里的通勤人口数量,万人,jtysj
JTBJ-04-2,JTBJ-04,城市通勤人口总量,万人,jtysj
JTBJ-05-1,JTBJ-05,常规公交日均客运量,万人次,jtysj
JTBJ-05-2,JTBJ-05,轨道交通日均客运量,万人次,gdjtj
JTBJ-05-3,JTBJ-05,机动化出行总量,万人次,jtysj
JTBJ-06-1,JTBJ-06,跨市域出行人口数量,万人,jtysj
JTBJ-06-2,JTBJ-06,与深圳之间日均出行交换量,万人次,zsj
JTBJ-06-3,JTBJ-06,与广州之间日均出行交换量,万人次,zsj
JTBJ-07-1,JTBJ-07,专用自行车道长度,公里,jtysj
JTBJ-07-2,JTBJ-07,建成区面积,平方公里,zrzyj
JTBJ-07-3,JTBJ-07,共享单车日均骑行量,万人次,jtysj
JTBJ-08-1,JTBJ-08,公共停车泊位数量,个,jtysj
JTBJ-08-2,JTBJ-08,机动车保有量,万辆,gaj
JTBJ-08-3,JTBJ-08,人防工程停车泊位数量,个,rfb
SHSS-01-1,SHSS-01,社区便民商业服务设施数量,处,swuj
SHSS-01-2,SHSS-01,便民商业服务设施覆盖的社区数量,个,swuj
SHSS-01-3,SHSS-01,社区总数,个,mzj
SHSS-02-1,SHSS-02,小学数量,所,jyj
SHSS-02-2,SHSS-02,小学步行10分钟覆盖的居住用地面积,公顷,zrzyj
SHSS-02-3,SHSS-02,居住用地总面积,公顷,zrzyj
SHSS-03-1,SHSS-03,中学数量,所,jyj
SHSS-03-2,SHSS-03,中学步行15分钟覆盖的居住用地面积,公顷,zrzyj
SHSS-03-3,SHSS-03,中学学位数,个,jyj
SHSS-04-1,SHSS-04,社区卫生服务中心（站）门诊量,万人次,wjj
SHSS-04-2,SHSS-04,全市医疗卫生机构门诊总量,万人次,wjj
SHSS-04-3,SHSS-04,社区卫生服务中心（站）数量,个,wjj
SHSS-05-1,SHSS-05,体育场地面积,万平方米,whglj
SHSS-05-2,SHSS-05,学校体育场地对外开放面积,万平方米,jyj
SHSS-05-3,SHSS-05,常住人口数量,万人,tjj
SHSS-06-1,SHSS-06,社区养老服务设施数量,处,mzj
SHSS-06-2,SHSS-06,配建养老服务设施的社区数量,个,mzj
SHSS-06-3,SHSS-06,60岁及以上常住人口数量,万人,tjj
SHSS-07-1,SHSS-07,普惠性幼儿园在园幼儿数,人,jyj
SHSS-07-2,SHSS-07,在园幼儿总数,人,jyj
SHSS-07-3,SHSS-07,公办幼儿园数量,所,jyj
SHSS-08-1,SHSS-08,医疗卫生机构床位数,张,wjj
SHSS-08-2,SHSS-08,常住人口数量,万人,tjj
SHSS-09-1,SHSS-09,标准化菜市场数量,个,swuj
SHSS-09-2,SHSS-09,菜市场总数,个,scjgj
SHSS-09-3,SHSS-09,年度农贸市场升级改造数量,个,swuj
SHSS-10-1,SHSS-10,义务教育公办学校学位数,个,jyj
SHSS-10-2,SHSS-10,义务教育在校生总数,人,jyj
SHSS-10-3,SHSS-10,年度新增公办学位数,个,jyj
SHSS-11-1,SHSS-11,老旧小区总数,个,zjj
SHSS-11-2,SHSS-11,已完成改造的老旧小区数量,个,zjj
SHSS-11-3,SHSS-11,老旧小区改造财政投入,万元,czj
DYBR-01-1,DYBR-01,常住人口数量,万人,tjj
DYBR-01-2,DYBR-01,户籍人口数量,万人,gaj
DYBR-02-1,DYBR-02,随迁子女义务教育在校生数,人,jyj
DYBR-02-2,DYBR-02,在公办学校就读的随迁子女数,人,jyj
DYBR-02-3,DYBR-02,积分入学学位数,个,jyj
DYBR-03-1,DYBR-03,城市居民最低生活保障标准,元/月,mzj
DYBR-03-2,DYBR-03,上年度城市居民人均消费支出,元,tjj
DYBR-04-1,DYBR-04,新建商品住宅平均销售价格,元/平方米,zjj
DYBR-04-2,DYBR-04,城镇居民人均可支配收入,元,tjj
DYBR-04-3,DYBR-04,户均住房建筑面积,平方米,zjj
DYBR-05-1,DYBR-05,住宅平均租金,元/平方米·月,zjj
DYBR-05-2,DYBR-05,城镇居民人均可支配收入,元,tjj
DYBR-06-1,DYBR-06,外来人口参加基本养老保险人数,万人,rsj
DYBR-06-2,DYBR-06,外来人口参加基本医疗保险人数,万人,ybj
DYBR-06-3,DYBR-06,外来就业人口数量,万人,rsj
DYBR-07-1,DYBR-07,办理居住证的外来人口数量,万人,gaj
DYBR-07-2,DYBR-07,登记外来人口数量,万人,gaj
AQRX-01-1,AQRX-01,应急避难场所有效避难面积,万平方米,yjglj
AQRX-01-2,AQRX-01,应急避难场所数量,处,yjglj
AQRX-01-3,AQRX-01,人防工程掩蔽面积,万平方米,rfb
AQRX-02-1,AQRX-02,消防站5分钟车程覆盖的建设用地面积,平方公里,xfzd
AQRX-02-2,AQRX-02,建设用地总面积,平方公里,zrzyj
AQRX-03-1,AQRX-03,内涝积水点数量,个,swj
AQRX-03-2,AQRX-03,建成区面积,平方公里,zrzyj
AQRX-03-3,AQRX-03,年短时强降水日数,天,qxj
AQRX-04-1,AQRX-04,道路交通事故死亡人数,人,gaj
AQRX-04-2,AQRX-04,机动车保有量,万辆,gaj
AQRX-05-1,AQRX-05,体育馆、会展中心等大型公共设施面积,万平方米,fgj
AQRX-05-2,AQRX-05,具备应急改造条件的大型公共设施面积,万平方米,yjglj
AQRX-06-1,AQRX-06,二级及以上医院数量,所,wjj
AQRX-06-2,AQRX-06,二级及以上医院服务半径覆盖的居住用地面积,公顷,zrzyj
AQRX-07-1,AQRX-07,标准消防站数量,个,xfzd
AQRX-07-2,AQRX-07,小型普通消防站数量,个,xfzd
AQRX-07-3,AQRX-07,消防站服务范围覆盖的建设用地面积,平方公里,xfzd
AQRX-08-1,AQRX-08,设置发热门诊的园镇数量,个,wjj
AQRX-08-2,AQRX-08,发热门诊数量,个,wjj
CSHL-01-1,CSHL-01,常住人口年龄中位数,岁,tjj
CSHL-01-2,CSHL-01,65岁及以上人口比例,%,tjj
CSHL-02-1,CSHL-02,政府债务余额,亿元,czj
CSHL-02-2,CSHL-02,地区生产总值,亿元,tjj
CSHL-03-1,CSHL-03,新增就业人口数量,万人,rsj
CSHL-03-2,CSHL-03,新增就业人口中大专及以上学历人数,万人,rsj
CSHL-04-1,CSHL-04,全社会研究与试验发展经费支出,亿元,kjj
CSHL-04-2,CSHL-04,地区生产总值,亿元,tjj
CSHL-04-3,CSHL-04,高新技术企业数量,家,kjj
CSHL-05-1,CSHL-05,新增中小微企业数量,家,scjgj
CSHL-05-2,CSHL-05,常住人口数量,万人,tjj
CSHL-06-1,CSHL-06,制造业增加值,亿元,gxj
CSHL-06-2,CSHL-06,地区生产总值,亿元,tjj
CSHL-06-3,CSHL-06,规模以上工业增加值,亿元,gxj
CSHL-07-1,CSHL-07,村级工业园拆除整理面积,亩,zrzyj
CSHL-07-2,CSHL-07,村级工业园改造项目数量,个,nyncj
CSHL-07-3,CSHL-07,改造后新增产业用房面积,万平方米,gxj
"""

TOWN_IDS = ["guancheng", "dongcheng", "nancheng", "wanjiang", "shijie", "shilong", "chashan", "shipai",
            "qishi", "hengli", "qiaotou", "xiegang", "dongkeng", "changping", "liaobu", "zhangmutou",
            "dalang", "huangjiang", "qingxi", "tangxia", "fenggang", "dalingshan", "changan", "humen",
            "houjie", "shatian", "daojiao", "hongmei", "machong", "wangniudun", "zhongtang", "gaobu",
            "songshanhu", "binhaiwan"]


def town_government(name):
    if name.endswith("街道"):
        return name + "办事处"
    if name.endswith("镇"):
        return name + "人民政府"
    return name + "管理委员会"


# Indicators computed from their parts: formula, the operand solved so that the formula
# gives the indicator's value, and the sub-indicators filed for every town as well.
POP = "STYJ-04-2"       # 常住人口数量（万人）, shared by several formulas
RESID = "SHSS-02-3"     # 居住用地总面积（公顷）
BUILT = "AQRX-02-2"     # 建设用地总面积（平方公里）
FORMULAS = {
    "STYJ-01": ("STYJ-01-1 / STYJ-01-2 * 100", "STYJ-01-1", ["STYJ-01-1", "STYJ-01-2"]),
    "STYJ-02": ("STYJ-02-2", "STYJ-02-2", []),
    "STYJ-03": ("STYJ-03-2 / STYJ-03-1 * 100", "STYJ-03-2", []),
    "STYJ-04": ("STYJ-04-1 / STYJ-04-2", "STYJ-04-1", ["STYJ-04-1", "STYJ-04-2"]),
    "STYJ-05": ("STYJ-05-1 / STYJ-05-2 * 100", "STYJ-05-1", ["STYJ-05-1", "STYJ-05-2"]),
    "STYJ-08": ("STYJ-08-1 / STYJ-08-2 * 100", "STYJ-08-1", ["STYJ-08-1", "STYJ-08-2"]),
    "STYJ-09": ("STYJ-09-2 / STYJ-09-1 * 100", "STYJ-09-2", []),
    "STYJ-10": ("STYJ-10-2 / STYJ-10-1 * 100", "STYJ-10-2", []),
    "STYJ-11": ("STYJ-11-2", "STYJ-11-2", []),
    "TSXM-01": ("TSXM-01-1", "TSXM-01-1", []),
    "TSXM-02": ("TSXM-02-3 / TSXM-02-2 * 100", "TSXM-02-3", []),
    "TSXM-03": ("TSXM-03-2 / TSXM-03-1 * 100", "TSXM-03-2", []),
    "TSXM-04": ("TSXM-04-1 / STYJ-04-2", "TSXM-04-1", []),
    "TSXM-05": ("TSXM-05-1", "TSXM-05-1", []),
    "JTBJ-01": ("(JTBJ-01-1 + JTBJ-01-2) / 2", "JTBJ-01-2", ["JTBJ-01-1", "JTBJ-01-2"]),
    "JTBJ-02": ("JTBJ-02-1 / JTBJ-02-2", "JTBJ-02-1", ["JTBJ-02-1", "JTBJ-02-2"]),
    "JTBJ-03": ("JTBJ-03-1 / JTBJ-03-2 * 100", "JTBJ-03-1", []),
    "JTBJ-04": ("JTBJ-04-1 / JTBJ-04-2 * 100", "JTBJ-04-1", []),
    "JTBJ-05": ("(JTBJ-05-1 + JTBJ-05-2) / JTBJ-05-3 * 100", "JTBJ-05-1", []),
    "JTBJ-06": ("JTBJ-06-1 / STYJ-04-2 * 100", "JTBJ-06-1", []),
    "JTBJ-07": ("JTBJ-07-1 / JTBJ-07-2", "JTBJ-07-1", ["JTBJ-07-1", "JTBJ-07-2"]),
    "JTBJ-08": ("JTBJ-08-1 / (JTBJ-08-2 * 10000) * 100", "JTBJ-08-1", ["JTBJ-08-1", "JTBJ-08-2"]),
    "SHSS-01": ("SHSS-01-2 / SHSS-01-3 * 100", "SHSS-01-2", ["SHSS-01-2", "SHSS-01-3"]),
    "SHSS-02": ("SHSS-02-2 / SHSS-02-3 * 100", "SHSS-02-2", ["SHSS-02-2", "SHSS-02-3"]),
    "SHSS-03": ("SHSS-03-2 / SHSS-02-3 * 100", "SHSS-03-2", ["SHSS-03-2"]),
    "SHSS-04": ("SHSS-04-1 / SHSS-04-2 * 100", "SHSS-04-1", []),
    "SHSS-05": ("SHSS-05-1 / SHSS-05-3", "SHSS-05-1", ["SHSS-05-1", "SHSS-05-3"]),
    "SHSS-06": ("SHSS-06-2 / SHSS-01-3 * 100", "SHSS-06-2", []),
    "SHSS-07": ("SHSS-07-1 / SHSS-07-2 * 100", "SHSS-07-1", ["SHSS-07-1", "SHSS-07-2"]),
    "SHSS-08": ("SHSS-08-1 / (SHSS-08-2 * 10)", "SHSS-08-1", ["SHSS-08-1", "SHSS-08-2"]),
    "SHSS-09": ("SHSS-09-1 / SHSS-09-2 * 100", "SHSS-09-1", ["SHSS-09-1", "SHSS-09-2"]),
    "SHSS-10": ("SHSS-10-1 / SHSS-10-2 * 100", "SHSS-10-1", []),
    "SHSS-11": ("SHSS-11-2 / SHSS-11-1 * 100", "SHSS-11-2", ["SHSS-11-1", "SHSS-11-2"]),
    "DYBR-01": ("DYBR-01-1 / DYBR-01-2", "DYBR-01-2", []),
    "DYBR-02": ("DYBR-02-2 / DYBR-02-1 * 100", "DYBR-02-2", []),
    "DYBR-03": ("DYBR-03-1 * 12 / DYBR-03-2 * 100", "DYBR-03-1", []),
    "DYBR-06": ("DYBR-06-1 / DYBR-06-3 * 100", "DYBR-06-1", ["DYBR-06-1", "DYBR-06-3"]),
    "DYBR-07": ("DYBR-07-1 / DYBR-07-2 * 100", "DYBR-07-1", ["DYBR-07-1", "DYBR-07-2"]),
    "AQRX-01": ("AQRX-01-1 / STYJ-04-2", "AQRX-01-1", ["AQRX-01-1"]),
    "AQRX-02": ("AQRX-02-1 / AQRX-02-2 * 100", "AQRX-02-1", ["AQRX-02-1", "AQRX-02-2"]),
    "AQRX-03": ("AQRX-03-1 / AQRX-03-2", "AQRX-03-2", ["AQRX-03-1", "AQRX-03-2"]),
    "AQRX-04": ("AQRX-04-1 / AQRX-04-2", "AQRX-04-2", []),
    "AQRX-05": ("AQRX-05-2 / STYJ-04-2", "AQRX-05-2", []),
    "AQRX-06": ("AQRX-06-2 / SHSS-02-3 * 100", "AQRX-06-2", ["AQRX-06-2"]),
    "AQRX-07": ("AQRX-07-3 / AQRX-02-2 * 100", "AQRX-07-3", ["AQRX-07-3"]),
    "AQRX-08": ("AQRX-08-1 / 34 * 100", "AQRX-08-1", []),
    "CSHL-01": ("CSHL-01-1", "CSHL-01-1", []),
    "CSHL-02": ("CSHL-02-1 / CSHL-02-2 * 100", "CSHL-02-1", []),
    "CSHL-03": ("CSHL-03-2 / CSHL-03-1 * 100", "CSHL-03-2", []),
    "CSHL-04": ("CSHL-04-1 / CSHL-04-2 * 100", "CSHL-04-1", []),
    "CSHL-05": ("CSHL-05-1 / CSHL-05-2", "CSHL-05-1", []),
    "CSHL-06": ("CSHL-06-1 / CSHL-06-2 * 100", "CSHL-06-1", []),
    "CSHL-07": ("CSHL-07-1", "CSHL-07-1", ["CSHL-07-1"]),
}
AGGREGATE = {"CSHL-07": "sum", "TSXM-05": "sum", "STYJ-11": "sum"}
# the sub-indicators that every formula shares: the town's share of an extensive quantity
SHARED_TOWN = {POP, RESID, BUILT}
# 2020 city values of the operands that are not solved (the parts the others are measured against)
BASES = {
    "STYJ-01-2": 2460.0, "STYJ-04-2": 1046.7, "STYJ-05-2": 18630.0, "STYJ-08-2": 96500.0, "STYJ-09-1": 16,
    "STYJ-10-1": 39, "STYJ-03-1": 210.0, "TSXM-02-2": 263, "TSXM-03-1": 250, "JTBJ-01-1": 29.1,
    "JTBJ-02-2": 1194.3, "JTBJ-03-2": 612.4, "JTBJ-04-2": 612.4, "JTBJ-05-2": 96.3, "JTBJ-05-3": 1187.5,
    "JTBJ-07-2": 1194.3, "JTBJ-08-2": 341.6, "SHSS-01-3": 612, "SHSS-02-3": 24580.0, "SHSS-04-2": 6830.0,
    "SHSS-05-3": 1046.7, "SHSS-07-2": 402560, "SHSS-08-2": 1046.7, "SHSS-09-2": 488, "SHSS-10-2": 1298400,
    "SHSS-11-1": 1560, "DYBR-01-1": 1046.7, "DYBR-02-1": 583200, "DYBR-03-2": 36300.0, "DYBR-06-3": 512.8,
    "DYBR-07-2": 688.3, "AQRX-02-2": 1203.5, "AQRX-03-1": 101, "AQRX-04-1": 636, "CSHL-02-2": 9650.2,
    "CSHL-03-1": 38.6, "CSHL-04-2": 9650.2, "CSHL-05-2": 1046.7, "CSHL-06-2": 9650.2,
}
INTEGER_UNITS = {"个", "处", "条", "所", "家", "人", "张", "辆", "座", "次", "项", "件", "户", "套", "天"}


def _number_out(v, unit):
    if unit in INTEGER_UNITS:
        return str(int(round(v)))
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    return text


def solve(formula, free, known, target, unit):
    """The value of `free` that makes `formula` give `target` under reportkit's own
    evaluation, on a grid of 2 decimals (integers for counts), the float-exact one if any."""
    def f(x):
        return formula.evaluate({**known, free: x})
    try:
        a = f(1.0) - f(0.0)
        x0 = (target - f(0.0)) / a
    except ZeroDivisionError:   # the solved operand divides: f(x) = f(1) / x
        x0 = f(1.0) / target
    step = 1.0 if unit in INTEGER_UNITS else 0.01
    best = None
    for decimals in ([0] if step == 1.0 else [2, 3, 4, 5, 6]):
        s = 10.0 ** -decimals
        base = round(x0 / s) * s
        for k in range(0, 200):
            for x in (base + k * s, base - k * s):
                x = round(x, decimals)
                got = f(x)
                err = abs(got - target)
                if best is None or err < best[0]:
                    best = (err, x)
                if got == target:
                    return x
    return best[1]


def exact_by_base(formula, free, known, target, unit, parts, uses, units):
    """When no value of the solved operand gives the indicator's value exactly (parts
    counted in whole units), move a part this formula alone uses by a few units until
    one does; the part's city value is updated in `parts`.  Falls back to the best."""
    x = solve(formula, free, known, target, unit)
    for op in [o for o in formula.operands if o != free and uses.get(o) == 1]:
        step = 1.0 if units[op] in INTEGER_UNITS else 0.01
        for j in range(1, 400):
            for cand in (known[op] + j * step, known[op] - j * step):
                if cand <= 0:
                    continue
                cand = round(cand, 0 if step == 1.0 else 2)
                trial = {**known, op: cand}
                y = solve(formula, free, trial, target, unit)
                if formula.evaluate({**trial, free: y}) == target:
                    known[op] = cand
                    parts[(op, CITY, YEAR)] = float(cand)
                    return y
    return x


def town_weights(rng, corr=0.5):
    dev = np.array([d for _, d in TOWNS])
    z = corr * dev + math.sqrt(1 - corr ** 2) * rng.normal(0, 1, len(TOWNS))
    w = np.exp(0.45 * z)
    return w / w.sum()


def context_value(unit, rng):
    """A plausible 2020 value of a sub-indicator that no formula uses."""
    ranges = {"%": (40, 95), "个": (20, 400), "处": (10, 300), "条": (5, 80), "所": (20, 400), "家": (500, 9000),
              "天": (5, 30), "公里": (50, 2000), "公顷": (300, 20000), "平方公里": (100, 1200), "万人": (20, 600),
              "万人次": (10, 300), "万平方米": (20, 900), "平方米": (20000, 900000), "亿元": (50, 3000),
              "万元": (5000, 90000), "米": (50, 900), "岁": (30, 40), "毫克/升": (80, 200),
              "微克/立方米": (15, 35), "元/平方米·月": (25, 60), "元/月": (900, 1300), "元": (30000, 70000),
              "平方米": (60, 110)}
    lo, hi = ranges.get(unit, (10, 500))
    v = rng.uniform(lo, hi)
    return round(v) if unit in INTEGER_UNITS else round(v, 2)


def filing_round(rng, values_rows):
    """Sub-indicator rows (with level/min/max) and their values, and the indicator rows
    of values.csv that the formulas now compute (removed from the table)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from reportkit.score.formula import parse

    subs = [line.split(",") for line in SUB_ROWS.strip().splitlines()]
    units = {s[0]: s[3] for s in subs}
    codes = [s[0] for s in subs]
    town_level = {c for _, (_, _, towns) in FORMULAS.items() for c in towns}
    parsed = {k: parse(f, codes) for k, (f, _, _) in FORMULAS.items()}
    vals = {}   # (code, area, year) -> float; the indicator values the demo already had
    for code, area, year, value, note, source in values_rows:
        if value != "":
            vals[(code, area, year)] = float(value)
    towns = [n for n, _ in TOWNS]
    parts = {}  # (sub code, area, year) -> value
    weights = {}

    def share(code):
        key = code if code not in SHARED_TOWN else "shared:" + code
        if key not in weights:
            weights[key] = town_weights(rng)
        return weights[key]

    # 1. the operands measured against (bases), city 2020/2019 and towns 2020
    growth = {}
    same_growth = {}
    names = {s[0]: s[2] for s in subs}
    for ind_code, (ftext, free, tl) in FORMULAS.items():
        for op in parsed[ind_code].operands:
            if op == free or (op, CITY, YEAR) in parts:
                continue
            unit = units[op]
            base = BASES.get(op)
            if base is None:
                raise SystemExit(f"make_tables: no base value for {op}")
            drawn = growth.setdefault(op, rng.uniform(0.005, 0.03))
            # the same quantity under several codes (常住人口数量, 建成区面积 …) has one last-year value
            g = same_growth.setdefault((names[op], unit, float(base)), drawn)
            parts[(op, CITY, YEAR)] = float(base)
            prev = base / (1 + g)
            parts[(op, CITY, YEAR - 1)] = float(round(prev) if unit in INTEGER_UNITS else round(prev, 2))
            if op in town_level and unit == "公里/小时":   # a speed: near the town's own value
                for t in towns:
                    tv = vals.get((ind_code, t, YEAR))
                    if tv is not None:
                        parts[(op, t, YEAR)] = round(tv + 0.7, 1)
            elif op in town_level:
                w = share(op)
                for t, wt in zip(towns, w):
                    v = base * wt
                    parts[(op, t, YEAR)] = float(max(1, round(v)) if unit in INTEGER_UNITS else round(v, 2))
    # 2. the solved operand: the formula gives the indicator's value
    uses = {}
    for f in parsed.values():
        for op in f.operands:
            uses[op] = uses.get(op, 0) + 1
    computed = set()
    for ind_code, (ftext, free, tl) in FORMULAS.items():
        f = parsed[ind_code]
        unit = units[free]
        areas = [(CITY, YEAR), (CITY, YEAR - 1)] + ([(t, YEAR) for t in towns] if free in tl else [])
        for area, year in areas:
            target = vals.get((ind_code, area, year))
            if target is None:
                continue
            known = {op: parts.get((op, area, year)) for op in f.operands if op != free}
            if any(v is None for v in known.values()):
                continue
            x = solve(f, free, known, target, unit)
            if year != YEAR:     # last year's value is for reference: at the item's decimals
                x = round(x) if unit in INTEGER_UNITS else round(x, 2)
            if area == CITY and year == YEAR and f.evaluate({**known, free: x}) != target:
                x = exact_by_base(f, free, known, target, unit, parts, uses, units)
            parts[(free, area, year)] = float(x)
            if year == YEAR:
                computed.add((ind_code, area, year))
    # 3. the other sub-indicators: plausible values, a year apart
    for code, ind_code, name, unit, dept in subs:
        if (code, CITY, YEAR) in parts or ind_code in ("STYJ-03", "DYBR-05"):
            continue
        v = context_value(unit, rng)
        parts[(code, CITY, YEAR)] = float(v)
        prev = v / (1 + rng.uniform(0.01, 0.08))
        parts[(code, CITY, YEAR - 1)] = float(round(prev) if unit in INTEGER_UNITS else round(prev, 2))
    # the demo keeps a formula indicator's 2020 value only where it is not computed
    kept = [r for r in values_rows if (r[0], r[1], r[2]) not in computed]
    area_rank = {CITY: 0, **{n: i + 1 for i, (n, _) in enumerate(TOWNS)}}
    sub_order = {c: i for i, c in enumerate(codes)}
    sub_values = []
    for (code, area, year), v in sorted(parts.items(), key=lambda kv: (sub_order[kv[0][0]], area_rank[kv[0][1]],
                                                                       kv[0][2])):
        src = "部门填报（示例数据）" if area == CITY else "园镇填报（示例数据）"
        sub_values.append((code, area, year, _number_out(v, units[code]), "", src))
    sub_rows = []
    for code, ind_code, name, unit, dept in subs:
        level = "town" if code in town_level else "city"
        lo = "0"
        hi = "100" if unit == "%" else ("366" if unit == "天" else "")
        sub_rows.append((code, ind_code, name, unit, dept, level, lo, hi))
    return sub_rows, kept, sub_values


def write_csv(name, header, rows):
    path = DATA / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def main():
    DATA.mkdir(parents=True, exist_ok=True)
    values = build()
    sub_rows, values, sub_values = filing_round(np.random.default_rng(SEED + 1), values)
    check_computed(values + sub_values, sub_rows)

    ind_rows = []
    for s in INDICATORS:
        formula = FORMULAS.get(s["code"], ("",))[0]
        ind_rows.append((
            s["code"], s["name"], DIMENSIONS[s["code"][:4]], s["category"], s["unit"],
            s["direction"], "" if s["standard"] is None else fmt(s["standard"], s["dp"]),
            "" if s["target"] is None else fmt(s["target"], s["dp"]),
            s["depts"], "1" if s["key"] else "", s["method"], s["source"],
            AGGREGATE.get(s["code"], "sum" if False else ("none" if formula else "")), formula))
    write_csv("indicators.csv", ["code", "name", "dimension", "category", "unit", "direction",
                                 "standard", "target", "departments", "key", "method", "source",
                                 "aggregate", "formula"],
              ind_rows)
    write_csv("areas.csv", ["area", "kind", "filer"],
              [(CITY, "city", "")] + [(n, "town", tid) for (n, _), tid in zip(TOWNS, TOWN_IDS)]
              + [(n, "peer", "") for n, _ in PEERS])
    write_csv("departments.csv", ["id", "name", "kind"],
              [(i, n, "市直部门") for i, n in DEPARTMENTS]
              + [(tid, town_government(n), "园镇") for (n, _), tid in zip(TOWNS, TOWN_IDS)])
    write_csv("sub_indicators.csv", ["code", "indicator", "name", "unit", "department", "level", "min", "max"],
              sub_rows)
    order = {s["code"]: i for i, s in enumerate(INDICATORS)}
    sub_order = {r[0]: i for i, r in enumerate(sub_rows)}
    area_rank = {CITY: 0, **{n: i + 1 for i, (n, _) in enumerate(TOWNS)},
                 **{n: 100 + i for i, (n, _) in enumerate(PEERS)}}

    def key(r):
        parent = r[0] if r[0] in order else next(x[1] for x in sub_rows if x[0] == r[0])
        return (order[parent], r[0] in sub_order, sub_order.get(r[0], -1), area_rank[r[1]], r[2])

    write_csv("values.csv", ["code", "area", "year", "value", "note", "source"], sorted(values + sub_values, key=key))

    mix = {}
    for s in INDICATORS:
        mix[s["expect"]] = mix.get(s["expect"], 0) + 1
    cats = {}
    for s in INDICATORS:
        cats[s["category"]] = cats.get(s["category"], 0) + 1
    print(f"indicators: {len(INDICATORS)} {cats}, {len(FORMULAS)} computed by formula")
    print(f"ratings:    {mix}")
    print(f"key:        {', '.join(s['code'] for s in INDICATORS if s['key'])}")
    print(f"values:     {len(values)} indicator rows, {len(sub_values)} sub-indicator rows")


peer_values_cache: dict = {}


def check_computed(rows, sub_rows):
    """The formulas, evaluated as reportkit evaluates them, give the demo's intended values."""
    from reportkit.score.formula import parse

    codes = [r[0] for r in sub_rows]
    vals = {}
    for code, area, year, value, note, source in rows:
        if value != "":
            vals.setdefault((area, year), {})[code] = float(value)
            if year == YEAR and area in dict(PEERS):
                peer_values_cache.setdefault(code, []).append(float(value))
    intended = {}
    rng = np.random.default_rng(SEED)
    del rng
    bad = []
    for ind_code, (ftext, free, towns) in FORMULAS.items():
        f = parse(ftext, codes)
        for (area, year), known in vals.items():
            if year != YEAR or not all(o in known for o in f.operands):
                continue
            got = f.evaluate(known)
            if ind_code in known:
                continue
            intended[(ind_code, area)] = got
    for s in INDICATORS:
        if s["code"] not in FORMULAS:
            continue
        want = s["hist"][YEAR] if s["hist"] else s["v"][0]
        got = intended.get((s["code"], CITY))
        if want is None:
            if got is not None:
                bad.append(f"{s['code']}: computed {got}, intended no value")
            continue
        # parts counted in whole units cannot always give the value exactly: within its
        # printed precision, with the intended rating
        if got is None or abs(got - want) > 0.5 * 10 ** -s["dp"]:
            bad.append(f"{s['code']}: computed {got}, intended {want}")
            continue
        peer = [v for v in (peer_values_cache.get(s["code"]) or [])]
        if rate(s, got, peer) != s["expect"]:
            bad.append(f"{s['code']}: computed {got} is rated {rate(s, got, peer)}, intended {s['expect']}")
    if bad:
        raise SystemExit("make_tables: formulas do not give the intended values:\n  " + "\n  ".join(bad))


if __name__ == "__main__":
    main()
