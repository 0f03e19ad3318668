"""Numbers written the Chinese way, by ONE rule for every product.

This module is the only place that decides how a number is printed: text,
tables, charts, alt text and sheets all go through `Formatter` (charts through
`reportkit.charts.style`, which calls it), so one value prints identically
wherever it appears.

The rule:
- rounding is 四舍五入 on the decimal value as written (`round_text`);
- counts are integers and never carry ".0" (`int`, `count`);
- a quantity's decimals: the unit's own from templates/theme.toml [numbers.decimals]
  when it lists the unit, else as few as its values need, at most 2 below 10,
  1 below 1,000 and none from 1,000 (`decimals_needed`);
- an indicator has ONE number of decimals for all its numbers (the city's value,
  its reference, previous value, peer and town values): the quantity's decimals,
  raised until the reference prints exactly (15.5, 0.25, 4.5), until neither the
  value nor the reference prints more than 5% off (3.6, not 4), and until the
  printed value and reference give the rating the unrounded ones gave (0.25 vs
  0.30 短板, never "0.3 vs 0.3 短板") (`indicator_decimals`), and until every town's
  value prints on its side of the city value (a tie as a tie) and short of the
  reference exactly when it is (never "0.10 vs 0.10 未达参照值", "7.3 vs 7.3 差于全市")
  (`keep_comparisons`), by one decimal at most: a difference finer than that is below
  the indicator's precision, and a town is then compared as printed (`shown`): equal
  to the city is 与全市持平, equal to the reference meets it (GB/T 8170 修约值比较);
- a share is its own exact share rounded half up, never nudged so that parts add up
  (`shares`); a table whose printed parts do not add up to its printed total says so
  in a note (`shares_add_up`), as statistical yearbooks do.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Context, Decimal

MAX_DECIMALS = 4          # an indicator never prints more
CLOSE_ENOUGH = 0.05       # a printed value or reference is at most 5% off


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


is_missing = _missing   # None, NaN, NA or not a number: the one test, for the other modules


def needed(x: float, cap: int) -> int:
    """The fewest decimals (at most `cap`) that write x exactly: 15.5 -> 1, 0.25 -> 2, 7 -> 0."""
    x = float(x)
    for d in range(cap + 1):
        if abs(float(round_text(x, d, False)) - x) <= 1e-9 * max(1.0, abs(x)):
            return d
    return cap


def magnitude_cap(top: float, small: int = 2) -> int:
    """Decimals worth showing at this size: none from 1,000, one from 10, else `small`."""
    top = abs(top)
    return 0 if top >= 1000 else 1 if top >= 10 else small


@dataclass(frozen=True)
class Formatter:
    decimals_by_unit: dict = field(default_factory=dict)
    default_decimals: int = 1
    dash: str = "—"
    warning_band: float = 0.10
    indicators: dict = field(default_factory=dict, compare=False)   # code -> decimals

    @classmethod
    def from_theme(cls, theme) -> "Formatter":
        n = theme.data.get("numbers", {})
        labels = theme.data.get("labels", {})
        return cls(dict(n.get("decimals", {})), int(n.get("default_decimals", 1)), labels.get("no_value", "—"))

    def for_scores(self, scores, warning_band: float | None = None) -> "Formatter":
        """This formatter with every indicator's decimals fixed from its scores (city
        value, reference, previous value, peers and towns), so that an indicator's
        numbers print the same in every table, text, chart and sheet."""
        band = self.warning_band if warning_band is None else float(warning_band)
        if scores is None:
            return replace(self, warning_band=band)
        others: dict[str, list] = {}
        for frame in (getattr(scores, "peers", None), getattr(scores, "towns", None)):
            if frame is not None and len(frame):
                for code, v in zip(frame["code"], frame["value"]):
                    others.setdefault(code, []).append(v)
        towns: dict[str, list] = {}
        frame = getattr(scores, "towns", None)
        if frame is not None and len(frame):
            for code, v in zip(frame["code"], frame["value"]):
                towns.setdefault(code, []).append(v)
        out = {}
        for r in scores.table.itertuples(index=False):
            extra = [r.previous_value, r.peer_median, *others.get(r.code, [])]
            d = self.indicator_decimals(r.value, r.reference, r.direction, r.unit, extra, band)
            out[r.code] = self.keep_comparisons(d, towns.get(r.code, ()), r.value, r.reference, r.direction, band)
        return replace(self, warning_band=band, indicators=out)

    # -- the decimals rule ------------------------------------------------------------
    def decimals_for(self, unit: str | None, value=None) -> int:
        """Decimals for one value on its own (not an indicator's: see `ind`): the unit's
        own when the theme lists it, else none for an integer, 2 below 10, else the default."""
        if unit and unit in self.decimals_by_unit:
            return int(self.decimals_by_unit[unit])
        if not _missing(value) and float(value).is_integer():
            return 0
        if not _missing(value) and abs(float(value)) < 10:
            return 2
        return self.default_decimals

    def decimals_needed(self, values: Iterable, unit: str | None = None, small: int = 2) -> int:
        """Decimals for a set of values of one quantity: the unit's own when the theme
        lists it, else as few as the values need within magnitude_cap of the largest."""
        if unit and unit in self.decimals_by_unit:
            return int(self.decimals_by_unit[unit])
        vals = [float(v) for v in values if not _missing(v)]
        if not vals:
            return 0
        cap = magnitude_cap(max(abs(v) for v in vals), small)
        return max(needed(v, cap) for v in vals)

    def indicator_decimals(self, value, reference, direction: str, unit: str | None,
                           others: Iterable = (), band: float | None = None) -> int:
        """One number of decimals for all numbers of one indicator (see the module docstring)."""
        from .score.indicators import rate

        band = self.warning_band if band is None else float(band)
        own = [v for v in [value, *others] if not _missing(v)]
        d = self.decimals_needed(own or [reference], unit)
        if not _missing(reference):
            rd = needed(float(reference), MAX_DECIMALS)
            if rd <= d + 1:
                d = max(d, rd)
        for x in (value, reference):
            if _missing(x) or float(x) == 0:
                continue
            x = float(x)
            while d < MAX_DECIMALS and abs(float(round_text(x, d, False)) - x) > CLOSE_ENOUGH * abs(x):
                d += 1
        if not _missing(value) and not _missing(reference) and direction in ("+", "-"):
            v, r = float(value), float(reference)
            want = rate(v, r, direction, band)
            while d < MAX_DECIMALS and rate(float(round_text(v, d, False)), float(round_text(r, d, False)),
                                            direction, band) != want:
                d += 1
        return d

    def keep_comparisons(self, d: int, values: Iterable, city=None, reference=None, direction: str = "",
                         band: float | None = None) -> int:
        """`d` raised by one decimal at most (and to MAX_DECIMALS at most) until each of
        `values` (the towns' values of one indicator, or their per capita values) prints on
        the same side of `city` as it is, a tie as a tie, and, with a reference, short of it
        (预警 or 短板 by the ONE rating rule) exactly when it is.  What is still hidden then
        is finer than the indicator's precision: compare the printed values (`shown`)."""
        from .score.indicators import rate
        from .vocab import GOOD

        band = self.warning_band if band is None else float(band)
        vals = [float(v) for v in values if not _missing(v)]
        if not vals or direction not in ("+", "-"):
            return d

        def shown(x: float, k: int) -> float:
            return float(round_text(x, k, False))

        def order(a: float, b: float) -> int:
            return 0 if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) else (1 if a > b else -1)

        def kept(k: int) -> bool:
            for v in vals:
                if not _missing(city) and order(shown(v, k), shown(float(city), k)) != order(v, float(city)):
                    return False
                if not _missing(reference):
                    r = float(reference)
                    if (rate(shown(v, k), shown(r, k), direction, band) == GOOD) != (rate(v, r, direction, band) == GOOD):
                        return False
            return True

        most = min(MAX_DECIMALS, d + 1)
        while d < most and not kept(d):
            d += 1
        return d

    def shown(self, code: str, x, unit: str | None = None) -> float:
        """The number of indicator `code` as printed (`ind`), as a float: what a town is
        compared with the city and the reference by (NaN when missing)."""
        if _missing(x):
            return math.nan
        return float(round_text(float(x), self.decimals_of(code, unit, x), False))

    def decimals_of(self, code: str, unit: str | None = None, value=None) -> int:
        """The indicator's decimals (give them to its chart specs), else the quantity's."""
        if code in self.indicators:
            return self.indicators[code]
        return self.decimals_for(unit, value)

    # -- writing numbers ----------------------------------------------------------------
    def num(self, x, decimals: int | None = None, unit: str | None = None, sep: bool = True) -> str:
        """12345.678 -> "12,345.7"; None/NaN -> "—"."""
        if _missing(x):
            return self.dash
        x = float(x)
        d = self.decimals_for(unit, x) if decimals is None else decimals
        return round_text(x, d, sep)

    def plain(self, x, max_decimals: int = 2) -> str:
        """A setting or threshold: as few decimals as it needs ("10", "7.5")."""
        if _missing(x):
            return self.dash
        return round_text(float(x), needed(float(x), max_decimals))

    def value(self, x, unit: str | None) -> str:
        """A value of no particular indicator, decimals chosen by its unit."""
        return self.num(x, unit=unit)

    def like(self, x, value, unit: str | None, direction: str | None = None) -> str:
        """`x` (a reference, a target) written with the decimals of the pair (value, x) by the
        indicator rule (`indicator_decimals`), for values of no current indicator (last
        year's, an assessment's); with `direction`, their rating is kept as printed too."""
        if _missing(x):
            return self.dash
        return self.num(x, self.indicator_decimals(value, x, direction or "", unit))

    def ind(self, code: str, x, unit: str | None = None) -> str:
        """A number of indicator `code`: its value, reference, a peer's or a town's value."""
        if _missing(x):
            return self.dash
        return self.num(x, self.decimals_of(code, unit, x))

    def ind_unit(self, code: str, x, unit: str | None) -> str:
        if _missing(x):
            return self.dash
        v = self.ind(code, x, unit)
        return f"{v}{unit}" if unit else v

    def with_unit(self, x, unit: str | None) -> str:
        if _missing(x):
            return self.dash
        v = self.value(x, unit)
        return f"{v}{unit}" if unit else v

    def int(self, n) -> str:
        """A count: 12345 -> "12,345", never "12,345.0"."""
        return self.num(n, 0)

    count = int

    def pct(self, ratio, decimals: int = 1) -> str:
        """0.908 -> "90.8%"."""
        if _missing(ratio):
            return self.dash
        return f"{round_text(float(ratio) * 100, decimals, False)}%"

    def shares(self, counts: Iterable, decimals: int = 1) -> list[str]:
        """Shares of one whole (e.g. the valid questionnaires and each rejection rule of
        the collected ones), each its exact share rounded half up (300 of 87,000 is
        "0.3%", not bumped to "0.4%" so that the parts add up).  The whole is the sum of
        `counts`."""
        counts = [0.0 if _missing(c) else float(c) for c in counts]
        total = sum(counts)
        if total <= 0:
            return [self.dash for _ in counts]
        whole = _exact(total)
        q = Decimal(1).scaleb(-decimals)
        return [f"{(_exact(c) * 100 / whole).quantize(q, rounding=ROUND_HALF_UP)}%" for c in counts]

    def share(self, part, whole, decimals: int = 1) -> str:
        """One share of a whole, rounded as `shares` rounds it."""
        if _missing(part) or _missing(whole) or float(whole) <= 0:
            return self.dash
        return self.shares([part, float(whole) - float(part)], decimals)[0]

    def percent_sum(self, shares: Iterable[str]) -> str:
        """The sum of printed shares."""
        total = sum(Decimal(s.rstrip("%")) for s in shares if s != self.dash)
        return f"{total}%"

    def shares_add_up(self, parts: Iterable[str], total: str) -> bool:
        """Whether printed shares add up to the printed share of their total (with
        shares rounded one by one they may not: 0.3% + 0.3% + 0.3% of a 1.0% total)."""
        parts = [s for s in parts if s != self.dash]
        return total == self.dash or not parts or self.percent_sum(parts) == total

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


def _exact(x: float) -> Decimal:
    """A count or a quantity as the decimal it was written as."""
    x = float(x)
    return Decimal(int(x)) if x.is_integer() else Decimal(repr(x))


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


def document_date(text: str, year: int) -> str:
    """The ISO date of a publication date as a cover writes it ("2025年3月", "2025年3月31日",
    "2025-03"), its first day when the day (or month) is not given; when it gives no year in
    digits (二〇二五年), 1 January of the year after the checkup `year`, when reports appear."""
    import datetime as dt
    import re

    m = re.search(r"(\d{4})(?:\D{1,2}(\d{1,2}))?(?:\D{1,2}(\d{1,2}))?", text or "")
    if not m:
        return dt.date(year + 1, 1, 1).isoformat()
    y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return dt.date(y, 1, 1).isoformat() if 1 <= y <= 9999 else dt.date(year + 1, 1, 1).isoformat()
