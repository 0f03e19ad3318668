"""Issue: promo — time to build every campaign image for the demo (target under 5 s
on 2 cores): load + validate, run_survey, then compose + typeset + QR + encode.
Also prints each file's size and, when `promo` is registered in the CLI, the wall
time of `reportkit promo` with interpreter start."""
import sys
import tempfile
import time

from common import ROOT, run_cli, verdict

sys.path.insert(0, str(ROOT))


def main():
    from reportkit.products.promo import build_promo
    from reportkit.compose import promo
    from reportkit.load.project import open_project
    from reportkit.score.survey import run_survey

    t0 = time.perf_counter()
    project, _ = open_project(ROOT / "content")
    t1 = time.perf_counter()
    summary = run_survey(project).summary
    t2 = time.perf_counter()
    design = promo.load_design(project.root)
    files, rendered = build_promo(project, summary, design)  # first run: fonts, jieba, caches
    t3 = time.perf_counter()
    warm = 1e9
    for _ in range(2):
        s = time.perf_counter()
        build_promo(project, summary, design)
        warm = min(warm, time.perf_counter() - s)
    total = t3 - t0
    print(f"load + validate demo project: {t1 - t0:.2f} s")
    print(f"run_survey:                   {t2 - t1:.2f} s")
    print(f"promo images (first / warm):  {t3 - t2:.2f} s / {warm:.2f} s  for {len(files)} files")
    for r in rendered:
        name = r.canvas.name
        png_b, jpg_b = len(files[f"promo/{name}.png"]), len(files[f"promo/{name}.jpg"])
        print(f"  {name:9s} {r.image.width}×{r.image.height}  png {png_b:>8,d} B  jpg {jpg_b:>8,d} B")
    print(f"all promo images from the project folder: {total:.2f} s  {verdict(total, 5.0)}")

    import click

    from reportkit.cli import main as cli

    if cli.get_command(click.Context(cli), "promo") is not None:
        with tempfile.TemporaryDirectory() as out:
            wall, rss = run_cli("promo", "--out", out, "--quiet")
        print(f"reportkit promo (incl. interpreter start): {wall:.2f} s, peak {rss:.0f} MiB  {verdict(wall, 5.0)}")
    else:
        print("reportkit promo: not registered in reportkit/cli.py yet (CLI wall time not measured)")


if __name__ == "__main__":
    main()
