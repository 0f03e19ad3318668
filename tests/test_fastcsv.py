"""The columnar paths for large tables (load/fastcsv.py, load/csvwrite.py) give exactly
what the general paths give: the same frame, the same problems, the same CSV bytes.

The size threshold is lowered so that small files take the fast path."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from reportkit.errors import Problems
from reportkit.load import fastcsv, tables
from reportkit.load.csvwrite import columns_csv

HEADER = "response_id,submitted_at,town,Q01,Q02,备注"
ROWS = [
    "R1,2020-07-01 08:00:06,清溪镇,4,5,主要是停车难，其次是租金",
    "R2,2020-07-01 08:00:07,  清溪镇,3,,　全角空格　",
    "R3,2020-07-01 08:00:08,石龙镇\t,,1,'=HYPERLINK(1)",
    "R4,2020-07-01 08:00:09,石龙镇,5,2,-3.5",
    "R5,,城区,5,2,𠀀 四字节字",
]


def read(tmp_path, body: bytes, fast: bool, monkeypatch):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "survey.csv").write_bytes(body)
    monkeypatch.setattr(tables, "BIG_TABLE", 0)
    if not fast:
        monkeypatch.setattr(fastcsv, "read_large", lambda *a: None)
    problems = Problems()
    t = tables.read_table(tmp_path, "survey", problems)
    monkeypatch.undo()
    return t, [str(p) for p in problems.errors + problems.warnings]


def both(tmp_path, body: bytes, monkeypatch):
    f, fp = read(tmp_path, body, True, monkeypatch)
    s, sp = read(tmp_path, body, False, monkeypatch)
    assert fp == sp
    assert (f is None) == (s is None)
    if f is not None:
        assert f.encoding == s.encoding
        assert list(f.df.columns) == list(s.df.columns)
        assert list(f.df.dtypes) == list(s.df.dtypes)
        pd.testing.assert_frame_equal(f.df, s.df)
        assert (f.rows is None and s.rows is None) or list(f.rows) == list(s.rows)
    return f, fp


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_a_plain_export_reads_the_same_by_columns(tmp_path, monkeypatch, encoding, newline):
    body = (newline.join([HEADER, *ROWS]) + newline).encode(encoding)
    t, problems = both(tmp_path, body, monkeypatch)
    assert problems == []
    assert t.df["town"].tolist() == ["清溪镇", "清溪镇", "石龙镇", "石龙镇", "城区"]   # padded cells trimmed
    assert t.df["备注"].iloc[1] == "全角空格"
    assert t.df["备注"].iloc[2] == "=HYPERLINK(1)"    # csv_text's quote removed on reading
    assert t.df["备注"].iloc[4] == "𠀀 四字节字"
    assert t.df["Q02"].iloc[1] == "" and t.df.dtypes.iloc[0] == object


def test_the_fast_path_is_taken(tmp_path, monkeypatch):
    body = ("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("gb18030")
    (tmp_path / "survey.csv").write_bytes(body)
    got = fastcsv.read_large(tmp_path / "survey.csv", "data/survey.csv", tmp_path, "survey")
    assert got is not None
    df, enc, padded, restore = got
    assert enc == "gb18030" and len(df) == len(ROWS) and restore
    assert padded == {2, 5}        # town and 备注 have padded cells


@pytest.mark.parametrize("body", [
    # what the general path must read (and report): quotes, blank rows, short and long rows,
    # a lone CR, duplicate or empty header names, a tab separated export, bytes of no encoding
    b'a,b\n"x,1",2\n',
    b"a,b\n1,2\n\n3,4\n",
    b"a,b\n1,2\n\n",
    b"a,b\n1,2\r\n\r\n",
    b"a,b\n\n1,2\n",
    b"a,b,c\n1,2,3\n\n\n4,5,6",
    b"a,b\n1,2\r\n\r\n3,4\r\n",
    b"a,b,c\n1,2\n3,4,5\n",
    b"a,b\n1,2,3\n4,5\n",
    b"a,a\n1,2\n",
    b"a,,c\n1,2,3\n",
    b"a\tb\n1\t2\n",
    b"a,b\n1,\x81\n",
    b"a,b\n1,\xff\xfe\n",
    b"a,b\n1,x\x00y\n",
    b"a,b\n1,2",
    b"a,b\n",
    b"a\n1\n\n2\n",
    b" a , b \n 1 ,2\n",
])
def test_other_files_read_as_before(tmp_path, monkeypatch, body):
    both(tmp_path, body, monkeypatch)


@pytest.mark.parametrize("body", [b"a,b\n1,2\r3,4\n5,6\n", b"a\n1\r2\n", b"a\n1\r\r\n2\n"])
def test_a_lone_carriage_return_is_left_to_the_general_path(tmp_path, body):
    (tmp_path / "survey.csv").write_bytes(body)
    assert fastcsv.read_large(tmp_path / "survey.csv", "data/survey.csv", tmp_path, "survey") is None


def test_an_undecodable_cell_is_reported_as_before(tmp_path, monkeypatch):
    body = ("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("gb18030") + b"R6,x,\x81\x20,1,2,3\r\n"
    t, problems = both(tmp_path, body, monkeypatch)
    assert t is None and problems


def _pandas_csv(names, columns) -> bytes:
    buf = io.BytesIO()
    pd.DataFrame({n: pd.Series(np.asarray(c, dtype=object), dtype=object) for n, c in zip(names, columns)}).to_csv(
        buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, encoding="utf-8-sig")
    return buf.getvalue()


def test_columns_csv_writes_what_pandas_writes_with_formulas_neutralised():
    from reportkit.safety.cells import csv_text

    rng = np.random.default_rng(3)
    texts = np.array(["", "平常", "a,b", 'say "hi"', "line\nbreak", "=1+2", "+x", "-3.5", "@home", "\tTab",
                      "\rCR", "-", "x\n=y", "全角，逗号"], dtype=object)
    n = 250_001          # more than one chunk
    a = texts[rng.integers(0, len(texts), n)]
    ids = np.array([f"R{i}" for i in range(n)], dtype=object)
    codes = rng.integers(0, 6, n)
    likert = pd.Categorical.from_codes(codes, ["", "1", "2", "3", "4", "5"])
    got = columns_csv(["id", "=q", "Q01"], [ids, a, likert], plain={2})
    want = _pandas_csv(["id", csv_text("=q"), "Q01"],
                       [ids, np.array([csv_text(v) for v in a], dtype=object), np.asarray(likert, dtype=object)])
    assert got == want
    assert b",'=1+2," in got


def test_columns_csv_writes_neighbouring_categoricals_as_pandas_does():
    """Neighbouring Categoricals are joined as one column of combined fields while their
    combinations stay few (csvwrite._merged): the bytes do not change."""
    from reportkit.load import csvwrite
    from reportkit.safety.cells import csv_text

    rng = np.random.default_rng(5)
    n = 120_000
    texts = ["", "城区", "a,b", 'q"t', "=SUM(1)", "-", "x\ny"] + [f"t{i}" for i in range(200)]
    likert = ["", "1", "2", "3", "4", "5"]
    cats = [likert] * 5 + [texts, likert, likert, [f"v{i}" for i in range(3000)], likert]
    columns, want = [np.array([f"R{i}" for i in range(n)], dtype=object)], []
    for c in cats:
        columns.append(pd.Categorical.from_codes(rng.integers(0, len(c), n), c))
    columns.insert(8, texts_col := np.array(texts, dtype=object)[rng.integers(0, len(texts), n)])
    names = [f"c{i}" for i in range(len(columns))]
    plain = {i for i, c in enumerate(columns) if isinstance(c, pd.Categorical) and len(c.categories) == 6}
    got = columns_csv(names, columns, plain)
    for c in columns:
        v = np.asarray(c, dtype=object)
        want.append(np.array([csv_text(x) for x in v], dtype=object))
    assert got == _pandas_csv(names, want)
    merged = csvwrite._merged([(c.codes, list(c.categories)) if isinstance(c, pd.Categorical) else (None, c)
                               for c in columns])
    assert len(merged) < len(columns) and all(c is None or len(f) <= csvwrite.COMBINED for c, f in merged)
    assert len(texts_col) == n


def test_columns_csv_leaves_a_table_with_other_cells_to_pandas():
    assert columns_csv(["a", "b"], [np.array(["x", None], dtype=object), np.array(["1", "2"], dtype=object)]) is None
    assert columns_csv(["a"], [np.array(["x"], dtype=object)]) is None


def _random_export(rng, rows: int, pad: float) -> str:
    edge = [" ", "\t", "\u3000", "  ", " \u3000"]
    words = ["清溪镇", "石龙镇", "a b", "x", "", "5", "全角"]
    lines = [" id ,town,Q01,\u3000备注,plain"]
    for i in range(rows):
        cells = [f"R{i:07d}" + (" " if rng.random() < pad / 50 else "")]     # an id column, mostly distinct
        for _ in range(3):
            w = words[rng.integers(len(words))]
            if rng.random() < pad:
                w = edge[rng.integers(len(edge))] + w
            if rng.random() < pad:
                w = w + edge[rng.integers(len(edge))]
            cells.append(w)
        cells.append(words[rng.integers(len(words))].strip() or "y")
        lines.append(",".join(cells))
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
@pytest.mark.parametrize("rows,pad", [(60_000, 0.0), (60_000, 0.01), (60_000, 0.5)])
def test_padded_columns_are_those_the_bytes_show(tmp_path, encoding, rows, pad):
    """The columns to trim, found on the distinct cells of the parsed columns, are the
    ones tables._padded_columns finds in the file's bytes (all of them past 100,000
    padded places); rows enough for the id column to be read undictionaried."""
    rng = np.random.default_rng(rows + int(pad * 100))
    data = _random_export(rng, rows, pad).encode(encoding)
    assert len(data) > fastcsv._SAMPLE
    (tmp_path / "survey.csv").write_bytes(data)
    got = fastcsv.read_large(tmp_path / "survey.csv", "data/survey.csv", tmp_path, "survey")
    assert got is not None
    expected = tables._padded_columns(data, b",", 5, tables.fastcsv_ideo(encoding))
    assert got[2] == expected
    if pad == 0.5:
        assert expected is None
    elif pad:
        assert expected == {0, 1, 2, 3}
