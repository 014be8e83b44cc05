"""Chinese first, English complete: every string in the code has a Chinese translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")
ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2)}

pytestmark = pytest.mark.unit


def _source_messages() -> set[str]:
    with open(ROOT / "app" / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    messages: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def _catalog():
    with open(ROOT / "app/translations/zh/LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh, locale="zh")


def test_every_source_string_is_in_the_chinese_catalog() -> None:
    catalog_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog() if m.id}
    missing = sorted(_source_messages() - catalog_ids)
    assert not missing, f"run `make extract-messages` and translate: {missing}"


def test_every_catalog_entry_is_translated_and_not_fuzzy() -> None:
    untranslated = [
        m.id for m in _catalog()
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string))
                     or m.fuzzy)
    ]
    assert not untranslated, f"untranslated or fuzzy: {untranslated}"


def test_placeholders_survive_translation() -> None:
    for message in _catalog():
        if message.id and isinstance(message.id, str):
            assert set(PLACEHOLDER.findall(message.id)) == set(
                PLACEHOLDER.findall(message.string)
            ), message.id


def test_local_date_is_the_day_in_the_deployment_zone_in_the_users_language(app) -> None:
    from datetime import UTC, date, datetime

    from flask_babel import force_locale

    from app.i18n import local_date

    late_evening_utc = datetime(2026, 3, 4, 20, 30, tzinfo=UTC)  # 5 March 04:30 in Shanghai
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert local_date(late_evening_utc) == "2026/3/5"
            assert local_date(date(2026, 3, 5), "medium") == "2026年3月5日"
        with force_locale("en"):
            assert local_date(late_evening_utc, "medium") == "Mar 5, 2026"
        assert local_date(None) == ""


def test_local_datetime_formats_as_flask_babel_does(app) -> None:
    from datetime import UTC, datetime

    from flask_babel import force_locale, format_datetime

    from app.i18n import local_datetime

    times = [datetime(2026, 3, 4, 20, 30, tzinfo=UTC), datetime(2026, 7, 1, 1, 5, tzinfo=UTC)]
    with app.test_request_context():
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                for value in times * 2:  # the second time from the cache
                    for fmt in ("short", "medium"):
                        assert local_datetime(value, fmt) == format_datetime(value, fmt)
        with force_locale("zh_CN"):
            chinese = local_datetime(times[0])
        with force_locale("en"):
            assert local_datetime(times[0]) != chinese
