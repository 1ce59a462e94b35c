"""Which fonts draw a brief's text: the check that finds empty boxes before a reader does."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.content import fonts
from briefgen.content.style import load_style


def test_characters_no_font_draws_are_found_and_cjk_is_drawn(tmp_path: Path):
    glyphs = fonts.GlyphCheck(load_style(None), tmp_path / "fonts.json")
    assert glyphs.missing("Hokkaidō and 北方領土") == []  # Carlito, then Noto Sans CJK
    assert glyphs.missing("a hieroglyph \U00013000 and \U00013001") == ["\U00013000", "\U00013001"]


def test_answers_are_kept_until_the_fonts_change(tmp_path: Path, monkeypatch):
    cache = tmp_path / "fonts.json"
    first = fonts.GlyphCheck(load_style(None), cache)
    assert first.missing("北 \U00013000") == ["\U00013000"]
    first.save()

    def no_fontconfig(chars):
        raise AssertionError("asked fontconfig again")

    monkeypatch.setattr(fonts, "families_with", no_fontconfig)
    again = fonts.GlyphCheck(load_style(None), cache)
    assert again.missing("北 \U00013000") == ["\U00013000"]
    folder = tmp_path / "fonts"
    folder.mkdir()
    monkeypatch.setattr(fonts, "FONT_FOLDERS", (str(folder),))
    before = fonts.fingerprint(load_style(None))
    (folder / "NewFont-Regular.ttf").write_bytes(b"not really a font")
    assert fonts.fingerprint(load_style(None)) != before  # installing a font rebuilds the outputs
    with pytest.raises(AssertionError, match="asked fontconfig again"):
        fonts.GlyphCheck(load_style(None), cache).missing("北")


def test_the_cjk_face_of_the_language_comes_first():
    style = load_style(None)
    assert fonts.fallback_stack(style, "ja-JP")[0] == "Noto Sans CJK JP"
    assert fonts.fallback_stack(style, "zh-TW")[0] == "Noto Sans CJK TC"
    assert fonts.fallback_stack(style, "zh-CN")[0] == "Noto Sans CJK SC"
    assert fonts.fallback_stack(style, "ko")[0] == "Noto Sans CJK KR"
    assert fonts.fallback_stack(style, "en-US") == style.theme["fonts"]["fallback"]
