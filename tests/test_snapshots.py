"""What the products compose, against the stored text snapshots (tests/snapshots/).

A failure shows the first differing lines; if the change is intended, run
`make snapshots` and read `git diff tests/snapshots` before committing."""
from __future__ import annotations

import difflib

import pytest

from conftest import DEMO
from update_snapshots import PROJECTS, SNAPSHOTS, snapshot


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_composition_matches_snapshot(name, tmp_path):
    project = PROJECTS[name]
    if project == DEMO and not (DEMO / "data" / "survey.csv").exists():
        pytest.skip("demo survey not generated (run `make demo-data`)")
    got = snapshot(project, tmp_path / "out")
    for fname, data in got.items():
        path = SNAPSHOTS / name / fname
        assert path.exists(), f"missing snapshot {path}; run `make snapshots`"
        want = path.read_bytes()
        if data != want:
            diff = "\n".join(list(difflib.unified_diff(want.decode("utf-8-sig").splitlines(),
                                                       data.decode("utf-8-sig").splitlines(),
                                                       f"stored {fname}", f"composed {fname}", lineterm=""))[:60])
            pytest.fail(f"{name}/{fname} differs from the snapshot (run `make snapshots` if intended):\n{diff}")
