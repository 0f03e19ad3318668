"""render/fontsubset.py: the fonts a PDF is laid out with hold only the build's characters.

Read back as a reader's tools do: the subset font with fontTools (its character map,
glyph count, PostScript name), the PDF with pymupdf (its text, its embedded fonts)."""
from __future__ import annotations

import io
import re

import pytest

pymupdf = pytest.importorskip("pymupdf")
pytest.importorskip("weasyprint")
pytest.importorskip("uharfbuzz")

from fontTools.ttLib import TTFont  # noqa: E402

from reportkit import fonts  # noqa: E402
from reportkit.document import Document, Heading, Meta, Paragraph, text  # noqa: E402
from reportkit.render import fontsubset  # noqa: E402
from reportkit.render.pdf import render_pdf_document  # noqa: E402
from reportkit.theme import load_theme  # noqa: E402

BODY = "城市体检围绕生态宜居、健康舒适、安全韧性等方面展开，共采集指标五十七项。"


@pytest.fixture(scope="module")
def theme():
    return load_theme()


@pytest.fixture(scope="module")
def serif(theme):
    return fonts.resolve("serif", BODY, theme)


def test_charset_is_the_common_set_plus_the_document_own_characters():
    common = fontsubset.common()
    assert {"体", "检", "莞", "圳", "0", "9", "A", "z", "，", "。", "（", "）", "①", "⑳", "—", "…", "　", "、"} <= common
    assert 6763 < len(common) < 9000          # GB 2312's hanzi and symbols, and the base
    assert fontsubset.charset("体检\n报告\t") is common   # nothing beyond it: the very same set
    rare = fontsubset.charset("氹仔", "堃")
    assert rare - common == {"氹", "堃"}
    assert not {"\n", "\t", "\x00"} & rare


def test_subset_keeps_exactly_the_asked_characters_under_the_same_name(serif):
    chars = fontsubset.charset(BODY)
    data = fontsubset.subset(serif.path, chars)   # the common set: some 8,000 characters
    assert data is not None
    full = TTFont(str(serif.path), lazy=True)
    cut = TTFont(io.BytesIO(data))
    full_cmap, cut_cmap = full.getBestCmap(), cut.getBestCmap()
    # every asked character the font has; nothing it lacks (a few more share their glyphs)
    assert {ord(c) for c in chars} & set(full_cmap) <= set(cut_cmap) <= set(full_cmap)
    assert len(set(cut_cmap) - {ord(c) for c in chars}) < 50
    assert {ord(c) for c in BODY} <= set(cut_cmap)
    # about as many glyphs as characters (closure of the layout tables included), not tens of thousands
    assert cut["maxp"].numGlyphs < len(chars) * 1.5 < full["maxp"].numGlyphs // 2
    assert cut["name"].getDebugName(6) == full["name"].getDebugName(6)
    # the same advance widths: text is laid out exactly as with the whole font
    for c in BODY:
        assert cut["hmtx"][cut_cmap[ord(c)]][0] == full["hmtx"][full_cmap[ord(c)]][0]


def test_subset_is_reproducible(serif):
    chars = fontsubset.charset(BODY)
    first = fontsubset.subset(serif.path, chars)
    fontsubset._subset.cache_clear()
    assert fontsubset.subset(serif.path, chars) == first


def _doc(body: str) -> Document:
    return Document(Meta(title="字体子集测试", lang="zh-CN"),
                    (Heading(1, "总体情况", "一、"), Paragraph(text(body))))


def _embedded(pdf) -> list[TTFont]:
    out = []
    for xref in {f[0] for page in pdf for f in page.get_fonts()}:
        name, ext, _type, buffer = pdf.extract_font(xref)
        if buffer:
            out.append((name, TTFont(io.BytesIO(buffer)) if ext in ("otf", "ttf", "cff") and buffer[:4] in (
                b"OTTO", b"\x00\x01\x00\x00", b"true") else None, len(buffer)))
    return out


