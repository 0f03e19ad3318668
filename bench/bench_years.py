"""Issue #13 (year after year): what the previous checkup costs the report, and the
five-year assessment.

1. The demo report built cold (empty --out, no chart cache) with `previous` set (as
   shipped: content/ → content/history/2019) and with the `previous` line removed.
   Target: at most 20 % more with `previous`.  Wall time is what the user waits; CPU
   time (this process's children, user + system) is printed beside it because it is
   less disturbed by other work on the machine.  Each variant runs twice, alternating
   with the other; the faster run counts.
2. `reportkit assess` cold over five demo-sized years: the demo chain 2016–2020 with
   every earlier year given the 2020 survey of 87,000 questionnaires (57 indicators,
   34 towns, 5 peers each year).  Target: ≤ 60 s.  The chain as shipped (small
   surveys for 2016–2019) is timed as well.
"""
import re
import resource
import shutil
import tempfile
from pathlib import Path

from common import ROOT, run_cli, verdict


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(*args) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MiB) of one `reportkit ARGS` run."""
    c0 = cpu()
    wall, peak = run_cli(*args)
    return wall, cpu() - c0, peak


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with_prev = tmp / "with" / "content"
        shutil.copytree(ROOT / "content", with_prev, ignore=shutil.ignore_patterns("tools"))
        without = tmp / "without" / "content"
        shutil.copytree(ROOT / "content", without, ignore=shutil.ignore_patterns("tools", "history"))
        toml = without / "project.toml"
        toml.write_text(re.sub(r"(?m)^previous\s*=.*\n", "", toml.read_text(encoding="utf-8")), encoding="utf-8")
        for n in without.glob("narratives/*.md"):   # narratives citing last year's figures need `previous`
            if "last_checkup" in n.read_text(encoding="utf-8"):
                n.unlink()

        def report(project):
            return lambda i: ("report", "--project", str(project), "--out", str(tmp / f"out-{project.parent.name}-{i}"),
                              "--quiet")

        # the two variants alternate, so that a change of load on the machine hits both alike
        runs = {False: [], True: []}
        for i in range(2):
            for prev in (False, True):
                runs[prev].append(timed(*report(with_prev if prev else without)(i)))
        (w0, c0, m0), (w1, c1, m1) = ((min(r[0] for r in runs[k]), min(r[1] for r in runs[k]),
                                       max(r[2] for r in runs[k])) for k in (False, True))
        print(f"report cold, without previous: {w0:.1f} s wall, {c0:.1f} s CPU, {m0:.0f} MiB")
        print(f"report cold, with previous:    {w1:.1f} s wall, {c1:.1f} s CPU, {m1:.0f} MiB")
        extra_w, extra_c = w1 / w0 - 1, c1 / c0 - 1
        print(f"cost of previous: {extra_w:+.0%} wall, {extra_c:+.0%} CPU  "
              f"wall {'OK' if extra_w <= 0.20 else 'OVER'}, CPU {'OK' if extra_c <= 0.20 else 'OVER'} (target ≤ +20%; "
              f"wall time is reliable only on a quiet machine)")

        wall, cpu_s, peak = timed("assess", "--projects", str(with_prev), "--out", str(tmp / "assess-shipped"),
                                  "--quiet")
        print(f"assess cold, demo chain as shipped (2016–2019 with small surveys): {wall:.1f} s wall, "
              f"{cpu_s:.1f} s CPU, {peak:.0f} MiB")
        big = tmp / "big" / "content"
        shutil.copytree(with_prev, big)
        survey = big / "data" / "survey.csv"
        for year in sorted((big / "history").iterdir()):
            if (year / "project.toml").is_file():
                shutil.copyfile(survey, year / "data" / "survey.csv")
        wall, cpu_s, peak = timed("assess", "--projects", str(big), "--out", str(tmp / "assess-big"), "--quiet")
        print(f"assess cold, five demo-sized years (87,000 questionnaires each): {wall:.1f} s wall, {cpu_s:.1f} s CPU, "
              f"{peak:.0f} MiB  {verdict(wall, 60)}")


if __name__ == "__main__":
    main()
