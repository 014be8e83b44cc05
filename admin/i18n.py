"""Flask-Admin's own interface text in our catalog.

Flask-Admin translates its pages through its own gettext domain ("admin"), whose Chinese
catalog misses some strings (the page-size menu, "Failed to save record.") and words others
for programmers ("请选择模型"). The strings listed here are looked up in Linli's catalog
first, so they are translated and reviewed with the rest of ours; everything else keeps
Flask-Admin's translation.
"""

from __future__ import annotations

import copy
from typing import Any

from flask_admin import babel as admin_babel
from flask_babel import get_translations


def N_(message: str) -> str:
    """Marks a Flask-Admin message id for extraction into our catalog."""
    return message


#: Flask-Admin's message ids we translate ourselves.
OVERRIDES = frozenset({
    N_("Please select model"),
    N_("items"),
    # Missing from Flask-Admin's zh_Hans_CN catalog (flashed when a form is refused).
    N_("Failed to save record."),
    N_("Failed to create record."),
})

#: The page-size menu ("20 items"): plural message ids Flask-Admin builds from the sizes.
PLURAL_OVERRIDES = frozenset({
    "20 item", "50 item", "100 item",
})


def _page_size_markers() -> None:  # pragma: no cover - never called, read by the extractor
    from flask_babel import ngettext

    ngettext("20 item", "20 items", 20)
    ngettext("50 item", "50 items", 50)
    ngettext("100 item", "100 items", 100)


def _ours(key: Any) -> bool:
    if isinstance(key, tuple):
        return key[0] in PLURAL_OVERRIDES or key[0] in OVERRIDES
    return key in OVERRIDES


#: (admin catalog, our catalog) → merged; holding both keeps their ids from being reused.
_cache: dict[tuple[int, int], tuple[Any, Any, Any]] = {}


def _admin_translations() -> Any:
    domain = admin_babel.domain
    base = type(domain).get_translations(domain)
    ours = get_translations()
    if not hasattr(base, "_catalog") or not hasattr(ours, "_catalog"):
        return base
    key = (id(base), id(ours))
    cached = _cache.get(key)
    if cached is not None:
        return cached[2]
    merged = copy.copy(base)
    merged._catalog = {
        **base._catalog,
        **{k: v for k, v in ours._catalog.items() if _ours(k) and v},
    }
    _cache[key] = (base, ours, merged)
    return merged


def install() -> None:
    """Route Flask-Admin's gettext through the overlay (idempotent)."""
    admin_babel.domain.get_translations = _admin_translations
