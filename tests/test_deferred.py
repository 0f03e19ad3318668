"""A PDF laid out before its charts exist (render/deferred.py) and the chart sizes it
is laid out with (charts/size.py): the same bytes as a PDF laid out with the charts."""
from __future__ import annotations

import io
import struct

import pytest

pymupdf = pytest.importorskip("pymupdf")
pytest.importorskip("weasyprint")

from PIL import Image  # noqa: E402

from reportkit.charts import ChartSpec, draw_png  # noqa: E402
from reportkit.charts.size import pixel_size  # noqa: E402
from reportkit.document import Document, Figure, Heading, Meta, Paragraph, text  # noqa: E402
from reportkit.render import deferred  # noqa: E402
from reportkit.render.pdf import render_pdf_document  # noqa: E402
from reportkit.theme import load_theme  # noqa: E402

SPECS = (
    ChartSpec("bars", "c-bars", {"labels": ["甲", "乙", "丙"], "values": [3, 5, 4]}, title="各区对比"),
    ChartSpec("radar", "c-radar", {"labels": ["宜居", "韧性", "绿色", "人文"], "values": [80, 70, 65, 90]}),
    ChartSpec("trend", "c-trend", {"years": [2021, 2022, 2023], "values": [1.0, 2.5, 2.0]}),
    ChartSpec("bars", "c-same", {"labels": ["甲", "乙", "丙"], "values": [3, 5, 4]}, title="各区对比"),
)


@pytest.fixture(scope="module")
def theme():
    return load_theme()


@pytest.fixture(scope="module")
def charts(theme, tmp_path_factory):
    """str(Figure.path) -> PNG (not on disk: drawn in this build), and the document."""
    figures = tmp_path_factory.mktemp("figures")
    pngs = {str(figures / f"{s.name}.png"): draw_png(s, theme) for s in SPECS}
    blocks = [Heading(1, "第一章", "一")]
    for n, (path, s) in enumerate(zip(pngs, SPECS), start=1):
        blocks += [Paragraph(text("说明文字。" * 40)), Figure(path, s.title or s.name, number=f"图{n}", alt="图")]
    return pngs, Document(Meta(title="延后排版", lang="zh-CN"), tuple(blocks))


def _size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def test_a_charts_size_is_known_before_it_is_drawn(theme):
    for spec in SPECS:
        png = draw_png(spec, theme)
        assert pixel_size(spec, theme) == _size(png) == Image.open(io.BytesIO(png)).size


@pytest.mark.parametrize("known", [0, 2])
def test_laid_out_with_stand_ins_the_pdf_is_the_same_bytes(theme, charts, known):
    pngs, doc = charts
    ref = render_pdf_document(doc, theme, images=pngs)
    images = dict(list(pngs.items())[:known])
    pending = {p: _size(png) for p, png in pngs.items() if p not in images}
    state = deferred.layout(doc, theme, None, images, pending)
    assert state.printed == ref.printed and state.pages == ref.anchors and state.page_count == ref.page_count
    out = deferred.write(state, pngs)
    assert state.pending == pending            # the stand-ins were used, not a second layout
    assert out.data == ref.data
    pdf = pymupdf.open(stream=out.data, filetype="pdf")
    shown = [pymupdf.Pixmap(pdf, x[0]) for page in pdf for x in page.get_images()]
    assert len({(p.width, p.height, p.samples) for p in shown}) == 3   # the two equal charts are one image
    assert any(p.samples == Image.open(io.BytesIO(pngs[next(iter(pngs))])).tobytes() for p in shown)


def test_a_chart_that_is_not_its_stand_ins_size_is_laid_out_again(theme, charts):
    pngs, doc = charts
    ref = render_pdf_document(doc, theme, images=pngs)
    first = next(iter(pngs))
    pending = {p: _size(png) for p, png in pngs.items()}
    w, h = pending[first]
    pending[first] = (w, h // 2)               # a wrong guess: the page breaks may move
    state = deferred.layout(doc, theme, None, {}, pending)
    out = deferred.write(state, pngs)
    assert state.pending == {}                 # laid out again with the charts themselves
    assert out.data == ref.data and out.printed == ref.printed


def test_a_stand_in_is_a_header_without_pixels():
    stub = deferred.stub_png("figures/x.png", 640, 480)
    im = Image.open(io.BytesIO(stub))
    assert (im.format, im.mode, im.size) == ("PNG", "RGB", (640, 480)) and not im.info
    assert deferred.same_header(draw_png(SPECS[0], load_theme()), *_size(draw_png(SPECS[0], load_theme())))
    assert not deferred.same_header(stub[:20], 640, 480)
    rgba = io.BytesIO()
    Image.new("RGBA", (640, 480)).save(rgba, format="PNG")
    assert not deferred.same_header(rgba.getvalue(), 640, 480)
