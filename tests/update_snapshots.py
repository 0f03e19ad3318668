"""Text snapshots of what the products compose, for the example projects.

`make snapshots` runs this script after an intended change of content or wording;
read the diff (`git diff tests/snapshots`) before committing it.  tests/test_snapshots.py
composes the same projects and compares with these files, so any unintended change of
a sentence, number, caption or table cell shows up as a failing test with a diff.

For each project: report.txt (reportkit.document.dump of the report), sheets.txt
(every department and town sheet), scores.csv and survey-summary.json.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SNAPSHOTS = ROOT / "tests" / "snapshots"
PROJECTS = {"demo": ROOT / "content", "mini": ROOT / "tests" / "fixtures" / "mini"}
PRODUCTS = ("results", "survey", "report", "sheets")


def snapshot(project: Path, out: Path) -> dict[str, bytes]:
    """File name -> expected bytes, composed (not drawn or laid out) from `project`."""
    from reportkit.build import prepare
    from reportkit.document import dump

    _, composed = prepare(project, out, PRODUCTS)
    files = {"report.txt": dump(composed["report"].data).encode("utf-8")}
    sheets = [f"=== {s.stem} ===\n{dump(s.doc)}" for s in composed["sheets"].data.sheets]
    files["sheets.txt"] = "\n".join(sheets).encode("utf-8")
    files["scores.csv"] = composed["results"].files["scores.csv"]
    files["survey-summary.json"] = composed["survey"].files["survey/summary.json"]
    return files


def main(argv: list[str]) -> int:
    wanted = set(argv) or set(PROJECTS)
    for name, project in PROJECTS.items():
        if name not in wanted:
            continue
        folder = SNAPSHOTS / name
        folder.mkdir(parents=True, exist_ok=True)
        for fname, data in snapshot(project, ROOT / "build" / "snapshot-out").items():
            (folder / fname).write_bytes(data)
            print(f"{(folder / fname).relative_to(ROOT)}  {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
