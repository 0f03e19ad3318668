"""Fill the demo's filing workbooks as the departments and towns would.

    python content/tools/fill_intake.py TEMPLATES OUT [--truth content] [--round 1|2]

Reads every intake/<filer>.xlsx written by `reportkit intake template`, types the
demo's values (content/data/values.csv, the "truth") into 填报值, a data source
into 数据来源, and saves the returned copies into OUT.

Round 1 makes a few realistic mistakes, one filer each (see MISTAKES): a text in
a number cell, a value typed in the wrong unit (x100), a value left empty, and a
code cell edited in spite of the protection.  Round 2 sends those filers'
corrected workbooks again, saved later (the workbook's own modified time), so
that `intake collect` takes the newer return and reports the older one.

The copies are byte-reproducible: fixed zip timestamps and a fixed modified time
per round.
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import zipfile
from pathlib import Path

# filer -> the mistake it makes in round 1
MISTAKES = {"tjj": "text", "zrzyj": "x100", "swj": "missing", "jyj": "edited_code"}
STAMPS = {1: "2020-09-20T09:30:00Z", 2: "2020-09-25T15:00:00Z"}
SOURCE_TEXT = "部门业务台账（示例数据）"
TOWN_SOURCE_TEXT = "园镇统计台账（示例数据）"


def truth(project: Path) -> dict[tuple[str, str, int], str]:
    with (project / "data" / "values.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {(r["code"], r["area"], int(r["year"])): r["value"] for r in csv.DictReader(fh) if r["value"] != ""}


def save(wb, stamp: str) -> bytes:
    """The workbook as bytes with fixed zip dates and `stamp` as its modified time."""
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    date_time = tuple(int(x) for x in re.split(r"[-T:Z]", stamp)[:6])
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 lambda m: m.group(1) + stamp.encode() + m.group(2), payload)
                payload = re.sub(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)",
                                 lambda m: m.group(1) + b"2020-09-01T00:00:00Z" + m.group(2), payload)
            zi = zipfile.ZipInfo(info.filename, date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, payload)
    return out.getvalue()


def fill(path: Path, values: dict, mistake: str | None) -> object:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["填报表"]
    head = {c.value: c.column_letter for c in ws[1]}
    done = False
    for row in range(2, ws.max_row + 1):
        code = ws[f"{head['编号']}{row}"].value
        area = ws[f"{head['地区']}{row}"].value
        year = ws[f"{head['年份']}{row}"].value
        if code is None:
            continue
        got = values.get((str(code), str(area), int(year)))
        if got is None:
            continue
        value = float(got)
        cell = ws[f"{head['填报值']}{row}"]
        previous = ws[f"{head['上年值']}{row}"].value
        unit = ws[f"{head['单位']}{row}"].value
        if mistake and not done:
            if mistake == "text":
                cell.value = f"约{got}"
                done = True
                continue
            if mistake == "x100" and previous not in (None, 0) and unit not in ("%", "个", "天"):
                cell.value = value * 100      # typed in the wrong unit
                done = True
                ws[f"{head['数据来源']}{row}"].value = SOURCE_TEXT
                continue
            if mistake == "missing":
                done = True
                continue
            if mistake == "edited_code":
                ws[f"{head['编号']}{row}"].value = str(code) + "X"
                cell.value = value
                done = True
                continue
        cell.value = value
        ws[f"{head['数据来源']}{row}"].value = SOURCE_TEXT if area == values.get("_city") else TOWN_SOURCE_TEXT
    return wb


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("templates", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--truth", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--round", type=int, choices=(1, 2), default=1)
    args = ap.parse_args(argv)
    import tomllib

    values = truth(args.truth)
    city = tomllib.loads((args.truth / "project.toml").read_text(encoding="utf-8"))["city"]
    values["_city"] = city
    args.out.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in sorted(args.templates.glob("*.xlsx")):
        filer = path.stem
        if args.round == 2 and filer not in MISTAKES:
            continue
        mistake = MISTAKES.get(filer) if args.round == 1 else None
        wb = fill(path, values, mistake)
        name = f"{filer}.xlsx" if args.round == 1 else f"{filer}-更正.xlsx"
        (args.out / name).write_bytes(save(wb, STAMPS[args.round]))
        n += 1
    print(f"filled {n} workbooks into {args.out} (round {args.round})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