def test_pdf_text_fonts_and_size(theme, monkeypatch):
    laid = render_pdf_document(_doc(BODY), theme, None)
    pdf = pymupdf.open(stream=laid.data, filetype="pdf")
    assert re.sub(r"\s+", "", pdf[0].get_text()) == re.sub(r"\s+", "", "一、总体情况" + BODY + "字体子集测试—1—")  # header, footer
    names = {f[3] for page in pdf for f in page.get_fonts()}
    assert names and all(re.fullmatch(r"[A-Z]{6}\+NotoS(ans|erif)SC-Regular(-Bold)?", n) for n in names), names
    # the embedded font programs are a third of those cut from the whole fonts
    sizes = [size for _, _, size in _embedded(pdf)]
    monkeypatch.setattr(fontsubset, "subset", lambda path, chars: None)
    whole = render_pdf_document(_doc(BODY), theme, None)
    whole_sizes = [size for _, _, size in _embedded(pymupdf.open(stream=whole.data, filetype="pdf"))]
    assert len(sizes) == len(whole_sizes) == 3
    assert sum(sizes) * 2.5 < sum(whole_sizes), (sizes, whole_sizes)
    assert len(laid.data) * 2 < len(whole.data)


def test_documents_share_fonts_unless_they_hold_rarer_characters(theme):
    from reportkit.render import pdf as P

    first = P._layout(_doc(BODY), theme, None, None)
    second = P._layout(_doc("各城市体检概况与排名汇总表"), theme, None, None)
    rare = P._layout(_doc("氹仔堃"), theme, None, None)
    assert first.font_config is second.font_config      # the common set: one configuration
    assert rare.font_config is not first.font_config    # another set of font files: its own
    text = pymupdf.open(stream=rare.write_pdf(), filetype="pdf")[0].get_text()
    assert "氹仔堃" in text
    assert {f[3].split("+")[1] for f in pymupdf.open(stream=rare.write_pdf(), filetype="pdf")[0].get_fonts()} <= {
        "NotoSerifSC-Regular", "NotoSansSC-Regular", "NotoSansSC-Regular-Bold", "NotoSerifSC-Regular-Bold"}


def test_the_same_document_gives_the_same_pdf_whatever_was_laid_out_before(theme):
    a = render_pdf_document(_doc(BODY), theme, None).data
    render_pdf_document(_doc("氹仔堃" + BODY), theme, None)
    assert render_pdf_document(_doc(BODY), theme, None).data == a


def test_the_common_cut_is_kept_in_the_cache_folder_and_a_torn_file_is_cut_again(serif, tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTKIT_CACHE_DIR", str(tmp_path))
    chars = fontsubset.charset(BODY)
    assert chars is fontsubset.common()
    fontsubset._subset.cache_clear()
    first = fontsubset.subset(serif.path, chars)
    kept = sorted((tmp_path / "fonts").glob("subset-*.otf"))
    assert len(kept) == 1 and kept[0].read_bytes() == first
    fontsubset._subset.cache_clear()
    assert fontsubset.subset(serif.path, chars) == first          # read back
    kept[0].write_bytes(first[: len(first) // 2])                 # a torn file
    fontsubset._subset.cache_clear()
    assert fontsubset.subset(serif.path, chars) == first          # cut again, not the torn bytes
    assert kept[0].read_bytes() == first                          # and the file made whole
    # a rarer set is kept apart (render/fontsubset.py RARE_KEPT)
    fontsubset.subset(serif.path, fontsubset.charset("氹"))
    assert list((tmp_path / "fonts").glob("subset-*.otf")) == kept


def test_a_documents_own_cut_is_kept_and_only_the_latest_ones(serif, tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(fontsubset, "RARE_KEPT", 2)
    sets = [fontsubset.charset(c) for c in ("−", "氹", "堃")]
    assert all(s is not fontsubset.common() for s in sets)
    fontsubset._subset.cache_clear()
    cut = {c: fontsubset.subset(serif.path, c) for c in sets[:2]}
    assert sorted(p.read_bytes() for p in (tmp_path / "fonts").glob("rare-*.otf")) == sorted(cut.values())
    fontsubset._subset.cache_clear()

    def no_cut(*_):
        raise AssertionError("cut again")

    with monkeypatch.context() as m:
        m.setattr(fontsubset, "_subset", no_cut)
        assert fontsubset.subset(serif.path, sets[0]) == cut[sets[0]]      # read back, not cut
    fontsubset.subset(serif.path, sets[2])                                  # a third: the least recently used goes
    left = {p.read_bytes() for p in (tmp_path / "fonts").glob("rare-*.otf")}
    assert len(left) == 2 and cut[sets[0]] in left and cut[sets[1]] not in left
    ttf = TTFont(io.BytesIO(cut[sets[0]]))
    assert ord("−") in ttf.getBestCmap() and ord("氹") not in ttf.getBestCmap()
