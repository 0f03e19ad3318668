"""Numbers written the Chinese way: thousands separators, 万, percentages, decimals per unit."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from dataclasses import dataclass, field


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


@dataclass(frozen=True)
class Formatter:
    decimals_by_unit: dict = field(default_factory=dict)
    default_decimals: int = 1
    dash: str = "—"

    @classmethod
    def from_theme(cls, theme) -> "Formatter":
        n = theme.data.get("numbers", {})
        labels = theme.data.get("labels", {})
        return cls(dict(n.get("decimals", {})), int(n.get("default_decimals", 1)), labels.get("no_value", "—"))

    def decimals_for(self, unit: str | None, value=None) -> int:
        if unit and unit in self.decimals_by_unit:
            return int(self.decimals_by_unit[unit])
        if value is not None and not _missing(value) and float(value).is_integer():
            return 0
        if value is not None and not _missing(value) and abs(float(value)) < 10:
            return 2
        return self.default_decimals

    def num(self, x, decimals: int | None = None, unit: str | None = None, sep: bool = True) -> str:
        """12345.678 -> "12,345.7"; None/NaN -> "—"."""
        if _missing(x):
            return self.dash
        x = float(x)
        d = self.decimals_for(unit, x) if decimals is None else decimals
        return round_text(x, d, sep)

    def value(self, x, unit: str | None) -> str:
        """A value for text or tables, decimals chosen by its unit."""
        return self.num(x, unit=unit)

    def like(self, x, value, unit: str | None) -> str:
        """`x` (e.g. a reference) written with the decimals used for `value`, so that an
        indicator's value and its reference line up: 38.6 / 50.0, 347 / 320."""
        d = self.decimals_for(unit, value) if not _missing(value) else None
        return self.num(x, d, unit=unit)

    def with_unit(self, x, unit: str | None) -> str:
        if _missing(x):
            return self.dash
        v = self.value(x, unit)
        return f"{v}{unit}" if unit else v

    def int(self, n) -> str:
        return self.num(n, 0)

    def pct(self, ratio, decimals: int = 1) -> str:
        """0.908 -> "90.8%"."""
        if _missing(ratio):
            return self.dash
        return f"{round_text(float(ratio) * 100, decimals, False)}%"

    def wan(self, n, decimals: int = 1) -> str:
        """87000 -> "8.7万"; below 10,000 the plain integer."""
        if _missing(n):
            return self.dash
        n = float(n)
        if abs(n) < 10000:
            return self.int(n)
        if abs(n) >= 1e8:
            return f"{round_text(n / 1e8, decimals, False)}亿".replace(".0亿", "亿")
        s = round_text(n / 1e4, decimals, False)
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return f"{s}万"

    def change(self, value, previous, unit: str | None, words: dict | None = None) -> str:
        """"提高6.2个百分点" for a percentage, "增长3.5%" / "下降1.2%" otherwise, "基本持平"."""
        w = {"up_points": "提高", "down_points": "下降", "points": "个百分点", "up": "增长", "down": "下降",
             "flat": "基本持平", **(words or {})}
        if _missing(value) or _missing(previous):
            return ""
        value, previous = float(value), float(previous)
        if unit == "%":
            diff = self.num(abs(value - previous), 1, sep=False)
            if float(diff) == 0:
                return w["flat"]
            return f"{w['up_points'] if value > previous else w['down_points']}{diff}{w['points']}"
        if previous == 0:
            return w["flat"] if value == 0 else ""
        rel = (value - previous) / abs(previous)
        shown = self.pct(abs(rel))
        if shown in ("0.0%", "0%"):
            return w["flat"]
        return f"{w['up'] if rel > 0 else w['down']}{shown}"

    def score(self, x) -> str:
        return self.num(x, 1)

    def rank(self, rank, of=None) -> str:
        if _missing(rank):
            return self.dash
        return f"第{int(rank)}位" if not of else f"第{int(rank)}位（共{int(of)}个）"


def round_text(x: float, decimals: int, sep: bool = True) -> str:
    """Round half up (四舍五入) on the decimal value as written, not on its binary double:
    72.25 -> "72.3", 0.125 -> "0.13"; "-0.0" is written "0"."""
    x = float(x)
    if not math.isfinite(x):
        return "—"
    d = Decimal(repr(x))
    # enough precision for any double (1e300 has 301 digits before the point)
    ctx = Context(prec=max(28, d.adjusted() + decimals + 3))
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=ctx)
    if q == 0:
        q = abs(q)
    return f"{q:,.{decimals}f}" if sep else f"{q:.{decimals}f}"


CN_DIGITS = "零一二三四五六七八九"
IDEOGRAPH_ZERO = "〇"   # the zero of digit-by-digit numbers (二〇二〇)


def chinese_numeral(n: int) -> str:
    """Any non-negative integer in Chinese counting numerals: 1 -> 一, 10 -> 十, 12 -> 十二,
    21 -> 二十一, 100 -> 一百, 101 -> 一百零一, 110 -> 一百一十, 1001 -> 一千零一,
    10000 -> 一万, 100000000 -> 一亿."""
    n = int(n)
    if n < 0:
        return "负" + chinese_numeral(-n)
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:       # 十, 十二: no leading 一 below twenty
        return "十" + (CN_DIGITS[n - 10] if n > 10 else "")
    groups = []      # groups of four digits, lowest first: 个, 万, 亿, 万亿 …
    while n:
        n, g = divmod(n, 10000)
        groups.append(g)
    units = ["", "万", "亿", "万亿", "亿亿"]
    out = ""
    zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            zero = bool(out)
            continue
        if out and (zero or g < 1000):
            out += "零"
        out += _four(g) + (units[i] if i < len(units) else "")
        zero = False
    return out[1:] if out.startswith("一十") else out   # 十万, not 一十万


def _four(g: int) -> str:
    """1..9999 as 一千零一, 一百一十, 二十 (within a larger number: 一十 is kept)."""
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, g = divmod(g, value)
        if d:
            if zero:
                out += "零"
                zero = False
            out += CN_DIGITS[d] + unit
        elif out:
            zero = True
    return out


def ideograph_digits(n: int) -> str:
    """Digit by digit, as Word's ideographDigital: 2020 -> 二〇二〇."""
    return "".join(IDEOGRAPH_ZERO if c == "0" else CN_DIGITS[int(c)] for c in str(n))


def chinese_counting(n: int) -> str:
    """Word's chineseCounting: 0 -> 〇, 12 -> 十二, 21 -> 二十一; from 100 on digit by digit."""
    return ideograph_digits(n) if n == 0 or n >= 100 else chinese_numeral(n)
