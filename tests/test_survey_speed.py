"""The shortcuts of the million-row survey give exactly what the plain computations give:
the breakdowns counted at once (group_histograms), the open answers counted from the
reader's codes (SurveyResult.text_counts), the whole survey read by columns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reportkit.load import fastcsv, tables
from reportkit.load.project import open_project
from reportkit.score import survey as sv
from survey_factory import LIKERT, TEXT_Q, TOWNS, make_project, many


@pytest.mark.parametrize("sizes", [(2, 8, 41, 5, 2), (3, 1, 4), (7,), (1000, 1000), (1, 1)])
def test_breakdowns_counted_at_once_are_each_breakdowns_counts(sizes):
    rng = np.random.default_rng(len(sizes))
    n = 20_000
    codes = np.asfortranarray(rng.integers(0, 6, (n, 9)).astype(np.int8))
    groups = {f"g{i}": (rng.integers(0, G, n), G) for i, G in enumerate(sizes)}
    got = sv.group_histograms(codes, groups)
    assert list(got) == list(groups)
    for c, (g, G) in groups.items():
        want = sv.histogram(codes, g, G)
        assert got[c].dtype == want.dtype and got[c].shape == (G, 9, 6)
        assert np.array_equal(got[c], want)
        assert got[c].sum() == n * 9


def _answers(i: int) -> str:
    words = ["停车难", "  ", "公交太少，等车久", "路灯不亮", "", "停车难", "学位紧张 "]
    return words[i * 7 % len(words)] if i % 11 else f"第{i % 13}条意见：垃圾清运不及时"


def _result(root, fast: bool, monkeypatch):
    monkeypatch.setattr(tables, "BIG_TABLE", 0 if fast else 10 ** 12)
    if not fast:
        monkeypatch.setattr(fastcsv, "read_large", lambda *a: None)
    project, _ = open_project(root)
    result = sv.run_survey(project)
    monkeypatch.undo()
    return result


def test_a_survey_read_by_columns_scores_and_counts_as_read_whole(tmp_path, monkeypatch):
    rows = many(3000)
    for i, r in enumerate(rows):
        r[TEXT_Q] = _answers(i)
        if i % 97 == 0:
            r["respondent"] = rows[i // 2]["respondent"]          # duplicates
        if i % 89 == 0:
            r["town"] = "外星镇"                                   # no town
        if i % 83 == 0:
            r["duration_s"] = "12"                               # too fast
        if i % 7 == 0:
            r["occupation"] = "个体户"
    root = make_project(tmp_path / "p", rows, encoding="gb18030")
    fast, plain = _result(root, True, monkeypatch), _result(root, False, monkeypatch)

    counted = fast.text_counts()
    assert counted is not None                       # the reader kept the answers as codes
    vc = fast.texts().value_counts(sort=False)
    assert counted[0] == list(vc.index) and counted[1].tolist() == vc.tolist()
    assert "停车难" in counted[0] and "" not in counted[0] and "  " not in counted[0]
    assert plain.text_counts() is None               # no codes: concerns count texts()

    assert fast.summary == plain.summary
    assert fast.summary["rejected"][sv.REJECT_RULES[0]] > 0
    assert set(fast.summary["groups"]["town"]) == set(TOWNS)
    pd.testing.assert_frame_equal(fast.group_table, plain.group_table)
    pd.testing.assert_frame_equal(fast.question_table, plain.question_table)
    pd.testing.assert_frame_equal(fast.concerns.keywords, plain.concerns.keywords)
    pd.testing.assert_frame_equal(fast.concerns.themes, plain.concerns.themes)
    assert fast.concerns.answers == plain.concerns.answers == int(vc.sum())
    assert len(LIKERT) == len(fast.likert)


@pytest.mark.parametrize("odd", [None, "", "清溪镇 ", "x\ud800", b"a", 1, None])
def test_texts_hashed_by_arrow_get_the_codes_pandas_gives(odd):
    """factorize_texts of a long column: pyarrow's codes when every value is a str (the
    same numbers, in order of first appearance), pandas' otherwise (None, bytes, a number,
    a lone surrogate Arrow cannot hold)."""
    from reportkit.load import encoded

    rng = np.random.default_rng(3)
    pool = np.array(["甲", "", "乙 ", "𠀀", "A", "a"] + [f"h{i:05d}" for i in range(3000)], dtype=object)
    values = pool[rng.integers(0, len(pool), encoded.ARROW_ROWS + 10)]
    values[17] = odd if odd != "" else values[17]
    codes, uniques = encoded.factorize_texts(values)
    want_codes, want_uniques = pd.factorize(values, use_na_sentinel=False)
    assert codes.dtype == want_codes.dtype and np.array_equal(codes, want_codes)
    assert [type(u) for u in uniques] == [type(u) for u in want_uniques]
    assert [u for u in uniques if not pd.isna(u)] == [u for u in want_uniques if not pd.isna(u)]
    arrow = encoded._arrow_factorize(values, False)
    assert (arrow is not None) == (odd in ("", "清溪镇 "))
    if arrow is not None:
        assert arrow[1] is None and np.array_equal(arrow[0], want_codes)
