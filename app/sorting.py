"""Orders a reader expects: people's names by pinyin, not by code point; numbers that are
text (a building's "2", "10", "12A") by their value."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=4096)
def pinyin_key(name: str | None) -> tuple[str, str]:
    """Sort key: the name's pinyin (tone numbers break ties between homophones), then the
    name itself; Latin letters and digits sort among the pinyin as they are."""
    text = (name or "").strip()
    syllables = lazy_pinyin(text, style=Style.TONE3, errors=lambda chars: list(chars))
    return " ".join(s.lower() for s in syllables), text


_NUMBER_PARTS = re.compile(r"(\d+)")


def number_key(text: str | None) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting "2" before "10" and "12" before "12A": runs of digits compare as
    numbers, the rest as text."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in _NUMBER_PARTS.split((text or "").strip()) if part)
