"""Benchmark: survey screening + satisfaction indices, on the demo and on a million rows.

    python bench/bench_survey.py            # both cases
    python bench/bench_survey.py demo       # one case
    python bench/bench_survey.py million

Each case runs in its own child process so that its peak memory (VmHWM)
is its own.  The million-row survey is generated in a temporary folder: the
demo export repeated 12 times (ids made unique per copy, so duplicates,
rejections and group sizes scale with it) and cut at 1,000,000 rows, written
as GB18030 like the vendor's file.  Figures printed per case:
  load      open_project (read + decode + validate every table)
  screen    run_survey: screening + question/dimension/overall/group indices
  concerns  personal-data masking and jieba segmentation (distinct texts only)
  outputs   building every survey/ file in memory (nothing written)
  peak      peak resident memory (VmHWM) of the measuring process
Targets (2 cores): demo screening+indices < 3 s; a million rows < 20 s, < 2 GiB.
"""
from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content"
MILLION = 1_000_000


def _peak_mib() -> float:
    """Peak resident memory of this process.  VmHWM, not ru_maxrss: Linux carries the
    parent's high-water mark over fork+exec into ru_maxrss, so a measuring process
    started by the (large) generator would report the generator's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_million(dst: Path) -> Path:
    """A copy of the demo project whose survey has 1,000,000 rows."""
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from reportkit.load.tables import read_table
    from reportkit.errors import Problems

    shutil.copytree(DEMO, dst, ignore=shutil.ignore_patterns("survey.csv", "survey.xlsx"))
    demo = read_table(DEMO, "survey", Problems()).df
    copies = -(-MILLION // len(demo))
    parts = []
    for k in range(copies):
        part = demo.copy()
        part["response_id"] = part["response_id"] + f"-{k:02d}"
        part["respondent"] = part["respondent"] + f"-{k:02d}"
        parts.append(part)
    big = pd.concat(parts, ignore_index=True).head(MILLION)
    (dst / "data" / "survey.csv").write_bytes(big.to_csv(index=False, lineterminator="\r\n").encode("gb18030"))
    return dst


def run_case(project_dir: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from reportkit.load.project import open_project
    from reportkit.score.indicators import score_project
    from reportkit.score.survey import add_survey_outputs, run_survey
    from reportkit.write import Writer

    out = {}
    t = time.perf_counter()
    project, _ = open_project(project_dir)
    out["load_s"] = time.perf_counter() - t
    out["peak_after_load_mib"] = _peak_mib()
    t = time.perf_counter()
    result = run_survey(project)
    out["screen_indices_s"] = time.perf_counter() - t
    out["peak_after_screen_mib"] = _peak_mib()
    t = time.perf_counter()
    con = result.concerns
    out["concerns_s"] = time.perf_counter() - t
    out["mask_s"], out["segment_s"] = con.mask_seconds, con.segment_seconds
    out["text_answers"], out["distinct_texts"] = con.answers, con.distinct
    t = time.perf_counter()
    writer = Writer(Path(tempfile.mkdtemp()) / "unused")
    add_survey_outputs(writer, result, score_project(project))
    out["outputs_s"] = time.perf_counter() - t
    out["output_mib"] = sum(len(b) for b in writer.files.values()) / 2**20
    out["rows"] = result.summary["collected"]
    out["valid"] = result.summary["valid"]
    out["rejected"] = result.summary["rejected"]
    out["peak_mib"] = _peak_mib()
    return out


def child(case: str) -> dict:
    if case == "demo":
        return run_case(DEMO)
    with tempfile.TemporaryDirectory(prefix="reportkit-bench-") as tmp:
        t = time.perf_counter()
        project = make_million(Path(tmp) / "million")
        gen = time.perf_counter() - t
        size = (project / "data" / "survey.csv").stat().st_size / 2**20
        # measure in a fresh process: generation memory must not count
        res = subprocess.run([sys.executable, __file__, "--measure", str(project)], capture_output=True, text=True)
        if res.returncode:
            raise SystemExit(res.stderr)
        out = json.loads(res.stdout.strip().splitlines()[-1])
        out["generate_s"], out["file_mib"] = gen, size
        return out


def show(case: str, r: dict) -> None:
    print(f"== {case}: {r['rows']:,} rows, {r['valid']:,} valid")
    print("   rejected: " + "，".join(f"{k} {v:,}" for k, v in r["rejected"].items()))
    if "generate_s" in r:
        print(f"   generate  {r['generate_s']:6.2f} s  ({r['file_mib']:.0f} MiB GB18030 CSV, not measured)")
    print(f"   load      {r['load_s']:6.2f} s  (open_project: read, decode, validate)")
    print(f"   screen    {r['screen_indices_s']:6.2f} s  (screening + indices)")
    print(f"   concerns  {r['concerns_s']:6.2f} s  (mask {r['mask_s']:.2f} s, jieba {r['segment_s']:.2f} s; "
          f"{r['text_answers']:,} answers, {r['distinct_texts']:,} distinct)")
    print(f"   outputs   {r['outputs_s']:6.2f} s  ({r['output_mib']:.1f} MiB in memory)")
    print(f"   peak RSS  {r['peak_mib']:6.0f} MiB  (after load {r['peak_after_load_mib']:.0f}, "
          f"after screening {r['peak_after_screen_mib']:.0f})")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--measure"]:
        print(json.dumps(run_case(Path(argv[1]))))
        return
    if argv[:1] == ["--child"]:
        print(json.dumps(child(argv[1])))
        return
    cases = argv or ["demo", "million"]
    for case in cases:
        res = subprocess.run([sys.executable, __file__, "--child", case], capture_output=True, text=True)
        if res.returncode:
            print(res.stderr, file=sys.stderr)
            raise SystemExit(res.returncode)
        show(case, json.loads(res.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main(sys.argv[1:])
