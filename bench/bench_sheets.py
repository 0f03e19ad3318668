"""Issue: department and town sheets — wall time of `reportkit sheets` on the demo
(28 department + 34 town sheets, PDF + Word, charts drawn from an empty cache),
interpreter start included (target under 30 s on 2 cores), and the time each added
sheet costs (full run against a run of a few sheets).

CPU seconds (this run and its worker processes) are printed beside wall time: on a
machine shared with other jobs the wall time grows, the CPU time does not."""
from __future__ import annotations

import csv
import os
import resource
import tempfile
from pathlib import Path

from common import ROOT, run_cli, verdict



def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(*args: str) -> tuple[float, float]:
    c0 = cpu_seconds()
    wall, _ = run_cli(*args)
    return wall, cpu_seconds() - c0


def main():
    demo = ROOT / "content"
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        run_cli("validate")   # warm the OS file cache once
        full_out = tmp / "full"
        t_all, c_all = timed("sheets", "--project", str(demo), "--out", str(full_out), "-q")
        with open(full_out / "sheets" / "index.csv", encoding="utf-8-sig") as fh:
            index = list(csv.DictReader(fh))
        n_all = len(index)
        pages = sum(int(r["pages"]) for r in index)
        t_warm, c_warm = timed("sheets", "--project", str(demo), "--out", str(full_out), "-q")
        depts = [r for r in index if r.get("kind") == "department"][:2]
        towns = [r for r in index if r.get("kind") != "department"][:2]
        subset = [r["id"] for r in depts + towns]
        only = [x for s in subset for x in ("--only", s)]
        t_sub, c_sub = timed("sheets", "--project", str(demo), "--out", str(tmp / "sub"), "-q", *only)
    n_sub = len(subset)
    per_wall = (t_all - t_sub) / (n_all - n_sub)
    per_cpu = (c_all - c_sub) / (n_all - n_sub)
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at start")
    print(f"sheets (demo: {n_all} sheets, {pages} pages, PDF + Word, charts from empty cache): "
          f"{t_all:.1f} s wall, {c_all:.1f} s CPU  {verdict(t_all, 30.0)}")
    print(f"sheets again (charts cached, outputs unchanged): {t_warm:.1f} s wall, {c_warm:.1f} s CPU")
    print(f"sheets --only ({n_sub} sheets, fixed costs): {t_sub:.1f} s wall, {c_sub:.1f} s CPU")
    print(f"per added sheet: {per_wall:.2f} s wall, {per_cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
