"""reportkit/build.py: one build for every product; all or nothing; the same bytes
whatever the environment."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINI, ROOT
from reportkit import products
from reportkit.build import build
from reportkit.errors import ReportkitError


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """Every product of the mini project, built once with two workers."""
    base = tmp_path_factory.mktemp("build")
    project = base / "project"
    shutil.copytree(MINI, project)
    out = base / "out"
    result = build(project, out, workers=2)
    return project, out, result


def test_build_makes_every_product_in_one_run(full):
    _, out, result = full
    assert list(result.composed) == list(products.ALL)
    files = snapshot(out)
    for name in ("scores.csv", "scores.xlsx", "dimensions.csv", "towns.csv", "survey/summary.json",
                 "report.pdf", "report.docx", "sheets/index.csv", "sheets/zj.pdf", "sheets/zj.docx",
                 "tracking/zj.xlsx", "promo/cover.png", "promo/poster.jpg"):
        assert name in files, name
    # every chart a document shows is in figures/, and the cache holds the same bytes
    figures = {k for k in files if k.startswith("figures/")}
    shown = {f"figures/{Path(f.path).name}" for c in result.composed.values() for d in c.documents
             for f in d.doc.figures()}
    assert shown and shown <= figures
    cached = {v for k, v in files.items() if k.startswith(".cache/figures/")}
    assert {files[f] for f in figures} <= cached
    # page counts come from the laid-out document
    import pymupdf

    for stem, r in result.rendered.items():
        if r.pdf is not None:
            with pymupdf.open(stream=r.pdf, filetype="pdf") as pdf:
                assert r.pages == pdf.page_count, stem
    assert not [k for k in files if k.endswith(".tmp")]


def test_single_products_equal_the_full_build(full, tmp_path):
    """`reportkit report`, `sheets` … are the same build with fewer products."""
    project, out, _ = full
    one = tmp_path / "one"
    build(project, one, ("results", "survey", "report"), workers=1)
    build(project, one, ("tracking",), workers=1)
    a, b = snapshot(out), snapshot(one)
    for name, data in b.items():
        if not name.startswith(".cache/"):
            assert a[name] == data, name


def test_failure_after_drawing_leaves_outputs_byte_identical(full, tmp_path):
    """The charts are drawn (new values change them), then the project's Word template
    turns out to be broken: nothing is written, not even the new figures."""
    project, out, _ = full
    p2, o2 = tmp_path / "p", tmp_path / "o"
    shutil.copytree(project, p2)
    shutil.copytree(out, o2)
    before = snapshot(o2)
    values = (p2 / "data" / "values.csv").read_text(encoding="utf-8")
    (p2 / "data" / "values.csv").write_text(values.replace("12.5", "13.7"), encoding="utf-8")
    (p2 / "templates").mkdir(exist_ok=True)
    (p2 / "templates" / "report.docx").write_bytes(b"PK\x03\x04 not a real Word file")
    with pytest.raises(ReportkitError) as exc:
        build(p2, o2, ("results", "survey", "report"), workers=1)
    assert "report.docx" in exc.value.format_message()
    assert snapshot(o2) == before


def _children(pid: int) -> list[int]:
    out = []
    for task in Path("/proc").iterdir():
        if task.name.isdigit():
            try:
                stat = (task / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(task.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_killed_worker_fails_cleanly_and_writes_nothing(full, tmp_path):
    project, out, _ = full
    o2 = tmp_path / "o"
    shutil.copytree(out, o2)
    shutil.rmtree(o2 / ".cache")              # the charts must be drawn by the workers
    before = snapshot(o2)
    proc = subprocess.Popen([sys.executable, "-m", "reportkit", "build", "--project", str(project),
                             "--out", str(o2), "-q", "--workers", "2"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and proc.poll() is None and time.monotonic() < deadline:
        workers = [c for c in _children(proc.pid)
                   if "spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes().decode(errors="replace")]
        if workers:
            time.sleep(0.3)
            os.kill(workers[0], signal.SIGKILL)
            killed = workers[0]
        time.sleep(0.05)
    stdout, stderr = proc.communicate(timeout=120)
    assert killed is not None, "no worker process seen"
    assert proc.returncode != 0
    assert "Traceback" not in stderr and "排版进程意外退出" in stderr
    assert snapshot(o2) == before
    time.sleep(0.5)
    assert not _children(proc.pid)


def test_environment_does_not_change_the_bytes(full, tmp_path):
    """TZ and LANG change nothing; SOURCE_DATE_EPOCH only the stamped date."""
    project, out, _ = full
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "TZ", "LANG", "LC_ALL")}
    runs = {}
    for name, extra in {"a": {"TZ": "UTC", "LANG": "C.UTF-8"},
                        "b": {"TZ": "America/Los_Angeles", "LANG": "zh_CN.UTF-8", "LC_ALL": "C"}}.items():
        o = tmp_path / name
        r = subprocess.run([sys.executable, "-m", "reportkit", "build", "--project", str(project), "--out", str(o),
                            "-q", "--workers", "1", "--product", "results", "--product", "tracking",
                            "--product", "report", "--format", "docx"],
                           cwd=ROOT, env={**env, **extra}, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        runs[name] = snapshot(o)
    assert runs["a"] == runs["b"]
