"""Issue #9: one build for every product, on the demo (2 cores).

Targets: `reportkit build` cold (empty out folder, interpreter start included) <= 30 s;
the report rebuilt after one narrative edit <= 6 s; `reportkit validate` <= 1 s;
`reportkit --help` <= 0.3 s.  Also printed: the build's own stage times and the ratio
of the cold build's wall time to the sum of its stage times (1.0 = no overhead beyond
the stages; the draw+render stage runs on two workers)."""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPORTKIT, ROOT, run_cli, verdict

STAGES_SCRIPT = """
import json, sys
from reportkit.build import build
r = build(sys.argv[1], sys.argv[2], quiet=True)
print(json.dumps(r.timings))
"""


def median_cli(n: int, *args: str) -> float:
    return statistics.median(run_cli(*args)[0] for _ in range(n))


def main():
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = tmp / "project"
        shutil.copytree(ROOT / "content", project, ignore=shutil.ignore_patterns("tools"))
        run_cli("validate", "--project", str(project))          # warm the OS file cache
        colds = []
        for i in range(2):
            out = tmp / f"cold{i}"
            wall, mem = run_cli("build", "--project", str(project), "--out", str(out), "-q")
            colds.append((wall, mem))
        cold = statistics.median(w for w, _ in colds)
        print(f"reportkit build, cold (all products, empty out folder): {cold:.1f} s, "
              f"peak {max(m for _, m in colds):.0f} MiB  {verdict(cold, 30)}")

        out = tmp / "cold0"
        narrative = sorted((project / "narratives").glob("*.md"))[2]
        times = []
        for i in range(3):
            narrative.write_text(narrative.read_text(encoding="utf-8") + f"\n补充分析第{i + 1}句。\n", encoding="utf-8")
            times.append(run_cli("report", "--project", str(project), "--out", str(out), "-q")[0])
        warm = statistics.median(times)
        print(f"report rebuilt after editing {narrative.name}: {warm:.1f} s (median of 3)  {verdict(warm, 6)}")

        v = median_cli(5, "validate", "--project", str(project))
        print(f"reportkit validate (demo): {v:.2f} s (median of 5)  {verdict(v, 1.0)}")
        h = statistics.median(_time([*REPORTKIT, "--help"]) for _ in range(7))
        print(f"reportkit --help: {h:.2f} s (median of 7)  {verdict(h, 0.3)}")

        out = tmp / "stages"
        proc = subprocess.run([sys.executable, "-c", STAGES_SCRIPT, str(project), str(out)], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        t = json.loads(proc.stdout.strip().splitlines()[-1])
        total = t.pop("total")
        parts = ", ".join(f"{k} {v:.1f}" for k, v in t.items())
        print(f"stage times of one cold build (s): {parts}; total {total:.1f}")
        print(f"cold build / sum of its stage times: {total / sum(t.values()):.2f}")


def _time(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
