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

The hand-written tables (recommendations, tracking, sub_indicators,
survey_questions) live next to the generated ones and are not touched here.
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

    ind_rows = []
    for s in INDICATORS:
        ind_rows.append((
            s["code"], s["name"], DIMENSIONS[s["code"][:4]], s["category"], s["unit"],
            s["direction"], "" if s["standard"] is None else fmt(s["standard"], s["dp"]),
            "" if s["target"] is None else fmt(s["target"], s["dp"]),
            s["depts"], "1" if s["key"] else "", s["method"], s["source"]))
    write_csv("indicators.csv", ["code", "name", "dimension", "category", "unit", "direction",
                                 "standard", "target", "departments", "key", "method", "source"],
              ind_rows)
    write_csv("areas.csv", ["area", "kind"],
              [(CITY, "city")] + [(n, "town") for n, _ in TOWNS] + [(n, "peer") for n, _ in PEERS])
    write_csv("departments.csv", ["id", "name", "kind"],
              [(i, n, "市直部门") for i, n in DEPARTMENTS])
    write_csv("values.csv", ["code", "area", "year", "value", "note", "source"], values)

    mix = {}
    for s in INDICATORS:
        mix[s["expect"]] = mix.get(s["expect"], 0) + 1
    cats = {}
    for s in INDICATORS:
        cats[s["category"]] = cats.get(s["category"], 0) + 1
    print(f"indicators: {len(INDICATORS)} {cats}")
    print(f"ratings:    {mix}")
    print(f"key:        {', '.join(s['code'] for s in INDICATORS if s['key'])}")
    print(f"values:     {len(values)} rows")


if __name__ == "__main__":
    main()
