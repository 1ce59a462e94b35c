"""The words and marks of a language: cross-reference labels and quotation marks, by BCP 47 tag."""

from __future__ import annotations

import re

# A BCP 47 tag as briefs write one: a language, then script, region or variant subtags (en-GB, zh-Hant-TW).
_LANGUAGE_TAG = re.compile("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

# Languages written right to left: their text runs right to left and Word sets their words as complex script.
RTL_LANGUAGES = frozenset({"ar", "he", "iw", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "syr"})
# Languages written with Chinese characters, kana or hangul, with the tag Word assumes for each:
# Word sets their words as East Asian text.
EAST_ASIAN_LANGUAGES = {"ja": "ja-JP", "zh": "zh-CN", "ko": "ko-KR"}

DEFAULT_LABELS = {
    "en": {"figure": "Figure", "table": "Table", "recommendation": "Recommendation", "source": "Source"},
    "de": {"figure": "Abbildung", "table": "Tabelle", "recommendation": "Empfehlung", "source": "Quelle"},
    "fr": {"figure": "Figure", "table": "Tableau", "recommendation": "Recommandation", "source": "Source"},
    "es": {"figure": "Figura", "table": "Tabla", "recommendation": "Recomendación", "source": "Fuente"},
    "it": {"figure": "Figura", "table": "Tabella", "recommendation": "Raccomandazione", "source": "Fonte"},
    "ja": {"figure": "図", "table": "表", "recommendation": "提言", "source": "出典"},
    "zh": {"figure": "图", "table": "表", "recommendation": "建议", "source": "来源"},
    "ko": {"figure": "그림", "table": "표", "recommendation": "권고", "source": "출처"},
    "ru": {"figure": "Рисунок", "table": "Таблица", "recommendation": "Рекомендация", "source": "Источник"},
}

# Outer and inner quotation marks by language (CLDR's delimiters), or by a whole tag where a region differs.
QUOTES = {
    "en": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "fr": ("\u00ab\u202f", "\u202f\u00bb", "\u2039\u202f", "\u202f\u203a"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "ja": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "zh": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "ko": ("\u201c", "\u201d", "\u2018", "\u2019"),
    # British English: single outer quotes, as citeproc's en-GB locale writes the titles in notes
    "en-gb": ("\u2018", "\u2019", "\u201c", "\u201d"),
}


def quote_marks(lang: str, double: bool) -> tuple[str, str]:
    """Opening and closing quotation marks of a language, outer (double) or inner (single)."""
    marks = QUOTES.get(lang.lower()) or QUOTES.get(primary(lang), QUOTES["en"])
    outer_open, outer_close, inner_open, inner_close = marks
    return (outer_open, outer_close) if double else (inner_open, inner_close)


def primary(lang: str) -> str:
    """'de' for 'de-CH': the part of a BCP 47 tag that chooses words and quotation marks."""
    return lang.split("-")[0].lower()


def is_language_tag(tag: str) -> bool:
    """Whether `tag` is a BCP 47 language tag: its shape, and each subtag one of IANA's registry
    (langcodes), so `eg` (Egypt's country code) or `French` are refused, `ar-EG` and `ja-Latn` taken."""
    import langcodes  # only a Markdown field with a {lang=...} asks

    return bool(_LANGUAGE_TAG.match(tag)) and langcodes.tag_is_valid(tag)


def labels_for(lang: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The words of cross-references for a language, with the house style's overrides."""
    return {**DEFAULT_LABELS.get(primary(lang), DEFAULT_LABELS["en"]), **(overrides or {})}
