"""Province ranking rules: ranks from the printed scores (ties share a rank) and tiers by
the significance gap (reportkit/products/province/analyse.py)."""
from __future__ import annotations

import math

import pandas as pd

from reportkit.products.province.analyse import _rank, tiers


def test_equal_printed_scores_share_a_rank():
    df = pd.DataFrame({"group": ["g"] * 4, "score": [85.49, 85.46, 90.0, 70.0], "rankable": [True] * 4})
    assert list(_rank(df, ["group"])) == [2, 2, 1, 4]


def test_tiers_start_at_the_best_score_of_each_tier():
    scores = {"a": 92.9, "b": 91.8, "c": 80.0, "d": 79.4, "e": 60.0}
    assert tiers(scores, 13.4) == {"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}
    # the gap as printed: 92.9 - 79.5 = 13.4 is not "less than 13.4"
    assert tiers({"a": 92.9, "b": 79.5}, 13.36) == {"a": 1, "b": 2}
    assert tiers({"a": 1.0, "b": 0.5}, math.nan) == {"a": 1, "b": 2}
