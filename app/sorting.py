"""People's names in the order a Chinese reader expects: by pinyin, not by code point."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=4096)
def pinyin_key(name: str | None) -> tuple[str, str]:
    """Sort key: the name's pinyin (tone numbers break ties between homophones), then the
    name itself; Latin letters and digits sort among the pinyin as they are."""
    text = (name or "").strip()
    syllables = lazy_pinyin(text, style=Style.TONE3, errors=lambda chars: list(chars))
    return " ".join(s.lower() for s in syllables), text
