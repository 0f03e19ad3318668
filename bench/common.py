"""Small helpers shared by the benchmarks."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTKIT = [sys.executable, "-m", "reportkit"]


def run_cli(*args: str, env: dict | None = None) -> tuple[float, float]:
    """Run `reportkit ARGS` in a fresh interpreter; return (wall seconds, peak RSS MiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run([*REPORTKIT, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"reportkit {' '.join(args)} failed with exit {proc.returncode}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def verdict(value: float, target: float, unit: str = "s") -> str:
    return f"{'OK' if value < target else 'OVER'} (target < {target:g} {unit})"
