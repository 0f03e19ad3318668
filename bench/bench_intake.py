"""Issue #12, the filing loop, on the demo (2 cores):
`reportkit intake template` for the 62 filers <= 5 s; `intake collect` of the 62
returned workbooks (filled by content/tools/fill_intake.py, round 1 with its
mistakes, so return slips are laid out too) <= 5 s; `intake status` <= 2 s.
Each is timed as the whole command, interpreter start included.  collect and
status remember what they read from each returned file (out/.cache/intake, keyed
by the file's bytes), so both are shown cold (a new --out) and warm (the daily
case: most files were read the day before)."""
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, run_cli, verdict


def best(*args, n=3):
    runs = [run_cli(*args) for _ in range(n)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        returned = Path(tmp) / "returned"
        wall, rss = best("intake", "template", "--out", str(out))
        n = len(list((out / "intake").glob("*.xlsx")))
        print(f"intake template ({n} filers):         {wall:.2f} s, peak {rss:.0f} MiB  {verdict(wall, 5.0)}")
        subprocess.run([sys.executable, str(ROOT / "content" / "tools" / "fill_intake.py"), str(out / "intake"),
                        str(returned)], check=True, capture_output=True)
        m = len(list(returned.glob("*.xlsx")))
        cold, rss = run_cli("intake", "collect", str(returned), "--out", str(Path(tmp) / "c"))
        warm, _ = best("intake", "collect", str(returned), "--out", str(Path(tmp) / "c"))
        slips = len(list((Path(tmp) / "c" / "intake" / "returns").glob("*.pdf")))
        print(f"intake collect ({m} workbooks, {slips} return slips): cold {cold:.2f} s {verdict(cold, 5.0)}, "
              f"warm {warm:.2f} s, peak {rss:.0f} MiB")
        cold, rss = run_cli("intake", "status", str(returned), "--out", str(Path(tmp) / "s"))
        warm, _ = best("intake", "status", str(returned), "--out", str(Path(tmp) / "s"))
        print(f"intake status (bulletin PNG + CSV):   cold {cold:.2f} s {verdict(cold, 2.0)}, warm {warm:.2f} s "
              f"{verdict(warm, 2.0)}, peak {rss:.0f} MiB")


if __name__ == "__main__":
    main()
