"""Issue: foundation — wall time of `reportkit validate` + `reportkit score` on the demo,
interpreter start included (target under 2 s)."""
import tempfile

from common import run_cli, verdict


def main():
    with tempfile.TemporaryDirectory() as out:
        run_cli("score", "--out", out)  # warm the OS file cache once
        best_v = best_s = 1e9
        for _ in range(3):
            v, _ = run_cli("validate")
            s, _ = run_cli("score", "--out", out)
            best_v, best_s = min(best_v, v), min(best_s, s)
    total = best_v + best_s
    print(f"validate (demo, incl. interpreter start): {best_v:.2f} s")
    print(f"score    (demo, incl. interpreter start): {best_s:.2f} s")
    print(f"validate + score: {total:.2f} s  {verdict(total, 2.0)}")


if __name__ == "__main__":
    main()
