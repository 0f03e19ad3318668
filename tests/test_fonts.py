"""reportkit/fonts.py: which characters a resolved font draws."""
from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from reportkit import fonts
from reportkit.theme import load_theme


@pytest.fixture(scope="module")
def resolved():
    theme = load_theme()
    out = [fonts.resolve(k, "体检", theme) for k in ("sans", "serif")]
    return out + [fonts.resolve_bold(k, theme) for k in ("sans", "serif")]


def test_character_map_is_the_font_own_best_cmap(resolved):
    for font in resolved:
        with TTFont(str(font.path), lazy=True, fontNumber=font.index) as tt:
            expected = frozenset(tt.getBestCmap())
        assert fonts._cmap(str(font.path), font.index) == expected, font.path
        assert len(expected) > 20000          # a CJK font


def test_family_is_the_font_own_best_family_name(resolved):
    for font in resolved:
        with TTFont(str(font.path), lazy=True, fontNumber=font.index) as tt:
            expected = str(tt["name"].getBestFamilyName())
        assert fonts._family(str(font.path), font.index) == expected, font.path
        assert expected.startswith("Noto")


def test_em_box_is_the_font_own_os2_typo_metrics(resolved, tmp_path):
    from reportkit.render import png

    for font in resolved:
        with TTFont(str(font.path), lazy=True, fontNumber=font.index) as tt:
            upm = tt["head"].unitsPerEm
            expected = (tt["OS/2"].sTypoAscender / upm, -tt["OS/2"].sTypoDescender / upm)
        assert png._em_box_hb(str(font.path), font.index) == expected, font.path
        assert 0.5 < sum(expected) < 1.6
    bad = tmp_path / "bad.otf"
    bad.write_bytes(b"not a font at all")
    assert png._em_box_hb(str(bad), 0) is None


def test_covers_names_the_characters_a_font_lacks(resolved, tmp_path):
    font = resolved[0]
    assert font.covers("城市体检 2020年（示例）\n") == set()
    assert font.covers("城市\U0001F600体检\ue000") == {"\U0001F600", "\ue000"}


def test_a_file_that_is_no_font_raises_rather_than_covering_nothing(tmp_path):
    bad = tmp_path / "bad.otf"
    bad.write_bytes(b"not a font at all")
    fonts._cmap.cache_clear()
    with pytest.raises(Exception):
        fonts._cmap(str(bad), 0)
