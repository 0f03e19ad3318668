"""reportkit/write.py: the only code that writes; all or nothing; reproducible zips."""
from __future__ import annotations

import io
import os
import zipfile

import pytest

from reportkit.errors import ReportkitError
from reportkit.write import Writer, build_time, normalize_zip


def test_commit_writes_everything_and_leaves_unchanged_files_alone(tmp_path):
    w = Writer(tmp_path / "out")
    w.add("a.txt", "一")
    w.add("sub/b.bin", b"\x00\x01")
    w.add_path(tmp_path / "project" / "data" / "tracking.csv", b"id,status\n")
    files = w.commit()
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "一"
    assert (tmp_path / "project" / "data" / "tracking.csv").read_bytes() == b"id,status\n"
    assert len(files) == 3
    mtime = (tmp_path / "out" / "a.txt").stat().st_mtime_ns
    w2 = Writer(tmp_path / "out")
    w2.add("a.txt", "一")
    w2.commit()
    assert (tmp_path / "out" / "a.txt").stat().st_mtime_ns == mtime
    # nothing of the commit machinery is left beside the outputs (no journal, no lock file)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "sub"]


def test_a_lock_file_of_an_earlier_version_is_cleaned_up(tmp_path):
    from reportkit.write import JOURNAL_DIR

    (tmp_path / "out" / JOURNAL_DIR).mkdir(parents=True)
    (tmp_path / "out" / JOURNAL_DIR / "lock").write_bytes(b"")
    Writer.recover(tmp_path / "out")
    assert not (tmp_path / "out" / JOURNAL_DIR).exists()


def test_paths_cannot_escape_the_output_folder(tmp_path):
    w = Writer(tmp_path)
    for bad in ("../x", "/etc/x", "a/../../x"):
        with pytest.raises(ValueError):
            w.add(bad, b"")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_folder_changes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    (out / "ro").mkdir()
    os.chmod(out / "ro", 0o500)
    w = Writer(out)
    w.add("old.txt", "new")
    w.add("ro/x.txt", "x")
    with pytest.raises(ReportkitError):
        w.commit()
    assert (out / "old.txt").read_text() == "old"
    assert not [p for p in out.rglob("*.tmp")]


def test_a_file_where_a_folder_is_wanted_is_a_user_error(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sub").write_text("a file")
    w = Writer(tmp_path / "out")
    w.add("first.txt", "1")
    w.add("sub/x.txt", "x")
    with pytest.raises(ReportkitError):
        w.commit()
    assert not (tmp_path / "out" / "first.txt").exists()     # nothing renamed before all were staged
    assert not [p for p in (tmp_path / "out").rglob("*.tmp")]


def test_normalize_zip_is_reproducible(monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("docProps/core.xml", "<dcterms:created x=\"1\">2001-01-01T00:00:00Z</dcterms:created>")
        z.writestr("a.xml", "<a/>")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a = normalize_zip(buf.getvalue())
    assert a == normalize_zip(buf.getvalue())
    z = zipfile.ZipFile(io.BytesIO(a))
    t = build_time()
    assert all(i.date_time[:3] == (t.year, t.month, t.day) for i in z.infolist())
    assert b"2023-11-14T22:13:20Z" in z.read("docProps/core.xml")
