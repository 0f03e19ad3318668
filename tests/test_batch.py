"""Batch builds of a province: province.toml checks, the process pool (skips, crashes,
all-or-nothing outputs) and a real Dask cluster (a scheduler and two workers on
127.0.0.1, one of them killed mid-batch), byte-identical outputs either way."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportkit.batch import run_batch
from reportkit.batch.city import FAILED, OK, CityResult
from reportkit.batch.engine import DaskEngine, ProcessEngine
from reportkit.batch.store import MARKER, STAGING
from reportkit.cli import main
from reportkit.load.province import load_province

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
BIN = Path(sys.executable).parent


# --- a province of tiny cities ---------------------------------------------------------
def tiny_city(dst: Path, name: str, *, gaps: tuple[str, ...] = (), broken: bool = False) -> Path:
    """The mini project renamed to `name`, cut to what a fast build needs: one town, one
    recommendation, no key indicators.  `gaps`: indicator codes without a 2020 value;
    `broken`: a value typed as text (the city's validation fails)."""
    shutil.copytree(MINI, dst)
    for path in dst.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".toml", ".md"):
            path.write_text(path.read_text(encoding="utf-8").replace("甲市", name), encoding="utf-8")

    def rewrite(rel, keep=lambda r: True, change=lambda r: r):
        p = dst / rel
        rows = list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8"))))
        buf = io.StringIO()
        w = csv.DictWriter(buf, list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        for r in rows:
            if keep(r):
                w.writerow(change(r))
        p.write_text(buf.getvalue(), encoding="utf-8")

    towns = {"乙镇", "丙街道"}
    rewrite("data/areas.csv", keep=lambda r: r["area"] not in towns)
    rewrite("data/values.csv", keep=lambda r: r["area"] not in towns
            and not (r["code"] in gaps and r["area"] == name and r["year"] == "2020"))
    rewrite("data/indicators.csv", change=lambda r: {**r, "key": ""})
    rewrite("data/recommendations.csv", keep=lambda r: r["id"] == "R03")
    rewrite("data/tracking.csv", keep=lambda r: r["id"] == "R03")
    rewrite("data/survey.csv", change=lambda r: {**r, "town": "甲镇"})
    eco = dst / "narratives" / "10-eco.md"
    eco.write_text(eco.read_text(encoding="utf-8").replace("，见{{ figure('trend/EC-01') }}", ""), encoding="utf-8")
    if broken:
        v = dst / "data" / "values.csv"
        v.write_text(v.read_text(encoding="utf-8").replace(f"EC-02,{name},2020,75", f"EC-02,{name},2020,约75"),
                     encoding="utf-8")
    return dst


CITIES = [("wu", "戊市"), ("ji", "己市"), ("geng", "庚市")]


def make_province(root: Path) -> Path:
    root.mkdir(parents=True)
    tiny_city(root / "cities" / "wu", "戊市")
    tiny_city(root / "cities" / "ji", "己市", gaps=("EC-03", "TR-03"))   # 2 of 6 without data: no rank
    tiny_city(root / "cities" / "geng", "庚市", broken=True)
    (root / "province.toml").write_text(
        'name = "某省"\nyear = 2020\ntitle = "某省2020年城市体检工作汇总报告"\norganisation = "某省住房和城乡建设厅"\n'
        'demo = true\ncities = ["cities/wu", "cities/ji", "cities/geng"]\n\n'
        '[groups]\n"一组" = ["戊市", "己市"]\n"二组" = ["庚市"]\n\n'
        '[regions]\n"东部" = ["戊市"]\n"西部" = ["己市", "庚市"]\n', encoding="utf-8")
    (root / "narratives").mkdir()
    (root / "narratives" / "00-province.md").write_text(
        "---\ntitle: 工作开展情况\nsection: province\n---\n"
        "{{ year }}年全省{{ counts.cities }}个城市开展体检，{{ counts.built }}个纳入汇总，"
        "共性问题为{{ common_problems }}（见{{ table('common-problems') }}）。\n", encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def batch_rows(out: Path) -> dict[str, dict]:
    text = (out / "batch.csv").read_bytes().decode("utf-8-sig")
    return {r["city"]: r for r in csv.DictReader(io.StringIO(text))}


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    """The tiny province built once on a two-process pool."""
    base = tmp_path_factory.mktemp("province")
    province_dir = make_province(base / "province")
    out = base / "out"
    province, _ = load_province(province_dir)
    seen = []
    result = run_batch(province, out, workers=2, progress=seen.append)
    return province_dir, out, result, seen


# --- province.toml ---------------------------------------------------------------------
def _invoke(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.mark.parametrize("toml, expected", [
    ('name = "某省"\nyear = 2020\ntitle = "t"\norganisation = "o"\n', "缺少必需的设置项“cities”"),
    ('name = "某省"\nyear = 2020\ntitle = "t"\norganisation = "o"\ncities = ["cities/wu", "nowhere"]\n',
     "设置项 cities[2]：城市项目文件夹不存在"),
    ('name = "某省"\nyear = 2020\ntitle = "t"\norganisation = "o"\ncities = ["cities/wu", "cities/./wu"]\n',
     "设置项 cities[2]：与 cities/wu 是同一个城市项目文件夹"),
    ('name = "某省"\nyear = 2020\ntitle = "t"\norganisation = "o"\ncities = ["cities/wu", "cities/wu2"]\n',
     "城市“戊市”已由 cities/wu 列出"),
    ('name = "某省"\nyear = 2020\ntitle = "t"\norganisation = "o"\ncities = ["cities/wu"]\n'
     '[groups]\n"一组" = ["戊市", "辛市"]\n', "设置项 groups.一组：“groups.一组”中的“辛市”不是 cities 所列的城市"),
    ('name = "某省"\nyear = 2020\ntitle = "t"\norganisation = "o"\ncities = ["cities/wu"]\n'
     '[groups]\n"一组" = ["戊市"]\n"二组" = ["戊市"]\n', "同时属于分组“一组”和“二组”"),
    ('name = "某省"\nyear = 2020\ntitle = "t"\norganisation = "o"\ncities = ["cities/wu"]\n[groups]\n一组 = ["戊市"]\n',
     "第 7 行：TOML 语法错误"),
])
def test_province_toml_is_checked_before_anything_is_built(tmp_path, toml, expected):
    tiny_city(tmp_path / "cities" / "wu", "戊市")
    tiny_city(tmp_path / "cities" / "wu2", "戊市")
    (tmp_path / "province.toml").write_text(toml, encoding="utf-8")
    r = _invoke(["batch", "--province", str(tmp_path), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2, r.output
    assert "province.toml" in r.output and expected in r.output, r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "out" / "cities").exists()
    if "TOML" in expected:
        assert '用中文名称作键时要加英文引号' in r.output


def test_missing_province_folder_is_a_user_error(tmp_path):
    r = _invoke(["province", "--province", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2 and "省级汇总目录不存在" in r.output


# --- the process pool --------------------------------------------------------------------
def test_batch_builds_every_city_and_reports_the_broken_one(pooled):
    province_dir, out, result, seen = pooled
    rows = batch_rows(out)
    assert list(rows) == ["戊市", "己市", "庚市"]                      # province.toml order
    assert [rows[c]["status"] for c in rows] == ["ok", "ok", "failed"]
    assert sorted(r.city for r in seen) == ["己市", "庚市", "戊市"]       # progress once per city
    bad = rows["庚市"]
    assert bad["errors"] == "1" and "data/values.csv" in bad["message"] and "列 value" in bad["message"]
    assert rows["庚市"]["project"] == "cities/geng"
    for city in ("戊市", "己市"):
        files = tree(out / "cities" / city)
        for rel in ("report.pdf", "report.docx", "scores.csv", "scores.xlsx", "dimensions.csv",
                    "survey/summary.json", "sheets/index.csv", "tracking/sw.xlsx", "promo/cover.png"):
            assert rel in files, rel
        assert files["report.pdf"].startswith(b"%PDF") and files["report.docx"][:2] == b"PK"
        marker = json.loads(files[MARKER])
        assert marker["city"] == city and len(marker["hash"]) == 64
        assert not any(rel.startswith((".cache", ".reportkit-commit")) for rel in files)
        assert float(rows[city]["seconds"]) > 0
    assert not (out / "cities" / "庚市").exists()          # nothing at all for the failed city
    assert not (out / "cities" / STAGING).exists()
    assert result.cpu > 0 and len(result.built) == 2 and len(result.failed) == 1


def test_a_rerun_rebuilds_only_the_city_that_changed(pooled, tmp_path):
    province_dir, out, _, _ = pooled
    shutil.copytree(province_dir, tmp_path / "province")
    shutil.copytree(out, tmp_path / "out")
    province, _ = load_province(tmp_path / "province")
    before = tree(tmp_path / "out" / "cities" / "戊市")
    again = run_batch(province, tmp_path / "out", workers=2)
    assert [r.skipped for r in again.results] == [True, True, False]   # unchanged: skipped; failed: retried
    assert again.results[2].status == FAILED
    assert tree(tmp_path / "out" / "cities" / "戊市") == before
    # the city fixes its data: only it is built
    v = tmp_path / "province" / "cities" / "geng" / "data" / "values.csv"
    v.write_text(v.read_text(encoding="utf-8").replace(",约75", ",75"), encoding="utf-8")
    fixed = run_batch(province, tmp_path / "out", workers=2)
    assert [(r.status, r.skipped) for r in fixed.results] == [(OK, True), (OK, True), (OK, False)]
    assert batch_rows(tmp_path / "out")["庚市"]["status"] == "ok"
    assert (tmp_path / "out" / "cities" / "庚市" / "report.pdf").is_file()


def _crash_for_ji(city: str, project: str) -> CityResult:
    """A build whose worker process dies on one city (as under the OOM killer)."""
    if city == "己市":
        os._exit(9)
    return CityResult(city, OK, seconds=0.01, files={"note.txt": city.encode("utf-8")})


def test_a_worker_that_dies_loses_only_its_city(tmp_path):
    root = tmp_path / "p"
    for folder, name in CITIES:
        (root / "cities" / folder).mkdir(parents=True)
        (root / "cities" / folder / "project.toml").write_text(f'city = "{name}"\n', encoding="utf-8")
    (root / "province.toml").write_text('name = "某省"\nyear = 2020\ntitle = "t"\norganisation = "o"\n'
                                        'cities = ["cities/wu", "cities/ji", "cities/geng"]\n', encoding="utf-8")
    province, _ = load_province(root)
    result = run_batch(province, tmp_path / "out", engine=ProcessEngine(2, task=_crash_for_ji))
    status = {r.city: r.status for r in result.results}
    assert status == {"戊市": OK, "己市": FAILED, "庚市": OK}
    assert "构建进程意外退出" in result.results[1].message
    assert (tmp_path / "out" / "cities" / "戊市" / "note.txt").read_text(encoding="utf-8") == "戊市"
    assert not (tmp_path / "out" / "cities" / "己市").exists()


def test_the_batch_command_prints_a_summary_and_exits_2_when_a_city_failed(pooled, tmp_path):
    province_dir, out, _, _ = pooled
    shutil.copytree(out, tmp_path / "out")
    r = _invoke(["batch", "--province", str(province_dir), "--out", str(tmp_path / "out"), "-q"])
    assert r.exit_code == 2
    assert "3 个城市：0 个已构建，2 个未改动沿用上次结果，1 个未完成" in r.output
    assert "庚市" in r.output


# --- a real Dask cluster -----------------------------------------------------------------
def _start(cmd, log: Path) -> subprocess.Popen:
    fh = open(log, "wb")
    return subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(procs) -> None:
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def test_a_dask_cluster_builds_the_same_bytes_and_survives_a_killed_worker(pooled, tmp_path):
    pytest.importorskip("distributed")
    from distributed import Client

    _, pool_out, _, _ = pooled
    province_dir = tmp_path / "province"
    shutil.copytree(pooled[0], province_dir)
    province, _ = load_province(province_dir)
    sched_file = tmp_path / "scheduler.json"
    procs = []
    try:
        procs.append(_start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                             "--scheduler-file", str(sched_file)], tmp_path / "scheduler.log"))
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert sched_file.exists(), (tmp_path / "scheduler.log").read_text(errors="replace")
        for i in (1, 2):
            procs.append(_start([str(BIN / "dask"), "worker", "--scheduler-file", str(sched_file), "--host",
                                 "127.0.0.1", "--nworkers", "1", "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                 "--name", f"w{i}", "--death-timeout", "60",
                                 "--local-directory", str(tmp_path / f"w{i}")], tmp_path / f"worker{i}.log"))
        address = json.loads(sched_file.read_text())["address"]
        watcher = Client(address, timeout="30s")
        watcher.wait_for_workers(2, timeout=90)
        pids = watcher.run(os.getpid)                         # worker address -> process id
        by_pid = {p.pid: p for p in procs[1:]}
        killed: list[str] = []

        def kill_a_busy_worker(result):
            if killed:
                return
            for _ in range(100):                              # the one whose city is still being built
                busy = [a for a, keys in watcher.processing().items() if keys]
                if busy:
                    os.killpg(by_pid[pids[busy[0]]].pid, signal.SIGKILL)
                    killed.append(busy[0])
                    return
                time.sleep(0.05)

        box = {}

        def go():
            box["result"] = run_batch(province, tmp_path / "out", engine=DaskEngine(address, 2),
                                      progress=kill_a_busy_worker)

        t = threading.Thread(target=go, daemon=True)
        t.start()
        t.join(timeout=300)
        assert not t.is_alive(), "the batch did not finish within 5 minutes"
        watcher.close()
    finally:
        _stop(procs)
    result = box["result"]
    assert killed, "no worker was busy when the first city finished"
    assert result.engine == "dask"
    assert {r.city: r.status for r in result.results} == {"戊市": OK, "己市": OK, "庚市": FAILED}
    for city in ("戊市", "己市"):                              # the lost city was built again, in full
        assert tree(tmp_path / "out" / "cities" / city) == tree(pool_out / "cities" / city), city
    assert not (tmp_path / "out" / "cities" / "庚市").exists()
    assert not (tmp_path / "out" / "cities" / STAGING).exists()
    assert batch_rows(tmp_path / "out")["庚市"]["message"] == batch_rows(pool_out)["庚市"]["message"]


def test_a_scheduler_that_cannot_be_reached_is_a_user_error(pooled, tmp_path):
    pytest.importorskip("distributed")
    r = _invoke(["batch", "--province", str(pooled[0]), "--out", str(tmp_path / "out"), "--force",
                 "--scheduler", "tcp://127.0.0.1:9"])
    assert r.exit_code == 2 and "无法连接 Dask 调度器 tcp://127.0.0.1:9" in r.output
    r = _invoke(["batch", "--province", str(pooled[0]), "--out", str(tmp_path / "out"), "--scheduler", "127.0.0.1"])
    assert r.exit_code == 2 and "--scheduler 应为" in r.output


# --- the provincial summary ---------------------------------------------------------------
@pytest.fixture(scope="module")
def summary(pooled):
    from reportkit.products.province.build import build_province

    province_dir, out, _, _ = pooled
    here = os.getcwd()
    os.chdir(out.parent)                     # relative paths, as `make province` passes them
    try:
        built = build_province(Path(province_dir.name), Path(out.name))
    finally:
        os.chdir(here)
    return built, out


def _docx_text(path: Path) -> str:
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def _csv_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_province_csv_files_follow_the_contract(summary):
    built, out = summary
    p = out / "province"
    scores = _csv_rows(p / "scores.csv")
    assert list(scores[0]) == ["city", "code", "name", "dimension", "unit", "value", "reference", "reference_kind",
                               "rating", "score"]
    assert {r["city"] for r in scores} == {"戊市", "己市"}                 # the failed city is left out
    assert len(scores) == 12
    wu = {r["code"]: r for r in scores if r["city"] == "戊市"}
    assert wu["TR-02"]["rating"] == "短板" and wu["EC-02"]["value"] == "75.0"
    dims = _csv_rows(p / "dimensions.csv")
    assert list(dims[0]) == ["city", "group", "dimension", "score", "rank_in_group"]
    rank = {(r["city"], r["dimension"]): r["rank_in_group"] for r in dims}
    assert rank[("戊市", "生态宜居")] == "1"
    assert rank[("己市", "生态宜居")] == ""          # 2 of 6 indicators without data: no rank
    assert {r["group"] for r in dims} == {"一组"}
    common = _csv_rows(p / "common_problems.csv")
    assert list(common[0])[:6] == ["code", "name", "cities", "short", "warning", "share_short"]
    tr02 = next(r for r in common if r["code"] == "TR-02")
    assert tr02["cities"] == "2" and tr02["short"] == "2" and float(tr02["share_short"]) == 1.0
    assert all(float(r["share_short"]) >= 0.5 for r in common)


def test_province_report_reads_as_a_summary_of_the_cities(summary):
    built, out = summary
    text = _docx_text(out / "province" / "report.docx")
    for heading in ("总体情况", "共有指标评价", "共性问题", "维度得分与分组排名", "区域特征", "社会满意度比较",
                    "策略建议落实跟踪", "各城市体检概况", "汇总方法说明"):
        assert heading in text, heading
    assert "2020年全省3个城市开展体检，2个纳入汇总" in text          # the provincial team's narrative
    assert "共性问题为通勤时间超过45分钟的人口比例（见表3-1）" in text
    assert "庚市报送的体检数据未通过校验（发现" in text and "data/values.csv" not in text and "[错误]" not in text
    assert "己市的指标数据缺失超过20%" in text and "不参加排名" in text
    assert "宜视为同一水平" in text and "档次" in text
    assert "【?】" not in text and "{{" not in text
    import pymupdf

    pdf = pymupdf.open(out / "province" / "report.pdf")
    pdf_text = "".join(page.get_text() for page in pdf)
    assert "各城市体检概况" in pdf_text and "示例数据" in pdf_text
    fonts = {f[3] for page in pdf for f in page.get_fonts()}
    assert fonts and all("Noto" in f for f in fonts), fonts
    figures = sorted((out / "province" / "figures").glob("*.png"))
    assert len(figures) == len(built.document.figures()) >= 6
    from PIL import Image

    with Image.open(figures[0]) as im:
        assert im.width > 1000 and im.mode == "RGB"


def test_province_summary_is_the_same_bytes_in_one_process(summary, pooled):
    """Two processes (the PDF laid out while its charts are drawn, reportkit/overlap.py)
    and one (reportkit/workers.py, serial) make the same files, byte for byte."""
    from reportkit.products.province.build import build_province

    built, out = summary
    serial = out.parent / "out-one-process"
    shutil.rmtree(serial, ignore_errors=True)
    shutil.copytree(out, serial, ignore=shutil.ignore_patterns("province"))
    here = os.getcwd()
    os.chdir(out.parent)                     # as the summary fixture builds it
    try:
        build_province(Path(pooled[0].name), Path(serial.name), workers=1)
    finally:
        os.chdir(here)
    two, one = tree(out / "province"), tree(serial / "province")
    shutil.rmtree(serial)
    assert two == one and any(k.endswith("report.pdf") for k in one) and any(k.endswith(".png") for k in one)


def test_province_narrative_with_an_unknown_code_is_a_user_error(pooled, tmp_path):
    from reportkit.errors import ReportkitError
    from reportkit.products.province.build import build_province

    province_dir, out, _, _ = pooled
    shutil.copytree(province_dir, tmp_path / "p")
    (tmp_path / "p" / "narratives" / "10-bad.md").write_text(
        "---\ntitle: 问题\nsection: problems\n---\n{{ indicator('XX-99').median }}\n", encoding="utf-8")
    shutil.copytree(out, tmp_path / "out")
    before = tree(tmp_path / "out")
    with pytest.raises(ReportkitError) as exc:
        build_province(tmp_path / "p", tmp_path / "out")
    assert "narratives/10-bad.md" in exc.value.format_message() and "XX-99" in exc.value.format_message()
    assert tree(tmp_path / "out") == before          # nothing written


def test_province_without_a_batch_says_what_to_run(pooled, tmp_path):
    r = _invoke(["province", "--province", str(pooled[0]), "--out", str(tmp_path / "empty")])
    assert r.exit_code == 2 and "请先运行 reportkit batch" in r.output


def test_batch_csv_never_holds_a_formula():
    from reportkit.batch.store import BATCH_COLUMNS, csv_bytes

    data = csv_bytes(BATCH_COLUMNS, [{"city": "=HYPERLINK(\"x\")", "status": "failed", "seconds": -1.5,
                                      "errors": 1, "message": "@SUM(A1)", "project": "-2"}])
    text = data.decode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row == ["'=HYPERLINK(\"x\")", "failed", "-1.5", "1", "'@SUM(A1)", "-2"]


def test_a_city_whose_project_toml_cannot_be_read_is_reported_by_its_folder(tmp_path):
    city = tiny_city(tmp_path / "cities" / "xin", "辛市")
    (city / "project.toml").write_text('city = "辛市\nyear = 2020\n', encoding="utf-8")   # unterminated string
    (tmp_path / "province.toml").write_text(
        'name = "某省"\nyear = 2020\ntitle = "t"\norganisation = "o"\ncities = ["cities/xin"]\n'
        '[groups]\n"一组" = ["辛市"]\n', encoding="utf-8")
    province, problems = load_province(tmp_path)
    assert province is not None and province.cities[0].name == "xin"
    assert {p.level for p in problems.items} == {"warning"}          # maybe that city's name: not an error
    assert any("cities/xin 的 project.toml 无法读取" in p.format() for p in problems.items)
    result = run_batch(province, tmp_path / "out", workers=1)
    r = result.results[0]
    assert r.status == FAILED and "project.toml" in r.message and "TOML" in r.message
