"""All or nothing, under kill -9: a killed build leaves every earlier output
byte-identical (figures included) or, once the next run has recovered its
journal, every new one -- never a mix -- and no temporary file; the worker
processes die with their parent without printing anything."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import MINI, ROOT
from reportkit.write import JOURNAL_DIR, Writer

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kill -9 and /proc: Linux")


def outputs(out: Path) -> dict[str, bytes]:
    """The outputs: every file under --out except the hidden cache and journal folders and
    temporary files (those are checked by temp_files)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.relative_to(out).parts[0].startswith(".") and not p.name.endswith(".tmp")}


def temp_files(out: Path) -> list[str]:
    return [p.relative_to(out).as_posix() for p in out.rglob("*") if p.name.endswith(".tmp")]


def _wait_session_gone(sid: int, seconds: float = 10.0) -> list[str]:
    """Wait until no process of session `sid` is left; the command lines of the survivors."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = _session_alive(sid)
        if not alive:
            return []
        time.sleep(0.1)
    out = []
    for pid in _session_alive(sid):
        try:
            out.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            pass
    return out


def _session_alive(sid: int) -> list[int]:
    """Processes still alive in session `sid` (the build and its workers)."""
    alive = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(int(d.name))
    return alive


# --- the commit itself, killed at each of its steps --------------------------------------------
CHILD = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    import reportkit.write as w

    out, when, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count = [0]
    def kill_at(name, real):
        def wrapped(*a, **kw):
            if name == when:
                if count[0] == n:
                    os.kill(os.getpid(), signal.SIGKILL)
                count[0] += 1
            return real(*a, **kw)
        return wrapped
    w._write_synced = kill_at("stage", w._write_synced)
    w.os.replace = kill_at("rename", os.replace)
    writer = w.Writer(out)
    for i in range(6):
        writer.add(f"sub{{i % 2}}/f{{i}}.txt", f"new {{i}}")
    writer.add("new-folder/deep/g.txt", "new g")
    writer.commit()
""")


@pytest.mark.parametrize("when,n", [("stage", 0), ("stage", 1), ("stage", 4), ("stage", 7), ("stage", 8),
                                    ("rename", 0), ("rename", 1), ("rename", 2), ("rename", 5), ("rename", 8),
                                    ("rename", 9)])
def test_commit_killed_at_every_step_is_all_or_nothing(tmp_path, when, n):
    """stage k: killed writing file k (0 = the journal's plan, 1-7 the temporary files,
    8 = the 'committing' journal); rename k: killed before rename k (0 = the plan's, 1 =
    the commit point, 2-8 the outputs; 9 = none: the commit completes)."""
    out = tmp_path / "out"
    for i in range(6):
        (out / f"sub{i % 2}").mkdir(parents=True, exist_ok=True)
        (out / f"sub{i % 2}" / f"f{i}.txt").write_text(f"old {i}")
    old = outputs(out)
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(root=str(ROOT)))
    r = subprocess.run([sys.executable, str(script), str(out), when, str(n)], capture_output=True, text=True)
    new = {f"sub{i % 2}/f{i}.txt": f"new {i}".encode() for i in range(6)} | {"new-folder/deep/g.txt": b"new g"}
    killed = r.returncode == -signal.SIGKILL
    if not killed:                       # the commit finished before step n
        assert r.returncode == 0, r.stderr
        assert outputs(out) == new
        return
    journal = out / JOURNAL_DIR / "journal.json"
    seen = outputs(out)
    state = journal.read_text("utf-8") if journal.exists() else ""
    if '"committing"' not in state:      # killed before the commit point: nothing has changed
        assert seen == old
    Writer.recover(out)                  # what the next run does first
    after = outputs(out)
    assert after in (old, new), sorted(set(after.items()) ^ set(old.items()))
    assert after == (new if '"committing"' in state else old)
    assert not temp_files(out), temp_files(out)
    assert not journal.exists()
    if after == old:
        assert not (out / "new-folder").exists()     # folders the aborted commit made are gone


