"""Issue: the city self-check report — cold full build (DOCX + PDF, all charts), rebuild
after an analyst edits one narrative, and peak memory, on the demo project.
Targets on 2 cores: cold < 30 s, rebuild < 6 s, peak memory < 1.5 GiB."""
import shutil
import tempfile
from pathlib import Path

from common import ROOT, run_cli, verdict


def main():
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(ROOT / "content", project, ignore=shutil.ignore_patterns("tools"))
        out = Path(tmp) / "out"
        cold, mem_cold = run_cli("report", "--project", str(project), "--out", str(out), "--quiet")
        narrative = sorted((project / "narratives").glob("*.md"))[2]
        narrative.write_text(narrative.read_text(encoding="utf-8") + "\n补充一句分析。\n", encoding="utf-8")
        warm, mem_warm = run_cli("report", "--project", str(project), "--out", str(out), "--quiet")
        pages = (out / "report.pdf").read_bytes().count(b"/Type /Page\n") or "?"
    print(f"cold full build (DOCX + PDF + {len(list((out).glob('figures/*.png'))) if out.exists() else 'all'} charts): "
          f"{cold:.1f} s  {verdict(cold, 30)}")
    print(f"rebuild after editing {narrative.name}: {warm:.1f} s  {verdict(warm, 6)}")
    peak = max(mem_cold, mem_warm)
    print(f"peak memory (largest process): {peak:.0f} MiB  {verdict(peak, 1536, 'MiB')}")


if __name__ == "__main__":
    main()
