"""Two consecutive checkups built from the mini project: <tmp>/2019 and <tmp>/2020.

2020 is the mini project unchanged but for `previous = "../2019"`.  2019 is the same
city a year earlier, designed so that every status appears in 2020:

    EC-01  2019 13.1 短板 -> 2020 14.0 预警          improved (milder rating)
    EC-02  2019 60   短板 -> 2020 75   良好          resolved
    EC-03  2019 40   预警 -> 2020 40.2 预警 (+0.5%)  persisting
    TR-02  2019 21   预警 -> 2020 23   短板          worse
    TR-03  2019 1.1  短板 -> 2020 无数据            unrated
    EC-09  2019 30   短板, not in the 2020 catalogue  dropped

Recommendations 2019: R01 (已开展, continues), R02 (no tracking row, continues),
R09 (已开展, dropped: 2020 has no R09).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import MINI, ProjectFactory

PREV_VALUES = """code,area,year,value,note,source
EC-01,甲市,2018,12.5,,
EC-01,甲市,2019,13.1,,
EC-01,乙市,2019,15.5,,
EC-02,甲市,2018,58,,
EC-02,甲市,2019,60,,
EC-03,甲市,2018,39.5,,
EC-03,甲市,2019,40,,
EC-03,乙市,2019,50,,
EC-03,丙市,2019,44,,
EC-03,丁市,2019,30,,
EC-09,甲市,2019,30,,
EC-09,甲镇,2019,28,,
TR-01,甲市,2019,30,,
TR-02,甲市,2018,20,,
TR-02,甲市,2019,21,,
TR-02,甲镇,2019,22,,
TR-03,甲市,2018,1.2,,
TR-03,甲市,2019,1.1,,
"""

PREV_INDICATORS_EXTRA = "EC-09,城市绿道服务半径覆盖率,生态宜居,基础指标,%,+,,50,zj,,空间,\n"

PREV_RECS = """id,problem,indicators,result,countermeasure,action,lead,assist
R01,公园绿地不足,EC-01,人均公园绿地面积为短板,增绿补绿,建设社区公园,zj,zr
R02,通勤时间偏长,TR-02,长时间通勤比例处于预警区间,优化职住平衡,加密公交线网,jt,zr
R09,绿道覆盖不足,EC-09,绿道服务半径覆盖率为短板,完善绿道网络,建设社区绿道,zj,
"""

PREV_TRACKING = """id,status,note,updated
R01,已开展,已建成口袋公园5个,2020-03-31
R09,已开展,绿道建设完成,2020-04-30
"""


def make_years(tmp_path: Path) -> tuple[ProjectFactory, ProjectFactory]:
    """(this year's project, last year's project), both valid."""
    prev = ProjectFactory(tmp_path / "2019")
    cur = ProjectFactory(tmp_path / "2020")
    shutil.copytree(MINI, prev.root)
    shutil.copytree(MINI, cur.root)
    prev.replace("project.toml", "year = 2020", "year = 2019")
    prev.replace("project.toml", "甲市2020年", "甲市2019年")
    prev.write("data/values.csv", PREV_VALUES)
    # 2019: TR-02's target was 20 as now; TR-03 had a target of 1.5
    prev.replace("data/indicators.csv", "TR-03,专用自行车道密度,交通便捷,市内指标,千米/平方千米,+,,,",
                 "TR-03,专用自行车道密度,交通便捷,市内指标,千米/平方千米,+,,1.5,")
    prev.append("data/indicators.csv", PREV_INDICATORS_EXTRA.strip())
    prev.write("data/recommendations.csv", PREV_RECS)
    prev.write("data/tracking.csv", PREV_TRACKING)
    for n in prev.root.glob("narratives/*.md"):
        n.unlink()
    cur.replace("project.toml", 'survey_url = "https://example.org/survey"',
                'survey_url = "https://example.org/survey"\nprevious = "../2019"')
    return cur, prev


OLDEST_VALUES = """code,area,year,value,note,source
EC-01,甲市,2017,12.0,,
EC-01,甲市,2018,12.5,,
EC-02,甲市,2018,580,,
EC-03,甲市,2018,39.8,,
EC-03,乙市,2018,50,,
EC-03,丙市,2018,44,,
EC-03,丁市,2018,30,,
EC-09,甲市,2018,28,,
EC-09,甲镇,2018,26,,
TR-01,甲市,2018,31,,
TR-02,甲市,2018,20,,
TR-02,甲镇,2018,21,,
TR-03,甲市,2018,1.2,,
"""

OLDEST_TRACKING = """id,status,note,updated
R01,正在研究,,2019-04-01
R09,已开展,,2019-04-15
"""


def make_three_years(tmp_path: Path) -> tuple[ProjectFactory, ProjectFactory, ProjectFactory]:
    """(2020, 2019, 2018): make_years plus a 2018 checkup that 2019's `previous` names.

    2018: EC-01 短板 and EC-03 预警 as in 2019 and 2020 (problems three years running);
    EC-02 was measured in ‰ (580‰, standard 700‰: 短板), in % from 2019 on."""
    cur, prev = make_years(tmp_path)
    old = ProjectFactory(tmp_path / "2018")
    shutil.copytree(prev.root, old.root)
    old.replace("project.toml", "year = 2019", "year = 2018")
    old.replace("project.toml", "甲市2019年", "甲市2018年")
    old.write("data/values.csv", OLDEST_VALUES)
    old.replace("data/indicators.csv", "EC-02,城市生活污水集中收集率,生态宜居,基础指标,%,+,70,",
                "EC-02,城市生活污水集中收集率,生态宜居,基础指标,‰,+,700,")
    old.write("data/recommendations.csv", "\n".join(PREV_RECS.strip().splitlines()[:2] + PREV_RECS.strip().splitlines()[3:])
              + "\n")
    old.write("data/tracking.csv", OLDEST_TRACKING)
    prev.replace("project.toml", 'survey_url = "https://example.org/survey"',
                 'survey_url = "https://example.org/survey"\nprevious = "../2018"')
    return cur, prev, old
