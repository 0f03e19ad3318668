"""The PDF worker of reportkit/overlap.py: the report laid out by a worker process while
the charts are drawn by both processes gives what reportkit.workers gives, and a worker
process ends without leaving its WeasyPrint font folder behind."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

pytest.importorskip("weasyprint")

from reportkit.charts import ChartSpec  # noqa: E402
from reportkit.document import Document, Figure, Heading, Meta, Paragraph, Toc, text  # noqa: E402
from reportkit.overlap import PdfWorker  # noqa: E402
from reportkit.theme import find_template, load_theme  # noqa: E402
from reportkit.workers import RenderJob, Workers  # noqa: E402

SPECS = [ChartSpec("bars", f"c{i}", {"labels": ["甲", "乙", "丙"][: 2 + i % 2], "values": [3, 5, 4][: 2 + i % 2]},
                   title=f"图{i}") for i in range(6)]


def test_the_pdf_worker_gives_the_bytes_of_the_pool(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))   # the workers' temporary folders
    (tmp_path / "tmp").mkdir()
    tempfile.tempdir = None
    try:
        theme = load_theme()
        figures = tmp_path / "figures"
        blocks = [Toc("目录", 2), Heading(1, "第一章", "一", anchor="ch1")]
        for i, s in enumerate(SPECS):
            blocks += [Paragraph(text("说明。" * 60)), Figure(figures / f"{s.name}.png", s.title, number=f"图{i}", alt="图")]
            if i == 3:
                blocks.append(Heading(1, "第二章", "二", anchor="ch2"))
        doc = Document(Meta(title="汇总", lang="zh-CN"), tuple(blocks))
        job = RenderJob("out/report", doc, ("pdf", "docx"), find_template("report.docx", None),
                        frozenset(s.name for s in SPECS), figures)
        have = {}
        with Workers(1, theme, None) as serial:
            ref = serial.run(SPECS, [job], have)
        own = set((tmp_path / "tmp").glob("weasyprint-*"))      # this process's, removed when it ends
        worker = PdfWorker(theme, None)
        try:
            got = worker.run(SPECS, job, have)
        finally:
            worker.close()
        assert got[0] == ref[0] and got[1] == ref[1]          # every chart, every cache entry
        a, b = got[2]["out/report"], ref[2]["out/report"]
        assert a.pdf == b.pdf and a.docx == b.docx and a.pages == b.pages and a.anchors == b.anchors
        assert set((tmp_path / "tmp").glob("weasyprint-*")) == own   # the worker removed its font folder
    finally:
        tempfile.tempdir = None