def test_stale_temporary_files_of_a_killed_run_are_removed(tmp_path):
    out = tmp_path / "out"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "a.png").write_bytes(b"old")
    (out / "figures" / ".a.png.rk-0123abcd.tmp").write_bytes(b"half")   # no journal accounts for it
    w = Writer(out)
    w.add("figures/a.png", b"new")
    w.commit()
    assert (out / "figures" / "a.png").read_bytes() == b"new"
    assert not temp_files(out)


# --- a real build, killed at random moments ------------------------------------------------------
def _report(project: Path, out: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reportkit", "report", "--project", str(project), "--out", str(out),
                             "-q", "--format", "docx"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, **kw)


@pytest.fixture(scope="module")
def two_states(tmp_path_factory):
    """The mini project's report (A), then the same after an edit that changes the
    figures, the tables and the document (B), each built from scratch."""
    base = tmp_path_factory.mktemp("kill")
    project = base / "project"
    shutil.copytree(MINI, project)
    out_a, out_b = base / "a", base / "b"
    t0 = time.monotonic()
    p = _report(project, out_a)
    assert p.wait(timeout=300) == 0, p.stderr.read()
    seconds = time.monotonic() - t0
    values = project / "data" / "values.csv"
    values.write_text(values.read_text(encoding="utf-8").replace("EC-01,甲市,2020,14,,", "EC-01,甲市,2020,14.6,,"),
                      encoding="utf-8")
    p = _report(project, out_b)
    assert p.wait(timeout=300) == 0, p.stderr.read()
    a, b = outputs(out_a), outputs(out_b)
    assert a != b and {k for k in a if k.startswith("figures/") and a[k] != b.get(k)}, "the edit changes a figure"
    return project, out_a, a, b, seconds


def test_build_killed_at_random_moments(two_states, tmp_path):
    project, out_a, a, b, seconds = two_states
    rng = random.Random(11)
    moments = sorted(rng.uniform(0.1, 1.1) * seconds for _ in range(3))
    seen = set()
    for k, t in enumerate(moments):
        out = tmp_path / f"o{k}"
        shutil.copytree(out_a, out)
        (out / ".cache").exists() and shutil.rmtree(out / ".cache")    # the charts must really be drawn
        proc = _report(project, out)
        time.sleep(t)
        os.kill(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate(timeout=120)   # EOF: every process holding the pipe has ended
        assert "Traceback" not in stderr, stderr
        survivors = _wait_session_gone(proc.pid)
        assert not survivors, f"outlived the killed build: {survivors}"
        before_recovery = outputs(out)
        journal = out / JOURNAL_DIR / "journal.json"
        if not journal.exists() or '"committing"' not in journal.read_text("utf-8"):
            assert before_recovery in (a, b)          # untouched, or the commit had already finished
        Writer.recover(out)
        got = outputs(out)
        assert got in (a, b), f"killed at {t:.1f} s: a mix of old and new outputs"
        assert not temp_files(out), temp_files(out)
        seen.add("new" if got == b else "old")
    assert "old" in seen   # at least one kill came before the commit


def test_workers_die_silently_with_their_parent(two_states, tmp_path):
    """kill -9 of the build while its PDF/chart workers are busy: they end at once
    (PR_SET_PDEATHSIG) and print nothing; outputs stay as they were."""
    project, out_a, a, _b, seconds = two_states
    out = tmp_path / "o"
    shutil.copytree(out_a, out)
    shutil.rmtree(out / ".cache", ignore_errors=True)
    proc = subprocess.Popen([sys.executable, "-m", "reportkit", "report", "--project", str(project), "--out", str(out),
                             "-q"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_session_alive(proc.pid)) < 2:
        time.sleep(0.05)
    assert len(_session_alive(proc.pid)) >= 2, "no worker process started"
    time.sleep(min(2.0, seconds / 4))
    os.kill(proc.pid, signal.SIGKILL)
    _, stderr = proc.communicate(timeout=60)
    assert stderr.strip() == "" or "Traceback" not in stderr, stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    survivors = _wait_session_gone(proc.pid)
    assert not survivors, f"outlived the killed build: {survivors}"
    Writer.recover(out)
    assert outputs(out) == a and not temp_files(out)     # killed long before its commit
