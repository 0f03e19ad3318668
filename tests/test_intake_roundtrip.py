"""The demo's filing round, end to end: templates for all 62 filers, filled as the
filers would (with mistakes), collected, returned, corrected, written back — and
the scores built from the filed values equal those built from the demo's values."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from reportkit.cli import main
from reportkit.load.project import open_project
from reportkit.products.intake.plan import make_plan

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("indicators", "areas", "values", "departments", "recommendations")


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(path.read_bytes().decode("utf-8-sig")), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    """The demo without any value a filer files: what the team has before the round."""
    root = tmp_path_factory.mktemp("round") / "project"
    shutil.copytree(ROOT / "content", root, ignore=shutil.ignore_patterns("survey.csv", "narratives"))
    project, _ = open_project(root, tables=TABLES)
    keys = set(make_plan(project).by_key)
    path = root / "data" / "values.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    kept = [r for r in rows if (r["code"], r["area"], int(r["year"])) not in keys]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(kept)
    assert len(kept) < len(rows) - 1500
    return root


def fill(templates: Path, out: Path, rnd: int):
    subprocess.run([sys.executable, str(ROOT / "content" / "tools" / "fill_intake.py"), str(templates), str(out),
                    "--truth", str(ROOT / "content"), "--round", str(rnd)], check=True, capture_output=True)


def test_filing_round_trip(blank, tmp_path):
    out = tmp_path / "out"
    run("intake", "template", "--project", blank, "--out", out)
    index = read_csv(out / "intake" / "index.csv")
    assert len(index) == 62                                   # 28 departments + 34 town governments
    assert {"guancheng", "songshanhu", "zrzyj", "tjj"} <= set(index["filer"])

    returned = tmp_path / "returned"
    fill(out / "intake", returned, 1)
    run("intake", "collect", returned, "--project", blank, "--out", out, "--date", "2020-09-21")
    problems = read_csv(out / "intake" / "problems.csv")
    status = read_csv(out / "intake" / "status.csv").set_index("filer")
    errors = problems[problems["level"] == "error"]
    by = {(r.filer, r.rule): r for r in errors.itertuples()}
    assert by[("tjj", "not_number")].cell == "F2" and by[("tjj", "not_number")].value.startswith("约")
    assert by[("jyj", "edited")].cell == "A2"
    slip = problems[(problems["rule"] == "unit_slip") & (problems["filer"] == "zrzyj")]
    assert len(slip) == 1 and slip.iloc[0]["cell"].startswith("F")
    assert status.loc["tjj", "status"] == "需退回" and status.loc["jyj", "status"] == "需退回"
    swj = status.loc["swj"]
    assert int(swj["filled"]) < int(swj["items"])          # the value left empty
    assert (out / "intake" / "returns" / "tjj.pdf").is_file() and (out / "intake" / "returns" / "jyj.xlsx").is_file()
    assert not (out / "intake" / "returns" / "guancheng.pdf").exists()

    # the corrected workbooks come back later; the newer return counts, the older is reported
    fill(out / "intake", returned, 2)
    run("intake", "collect", returned, "--project", blank, "--out", out, "--write", "--date", "2020-09-26")
    problems = read_csv(out / "intake" / "problems.csv")
    assert not (problems["level"] == "error").any(), problems[problems["level"] == "error"]
    superseded = problems[problems["rule"] == "superseded"]
    assert set(superseded["file"].map(lambda f: Path(f).name)) == {"tjj.xlsx", "zrzyj.xlsx", "swj.xlsx", "jyj.xlsx"}
    status = read_csv(out / "intake" / "status.csv")
    assert set(status["status"]) <= {"已报送", "已通过"}

    run("intake", "status", returned, "--project", blank, "--out", out, "--date", "2020-09-26")
    assert (out / "intake" / "bulletin.png").is_file()

    # the scores from the filed values equal the demo's
    run("score", "--project", blank, "--out", tmp_path / "filed")
    run("score", "--project", ROOT / "content", "--out", tmp_path / "demo")
    for name in ("scores.csv", "towns.csv", "dimensions.csv"):
        a = (tmp_path / "filed" / name).read_bytes()
        b = (tmp_path / "demo" / name).read_bytes()
        assert a == b, name
    values = read_csv(blank / "data" / "values.csv")
    filed = values[values["source"].isin(set(index["filer"]))]
    assert len(filed) > 1500 and "guancheng" in set(filed["source"])
