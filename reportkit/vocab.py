"""Values that the input/output contract fixes (they appear in machine-read outputs)."""

GOOD, WARN, SHORT, NODATA, NOREF = "良好", "预警", "短板", "无数据", "无参照"
RATINGS = (GOOD, WARN, SHORT, NODATA, NOREF)
IMPROVED, FLAT, WORSENED = "改善", "持平", "恶化"
REF_KINDS = ("target", "standard", "peer_median", "none")

# Progress toward the planning target (Statistics Canada / Open SDG method).
ACHIEVED, ON_TRACK, ACCELERATE, LIMITED, DETERIORATING = "已达成", "按期可达", "需加快", "进展有限", "倒退"

REJECT_RULES = ("重复作答", "答题过快", "数值越界", "作答不完整", "连续同一答案", "地区无效")
INSUFFICIENT = "样本不足"
TRACKING_STATUSES = ("已开展", "正在研究", "暂未开展")

# The filing loop (数据填报): the workbook's first sheet, its header, filer statuses.
INTAKE_SHEET = "填报表"
INTAKE_HEADER = ("编号", "名称", "单位", "地区", "年份", "填报值", "上年值", "数据来源", "备注")
(H_CODE, H_NAME, H_UNIT, H_AREA, H_YEAR, H_VALUE, H_PREVIOUS, H_SOURCE, H_NOTE) = INTAKE_HEADER
NOT_FILED, FILED, RETURNED, PASSED = "未报送", "已报送", "需退回", "已通过"
INTAKE_STATUSES = (NOT_FILED, FILED, RETURNED, PASSED)
TO_CONFIRM = "需核实"
# What the documents call the town level when project.toml [terms] says nothing (contract v2).
DEFAULT_TOWN_TERM = "街道（镇）"
DEFAULT_DIMENSION_TERM = "维度"


METHODS = ("统计", "空间", "大数据", "调查")   # indicators.method: how a value is collected

# Id lists in a cell are separated by ";"; these are read as ";" too (data-contract.md).
LIST_SEPARATORS_TOLERATED = ("；", "、", ",")
DATE_UNITS = "年月日"   # a date may be written 2021年3月31日 (tracking updated)
EMPTY_AREA = "地区为空"   # the 地区无效 of a questionnaire without an area (survey.toml [details])
HIDDEN_N = "样本量已隐去"   # survey groups.csv status: n withheld so that 样本不足 cannot be derived
