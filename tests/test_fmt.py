"""The one number rule (reportkit/fmt.py): input -> printed string."""
from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pytest

from reportkit.fmt import Formatter, needed, round_text

THEME_UNITS = {"%": 1, "平方米/人": 1, "分钟": 0, "个": 0}
F = Formatter(THEME_UNITS)


@pytest.mark.parametrize("x, d, text", [
    (72.25, 1, "72.3"), (0.125, 2, "0.13"), (-0.04, 1, "0.0"), (2.5, 0, "3"), (1234567.891, 1, "1,234,567.9"),
])
def test_round_half_up_as_written(x, d, text):
    assert round_text(x, d) == text


@pytest.mark.parametrize("values, unit, expected", [
    ([1, 2, 3], None, 0), ([1.5, 2.25], None, 2), ([12.34, 15.2], None, 1), ([1234.5, 10], None, 0),
    ([0.123456], None, 2), ([None], None, 0), ([3.6], "分钟", 0), ([15.5], None, 1), ([20.0, 11850.0], "亩", 0),
])
def test_decimals_of_a_quantity(values, unit, expected):
    assert F.decimals_needed(values, unit) == expected


@pytest.mark.parametrize("n, text", [(12, "12"), (12.0, "12"), (87000.0, "87,000"), (None, "—"), (3, "3")])
def test_counts_never_print_point_zero(n, text):
    assert F.int(n) == text and F.count(n) == text


@pytest.mark.parametrize("value, reference, direction, unit, printed", [
    # the cases: the printed pair shows the comparison the rating made
    (0.25, 0.3, "+", "个/平方公里", ("0.25", "0.30")),       # never "0.3 vs 0.3 短板"
    (3.6, 4.5, "+", "分钟", ("3.6", "4.5")),                 # never "4 vs 5"
    (15.8, 15.5, "+", None, ("15.8", "15.5")),               # a peer median 15.5, not 16
    (16.0, 15.5, "+", None, ("16.0", "15.5")),
    (90.96, 91.0, "+", "%", ("90.96", "91.00")),             # 91.0 vs 91.0 would read 良好
    (81.88, 91.0, "+", "%", ("81.88", "91.00")),             # below the warning edge 81.9: 短板
    (81.95, 91.0, "+", "%", ("82.0", "91.0")),               # above it: 预警 either way
    (347.0, 320.0, "-", None, ("347", "320")),
    (38.62, 50.0, "+", "%", ("38.6", "50.0")),
    (11850.0, 10000.0, "+", "亩", ("11,850", "10,000")),
    (2.0, 3.0, "-", "个", ("2", "3")),
])
def test_indicator_value_and_reference(value, reference, direction, unit, printed):
    from reportkit.score.indicators import rate

    d = F.indicator_decimals(value, reference, direction, unit)
    v, r = round_text(value, d), round_text(reference, d)
    assert (v, r) == printed
    as_printed = rate(float(v.replace(",", "")), float(r.replace(",", "")), direction, 0.10)
    assert as_printed == rate(value, reference, direction, 0.10)


def test_one_indicator_prints_identically_everywhere():
    """The formatter fixed from the scores gives one decimals per indicator, used by tables,
    text (narratives), charts (spec decimals) and sheets alike."""
    table = pd.DataFrame([
        {"code": "A", "unit": "分钟", "direction": "+", "value": 3.6, "reference": 4.5, "previous_value": 3.2,
         "peer_median": 4.5},
        {"code": "B", "unit": "平方米/人", "direction": "+", "value": 16.0, "reference": 15.5,
         "previous_value": math.nan, "peer_median": 15.5},
    ])
    peers = pd.DataFrame({"code": ["B", "B"], "area": ["p1", "p2"], "value": [15.0, 16.0]})
    towns = pd.DataFrame({"code": ["A"], "area": ["t"], "value": [2.0]})
    scores = type("S", (), {"table": table, "peers": peers, "towns": towns})()
    f = F.for_scores(scores, 0.10)
    assert f.decimals_of("A") == 1 and f.decimals_of("B") == 1
    assert [f.ind("A", x, "分钟") for x in (3.6, 4.5, 3.2, 2.0)] == ["3.6", "4.5", "3.2", "2.0"]
    assert f.ind("B", 15.5) == "15.5" and f.ind_unit("B", 16, "平方米/人") == "16.0平方米/人"

    from reportkit.charts import style
    from reportkit.charts.base import ChartSpec

    spec = ChartSpec("peers", "x", {"decimals": f.decimals_of("B")})
    assert style.fmt(15.5, style.spec_decimals(spec, [15.5])) == f.ind("B", 15.5)


@pytest.mark.parametrize("counts", [
    [74_200, 2_600, 2_900, 300, 1_500, 600, 100], [1, 1, 1], [2, 1], [853, 147], [0, 5], [7, 0, 0],
    [33, 33, 34], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [10_000, 1],
])
def test_each_share_is_its_exact_share_rounded(counts):
    shares = F.shares(counts)
    for s, c in zip(shares, counts):     # half up on the exact share, never nudged
        exact = Decimal(c) * 100 / Decimal(sum(counts))
        assert Decimal(s.rstrip("%")) == exact.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


def test_a_small_part_is_not_bumped_so_that_parts_add_up():
    # 300 of 87,000 is 0.34%: "0.3%", although the parts then add up to 99.9%
    counts = [79_000, 2_600, 2_900, 300, 1_500, 600, 100]
    shares = F.shares(counts)
    assert shares[3] == "0.3%" and shares[0] == "90.8%"
    assert F.share(8_000, 87_000) == "9.2%"
    assert not F.shares_add_up(shares[1:], F.share(8_000, 87_000))      # 9.1% vs 9.2%
    assert F.shares_add_up(["90.8%", "9.2%"], F.share(87_000, 87_000))


def test_valid_rate_is_the_same_in_text_table_and_chart():
    from reportkit.charts import ChartSpec, alt_text
    from reportkit.charts import survey  # noqa: F401

    valid, rules = 8_527, [700, 300, 200, 173, 100]      # 85.27% -> 85.3%
    shares = F.shares([valid, *rules])
    spec = ChartSpec("screening", "s", {"collected": valid + sum(rules), "valid": valid,
                                         "rules": list("ABCDE"), "counts": rules})
    assert f"（{shares[0]}）" in alt_text(spec) and shares[0] == "85.3%"
    assert F.percent_sum(shares[1:]) == "14.7%"


@pytest.mark.parametrize("x, text", [(10.0, "10"), (7.5, "7.5"), (0.125, "0.13"), (None, "—")])
def test_plain_settings(x, text):
    assert F.plain(x) == text


def test_needed():
    assert needed(15.5, 4) == 1 and needed(0.25, 4) == 2 and needed(7.0, 4) == 0 and needed(1 / 3, 2) == 2
