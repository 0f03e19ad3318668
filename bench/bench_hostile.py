"""Benchmark: the two load figures of the hostile-input work (issue 11).

    python bench/bench_hostile.py            # both
    python bench/bench_hostile.py survey     # `reportkit survey` on 1,000,000 rows
    python bench/bench_hostile.py xlsx       # `reportkit validate` with a 1,048,576-row values.xlsx

Each figure is a whole `reportkit` process (interpreter start included), timed from
outside, with its peak memory (the child's ru_maxrss, from wait4).  The inputs are
generated in a temporary folder first and not measured:
- survey: the demo project with its survey export repeated to 1,000,000 rows
  (bench_survey.make_million: GB18030, ids unique per copy);
- xlsx: the demo project whose data/values is a values.xlsx of 1,048,576 rows
  (Excel's maximum: the header and 1,048,575 distinct code × area × year rows,
  shared strings, as Excel writes them).
Targets (2 cores): survey <= 10 s and <= 1.5 GiB; validate <= 30 s.
The CPU time (user + system) is printed too: on a busy machine it says more than
the wall time.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content"
ROWS = 1_048_576
sys.path.insert(0, str(ROOT / "bench"))


def run(cmd: list[str]) -> dict:
    """Like subprocess.run, measured with wait4 (peak memory of the child itself)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.posix_spawn(cmd[0], cmd, dict(os.environ),
                             file_actions=[(os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                                           (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return {"wall": wall, "rc": os.waitstatus_to_exitcode(status), "cpu": usage.ru_utime + usage.ru_stime,
                "peak_mib": usage.ru_maxrss / 1024, "stdout": out.read().decode("utf-8", "replace"),
                "stderr": err.read().decode("utf-8", "replace")}


def make_values_xlsx(project: Path, rows: int = ROWS) -> Path:
    """data/values.xlsx with `rows` rows (header included) of distinct code, area, year."""
    import csv
    import random

    codes = [r["code"] for r in csv.DictReader(open(DEMO / "data" / "indicators.csv", encoding="utf-8-sig"))]
    sub = DEMO / "data" / "sub_indicators.csv"
    if sub.exists():
        codes += [r["code"] for r in csv.DictReader(open(sub, encoding="utf-8-sig"))]
    areas = [r["area"] for r in csv.DictReader(open(DEMO / "data" / "areas.csv", encoding="utf-8-sig"))]
    strings = ["code", "area", "year", "value", "note", "source"] + codes + areas + ["市统计局"]
    index = {s: i for i, s in enumerate(strings)}
    rng = random.Random(7)

    def cell(ref: str, s: str) -> str:
        return f'<c r="{ref}" t="s"><v>{index[s]}</v></c>'

    def sheet_rows():
        yield '<row r="1">' + "".join(cell(f"{c}1", h) for c, h in zip("ABCDEF", strings[:6])) + "</row>"
        n = 1
        for year in range(2199, 1899, -1):
            for area in areas:
                for code in codes:
                    n += 1
                    if n > rows:
                        return
                    v = round(rng.uniform(0, 100), 1)
                    yield (f'<row r="{n}">{cell(f"A{n}", code)}{cell(f"B{n}", area)}<c r="C{n}"><v>{year}</v></c>'
                           f'<c r="D{n}"><v>{v}</v></c>{cell(f"F{n}", "市统计局")}</row>')

    path = project / "data" / "values.xlsx"
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel_ns}><sheets>'
                   '<sheet name="values" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        from xml.sax.saxutils import escape

        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">'
                   + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><dimension ref="A1:F{rows}"/><sheetData>'.encode())
            buf = []
            for i, r in enumerate(sheet_rows()):
                buf.append(r)
                if len(buf) == 20000:
                    fh.write("".join(buf).encode("utf-8"))
                    buf = []
            fh.write(("".join(buf) + "</sheetData></worksheet>").encode("utf-8"))
    return path


def bench_survey(tmp: Path) -> dict:
    # generated in a child process: a measured child inherits its parent's peak RSS in
    # ru_maxrss, so the (large) generator must not be the parent
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'bench'); import bench_survey; "
                    f"bench_survey.make_million(__import__('pathlib').Path({str(tmp / 'million')!r}))"],
                   cwd=ROOT, check=True)
    project = tmp / "million"
    r = run([sys.executable, "-m", "reportkit", "survey", "--project", str(project), "--out", str(tmp / "out-survey"),
             "-q"])
    if r["rc"] != 0:
        raise SystemExit(r["stderr"])
    return r


def bench_xlsx(tmp: Path) -> dict:
    project = tmp / "xlsx"
    shutil.copytree(DEMO, project, ignore=shutil.ignore_patterns("values.csv"))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'bench'); import bench_hostile; "
                    f"bench_hostile.make_values_xlsx(__import__('pathlib').Path({str(project)!r}))"],
                   cwd=ROOT, check=True)
    path = project / "data" / "values.xlsx"
    gen = time.perf_counter() - t
    r = run([sys.executable, "-m", "reportkit", "validate", "--project", str(project), "--quiet"])
    r["generate_s"], r["file_mib"] = gen, path.stat().st_size / 2**20
    if r["rc"] not in (0, 2):
        raise SystemExit(r["stderr"])
    return r


def main(argv: list[str]) -> None:
    cases = argv or ["survey", "xlsx"]
    with tempfile.TemporaryDirectory(prefix="reportkit-bench-") as tmp:
        tmp = Path(tmp)
        if "survey" in cases:
            r = bench_survey(tmp)
            ok = r["wall"] <= 10 and r["peak_mib"] <= 1.5 * 1024
            print(f"== reportkit survey, 1,000,000 rows (interpreter start included)")
            print(f"   wall {r['wall']:6.2f} s   cpu {r['cpu']:6.2f} s   peak {r['peak_mib']:6.0f} MiB"
                  f"   target <= 10 s, <= 1536 MiB: {'met' if ok else 'NOT met'}")
            print("   " + r["stdout"].strip().splitlines()[0] if r["stdout"].strip() else "")
        if "xlsx" in cases:
            r = bench_xlsx(tmp)
            ok = r["wall"] <= 30
            print(f"== reportkit validate, values.xlsx of {ROWS:,} rows ({r['file_mib']:.0f} MiB, "
                  f"generated in {r['generate_s']:.0f} s, not measured)")
            print(f"   wall {r['wall']:6.2f} s   cpu {r['cpu']:6.2f} s   peak {r['peak_mib']:6.0f} MiB"
                  f"   target <= 30 s: {'met' if ok else 'NOT met'}   (exit {r['rc']})")


if __name__ == "__main__":
    main(sys.argv[1:])
