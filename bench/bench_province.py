"""Province: batch builds and the provincial summary (the Guangdong demo, 21 cities).

Prints:
- per-city build time and the whole 21-city demo batch (2 workers);
- the speed-up from 1 to 2 workers and the batch's CPU time against the sum of the
  same cities built one by one (`reportkit build`, one process each), on a sample;
- the cost of many small cities (simulated by copies of one small demo city, sampled
  at a few sizes and fitted with a line) extrapolated to 449 cities;
- `reportkit province` from the built cities.

CPU seconds are user + system time of the processes and all their children.
Options: --sample N (cities for the 1-vs-2-worker and one-by-one comparison, default 6),
--sizes 10,20,40 (the simulated batches), --skip-scaling.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "bench-province"
REPORTKIT = [sys.executable, "-m", "reportkit"]
SMALL = "yunfu"   # the demo's smallest city (2 districts), the model of a simulated small city


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(*args: str, ok=(0,)) -> tuple[float, float]:
    """Run reportkit; (wall seconds, CPU seconds of it and its children)."""
    c0, t0 = cpu_children(), time.perf_counter()
    proc = subprocess.run([*REPORTKIT, *args], cwd=ROOT, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, cpu_children() - c0
    if proc.returncode not in ok:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"reportkit {' '.join(args)} failed with exit {proc.returncode}")
    return wall, cpu


def province_toml(root: Path, folders: list[str], name="广东省") -> None:
    cities = ", ".join(f'"cities/{f}"' for f in folders)
    (root / "province.toml").write_text(
        f'name = "{name}"\nyear = 2024\ntitle = "bench"\norganisation = "bench"\ndemo = true\n'
        f"cities = [{cities}]\n", encoding="utf-8")


def subset(demo: Path, dst: Path, folders: list[str]) -> Path:
    shutil.rmtree(dst, ignore_errors=True)
    (dst / "cities").mkdir(parents=True)
    for f in folders:
        shutil.copytree(demo / "cities" / f, dst / "cities" / f)
    province_toml(dst, folders)
    return dst


def simulated(demo: Path, dst: Path, n: int) -> Path:
    """n small cities: copies of one small demo city under other names."""
    shutil.rmtree(dst, ignore_errors=True)
    src = demo / "cities" / SMALL
    model = "云浮市"
    folders = []
    for i in range(n):
        folder = f"sim{i + 1:03d}"
        name = f"模拟{i + 1:03d}市"
        shutil.copytree(src, dst / "cities" / folder)
        for path in (dst / "cities" / folder).rglob("*"):
            if path.is_file() and path.suffix in (".csv", ".toml", ".md"):
                text = path.read_text(encoding="utf-8")
                path.write_text(text.replace(model, name), encoding="utf-8")
        folders.append(folder)
    province_toml(dst, folders)
    return dst


def batch_seconds(out: Path) -> dict[str, float]:
    text = (out / "batch.csv").read_bytes().decode("utf-8-sig")
    return {r["city"]: float(r["seconds"]) for r in csv.DictReader(io.StringIO(text)) if r["status"] == "ok"}


def fit(xs, ys) -> tuple[float, float, float]:
    """Least squares y = a + b x; (a, b, r²)."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    a = my - b * mx
    ss = sum((y - my) ** 2 for y in ys)
    res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    return a, b, (1 - res / ss) if ss else 1.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=6)
    ap.add_argument("--sizes", default="10,20,40")
    ap.add_argument("--skip-scaling", action="store_true")
    ap.add_argument("--reuse", action="store_true",
                    help="use the outputs of `make province` (build/) instead of building the 21 cities again")
    args = ap.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    demo = WORK / "demo"
    subprocess.run([sys.executable, "content/tools/make_province.py", "--out", str(demo)], cwd=ROOT, check=True,
                   capture_output=True)
    cores = os.cpu_count() or 1
    print(f"machine: {cores} cores; load average {os.getloadavg()[0]:.1f} at start")

    # 1. the whole 21-city demo batch on 2 workers
    out = WORK / "out-demo"
    if args.reuse and (ROOT / "build" / "batch.csv").is_file():
        demo, out = ROOT / "build" / "province-demo", ROOT / "build"
        secs = batch_seconds(out)
        print(f"demo batch: reusing the outputs of `make province` ({len(secs)} cities built)")
    else:
        wall, cpu = run("batch", "--province", str(demo), "--out", str(out), "--workers", "2", "-q", ok=(0, 2))
        secs = batch_seconds(out)
        print(f"demo batch, 21 cities, 2 workers: {wall:.1f} s wall, {cpu:.1f} s CPU; {len(secs)} built "
              f"({21 - len(secs)} failed on purpose)")
    vals = sorted(secs.values())
    print(f"  per city (worker wall time): median {statistics.median(vals):.1f} s, "
          f"min {vals[0]:.1f} s ({min(secs, key=secs.get)}), max {vals[-1]:.1f} s ({max(secs, key=secs.get)})")
    if not args.reuse:
        wall_r, _ = run("batch", "--province", str(demo), "--out", str(out), "-q", ok=(0, 2))
        print(f"  re-run with nothing changed: {wall_r:.1f} s (every built city skipped)")

    # 2. `reportkit province` from the built cities
    times = [run("province", "--province", str(demo), "--out", str(out), "-q")[0] for _ in range(2)]
    print(f"province summary from the built cities: cold {times[0]:.1f} s, again {times[1]:.1f} s "
          f"({'OK' if times[0] <= 15 else 'OVER'} target <= 15 s)")

    # 3. 1 vs 2 workers, and one by one, on a sample
    folders = sorted(p.name for p in (demo / "cities").iterdir() if p.name != "chaozhou")[: args.sample]
    sample = subset(demo, WORK / "sample", folders)
    one = []
    for f in folders:
        one.append(run("build", "--project", str(sample / "cities" / f), "--out", str(WORK / "one" / f), "-q"))
    sum_wall, sum_cpu = sum(w for w, _ in one), sum(c for _, c in one)
    w1, c1 = run("batch", "--province", str(sample), "--out", str(WORK / "out-w1"), "--workers", "1", "-q")
    w2, c2 = run("batch", "--province", str(sample), "--out", str(WORK / "out-w2"), "--workers", "2", "-q")
    print(f"sample of {len(folders)} cities ({', '.join(folders)}):")
    print(f"  one by one (reportkit build each): {sum_wall:.1f} s wall, {sum_cpu:.1f} s CPU")
    print(f"  batch, 1 worker: {w1:.1f} s wall, {c1:.1f} s CPU")
    print(f"  batch, 2 workers: {w2:.1f} s wall, {c2:.1f} s CPU")
    print(f"  speed-up 1 -> 2 workers: {w1 / w2:.2f}x ({'OK' if w1 / w2 >= 1.8 else 'UNDER'} target >= 1.8x)")
    print(f"  batch CPU / sum of one-by-one CPU: {c2 / sum_cpu:.2f} "
          f"({'OK' if c2 <= 1.2 * sum_cpu else 'OVER'} target <= 1.2)")

    # 4. many small cities
    if not args.skip_scaling:
        sizes = [int(x) for x in args.sizes.split(",")]
        walls = []
        for n in sizes:
            sim = simulated(demo, WORK / f"sim{n}", n)
            w, c = run("batch", "--province", str(sim), "--out", str(WORK / f"out-sim{n}"), "--workers", "2", "-q")
            walls.append(w)
            print(f"simulated {n} small cities, 2 workers: {w:.1f} s wall, {c:.1f} s CPU ({w / n:.2f} s per city)")
            shutil.rmtree(WORK / f"out-sim{n}", ignore_errors=True)
        a, b, r2 = fit(sizes, walls)
        print(f"  fit: wall = {a:.1f} s + {b:.2f} s x cities (r^2 = {r2:.3f}); 449 cities on 2 workers: "
              f"about {(a + b * 449) / 60:.0f} min; on a cluster of W workers about {b * 2 * 449 / 60:.0f}/W min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
