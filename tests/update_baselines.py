"""Sample chart specs and their baseline images (figures/baseline/<name>.png).

`make baselines` runs this script; run it only when a drawing change is
intended, then look at every refreshed PNG before committing it.  The same
SAMPLES are drawn by tests/test_charts.py and compared with these files.

    python tests/update_baselines.py            # refresh all
    python tests/update_baselines.py trend      # refresh the named samples only
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reportkit.charts import ChartSpec, draw_png  # noqa: E402
from reportkit.theme import Theme  # noqa: E402

BASELINE_DIR = ROOT / "figures" / "baseline"
BASELINE_DPI = 100  # pinned, whatever templates/theme.toml says

DIMENSIONS = ["生态宜居", "健康舒适", "安全韧性", "交通便捷", "风貌特色", "整洁有序", "多元包容", "创新活力"]

TOWNS = ["莞城街道", "南城街道", "东城街道", "万江街道", "石碣镇", "石龙镇", "茶山镇", "石排镇",
         "企石镇", "横沥镇", "桥头镇", "谢岗镇", "东坑镇", "常平镇", "寮步镇", "樟木头镇", "大朗镇",
         "黄江镇", "清溪镇", "塘厦镇", "凤岗镇", "大岭山镇", "长安镇", "虎门镇", "厚街镇", "沙田镇",
         "道滘镇", "洪梅镇", "麻涌镇", "望牛墩镇", "中堂镇", "高埗镇", "松山湖", "滨海湾新区"]


def town_values() -> list[float | None]:
    rng = random.Random(20200)
    vals: list[float | None] = [round(rng.uniform(6.0, 24.0), 1) for _ in TOWNS]
    vals[TOWNS.index("洪梅镇")] = None
    return vals


def town_geojson() -> dict:
    """34 irregular quadrilaterals tiling a 6 × 6 grid near Dongguan (two cells left out,
    one town drawn as a MultiPolygon), with shared jittered vertices like real boundaries."""
    rng = random.Random(7)
    nx = ny = 6
    x0, y0, dx, dy = 113.52, 22.65, 0.11, 0.075
    pts = {(i, j): (x0 + i * dx + (rng.uniform(-0.3, 0.3) * dx if 0 < i < nx else 0),
                    y0 + j * dy + (rng.uniform(-0.3, 0.3) * dy if 0 < j < ny else 0))
           for i in range(nx + 1) for j in range(ny + 1)}
    cells = [(i, j) for j in range(ny - 1, -1, -1) for i in range(nx)]
    cells = [c for c in cells if c not in ((0, 5), (5, 0))]
    features = []
    for town, (i, j) in zip(TOWNS, cells):
        ring = [pts[i, j], pts[i + 1, j], pts[i + 1, j + 1], pts[i, j + 1], pts[i, j]]
        ring = [[round(x, 5), round(y, 5)] for x, y in ring]
        geom = {"type": "Polygon", "coordinates": [ring]}
        if town == "滨海湾新区":  # an island belongs to it as well
            cx, cy = ring[1]
            island = [[cx + 0.01, cy - 0.05], [cx + 0.05, cy - 0.05], [cx + 0.04, cy - 0.02],
                      [cx + 0.01, cy - 0.05]]
            geom = {"type": "MultiPolygon", "coordinates": [[ring], [island]]}
        features.append({"type": "Feature", "properties": {"area": town}, "geometry": geom})
    return {"type": "FeatureCollection", "features": features}


def samples() -> list[ChartSpec]:
    towns_data = {
        "indicator": "人均公园绿地面积", "unit": "平方米/人", "year": 2020,
        "areas": TOWNS, "values": town_values(), "city_value": 15.2, "city_label": "全市",
        "reference": 15.0, "reference_label": "规划目标", "direction": "+",
    }
    return [
        ChartSpec("radar", "radar", {
            "labels": DIMENSIONS, "values": [82.5, 71.0, 88.3, 64.2, 75.0, 69.8, 91.4, 78.6],
            "series_name": "体检评分",
            "compare": {"name": "居民满意度", "values": [76.1, 68.4, 80.2, 61.5, 72.3, 66.0, 70.9, 74.4]},
        }),
        ChartSpec("ratings", "ratings", {
            "labels": DIMENSIONS,
            "counts": {"良好": [5, 3, 6, 2, 4, 3, 4, 3], "预警": [1, 2, 0, 2, 1, 1, 0, 1],
                       "短板": [1, 1, 1, 3, 0, 2, 1, 0], "无数据": [0, 1, 0, 0, 0, 0, 1, 0],
                       "无参照": [0, 0, 1, 0, 1, 0, 0, 1]},
        }),
        ChartSpec("trend", "trend", {
            "indicator": "人均公园绿地面积", "area": "东莞市", "unit": "平方米/人",
            "years": [2016, 2017, 2018, 2019, 2020], "values": [13.8, 14.1, None, 14.6, 15.2],
            "reference": 15.0, "reference_label": "规划目标", "direction": "+",
        }),
        ChartSpec("peers", "peers", {
            "indicator": "城市道路网密度", "unit": "千米/平方千米", "year": 2020,
            "areas": ["东莞市", "深圳市", "广州市", "佛山市", "苏州市", "无锡市", "宁波市"],
            "values": [6.12, 9.41, 7.25, 6.58, 7.03, None, 6.37], "city": "东莞市",
            "reference": 6.8, "reference_label": "对标城市中位数", "direction": "+",
        }),
        ChartSpec("towns", "towns", towns_data),
        ChartSpec("towns", "towns-map", {**towns_data, "geojson": town_geojson()}),
        ChartSpec("tracking", "tracking", {
            "statuses": ["已开展", "正在研究", "暂未开展", "未反馈"], "counts": [18, 9, 5, 2],
            "departments": ["市自然资源局", "市住房城乡建设局", "市交通运输局", "市生态环境局", "市城市管理综合执法局"],
            "by_department": {"已开展": [5, 6, 3, 2, 2], "正在研究": [2, 1, 3, 2, 1],
                              "暂未开展": [0, 1, 1, 1, 2], "未反馈": [0, 0, 1, 1, 0]},
        }),
        ChartSpec("bars", "bars", {
            "labels": ["本地户籍", "外来人口", "产业工人", "高新技术人员", "个体经营者", "离退休人员"],
            "values": [74.62, 70.15, 68.4, 77.9, None, 72.25], "unit": "分", "axis_label": "满意度",
            "highlight": 3, "reference": 72.0, "reference_label": "全市", "max": 100,
            "missing_label": "样本不足",
        }),
        ChartSpec("bars", "bars-vertical", {
            "labels": ["很不满意", "不满意", "一般", "满意", "很满意"],
            "values": [1204, 3518, 12876, 20931, 9874], "unit": "份", "axis_label": "问卷数",
            "orientation": "v", "colors": ["rating-短板", "rating-预警", "muted", "secondary", "rating-良好"],
        }),
        # satisfaction-survey kinds (reportkit/charts/survey.py)
        ChartSpec("heatmap", "heatmap", {
            "columns": DIMENSIONS[:5], "rows": ["本地户籍", "外来人口", "产业工人", "高新技术人员", "18岁以下"],
            "sections": [["户籍", 2], ["职业", 2], ["年龄", 1]],
            "values": [[78.4, 77.5, 80.1, 70.2, 75.0], [72.1, 70.3, 78.8, 66.0, 73.9],
                       [70.5, 69.8, 77.2, 64.1, 72.0], [80.2, 79.9, 81.5, 71.7, 77.3],
                       [None, None, None, None, None]],
            "missing_label": "样本不足", "decimals": 1, "unit": "分",
        }),
        ChartSpec("screening", "screening", {
            "collected": 87000, "valid": 79000, "valid_label": "有效问卷", "rejected_label": "无效问卷",
            "rules": ["重复作答", "答题过快", "数值越界", "作答不完整", "连续同一答案", "地区无效"],
            "counts": [2600, 2900, 300, 1500, 600, 100], "unit": "份",
        }),
        ChartSpec("keywords", "keywords", {
            "words": ["公交", "停车", "学位", "地铁", "医院", "公园", "房价", "拥堵"],
            "counts": [5664, 4821, 3902, 3310, 2894, 2011, 1876, 1502], "unit": "次", "axis_label": "出现次数",
        }),
        ChartSpec("dumbbell", "dumbbell", {
            "labels": DIMENSIONS[:6], "a": [78.4, 77.5, 80.1, 70.2, 75.0, 71.9],
            "b": [76.8, 70.3, 78.8, 66.0, 73.9, 62.2], "a_label": "本地户籍", "b_label": "外来人口",
            "flags": [False, True, False, False, False, True], "flag_label": "差距≥5分", "decimals": 1,
            "unit": "分", "axis_label": "满意度得分",
        }),
        *year_samples(),
    ]


def year_samples() -> list[ChartSpec]:
    """Kinds of reportkit/charts/years.py: last year's problems, multi-year series."""
    status_labels = {"resolved": "已解决", "improved": "有所改善", "persisting": "仍未解决", "worse": "有所恶化",
                     "unrated": "本年无法评价", "dropped": "本年未纳入"}
    return [
        ChartSpec("changes", "changes", {
            "labels": ["城市生活污水集中收集率", "普惠性幼儿园覆盖率", "公共交通出行分担率", "轨道站点周边覆盖通勤比例",
                       "建成区高峰期平均机动车速度", "城市居民最低生活保障标准占上年度城市居民人均消费支出比例",
                       "村级工业园改造面积", "房租收入比"],
            "before": [47.4, 51.2, 44.4, 5.2, 87.4, 92.1, 56.1, 71.0],
            "after": [52.8, 100.0, 42.2, 5.2, 78.2, 100.0, 100.0, None],
            "status": ["improved", "resolved", "worse", "persisting", "worse", "resolved", "resolved", "unrated"],
            "status_labels": status_labels, "before_label": "2019年", "after_label": "2020年",
            "axis_label": "指标得分", "unit": "分", "missing_label": "本年无数据",
            "lines": [[60, "预警线"], [100, "达到参照值"]], "decimals": 1,
        }),
        ChartSpec("series", "series", {
            "years": [2016, 2017, 2018, 2019, 2020],
            "series": [{"name": "总体满意度", "values": [68.2, 69.5, 71.0, 72.4, 73.8]},
                       {"name": "生态宜居", "values": [70.1, 71.0, 72.6, 73.1, 75.2]},
                       {"name": "交通便捷", "values": [60.2, 61.0, None, 62.7, 63.1]},
                       {"name": "生活舒适", "values": [66.4, 67.0, 68.9, 70.2, 71.7]}],
            "unit": "分", "axis_label": "满意度", "decimals": 1, "highlight": "总体满意度",
        }),
    ]


BASELINE_THEME = ROOT / "tests" / "fixtures" / "baseline-theme.toml"


def baseline_theme() -> Theme:
    """The pinned test theme (a frozen copy of the house style) at the pinned DPI."""
    import tomllib

    data = tomllib.loads(BASELINE_THEME.read_text(encoding="utf-8"))
    data = {**data, "chart": {**data["chart"], "dpi": BASELINE_DPI}}
    return Theme(data, BASELINE_THEME)


def main(argv: list[str]) -> int:
    BASELINE_DIR.mkdir(parents=True, exist_ok=True)
    theme = baseline_theme()
    wanted = set(argv)
    for spec in samples():
        if wanted and spec.name not in wanted:
            continue
        path = BASELINE_DIR / f"{spec.name}.png"
        path.write_bytes(draw_png(spec, theme))
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

