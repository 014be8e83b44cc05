"""Every message Linli sends is a template in ``app/templates/mail/``: one file per kind with
three blocks — ``subject``, ``sms`` (the short text when there is no e-mail address) and the mail
body, which extends a layout holding the greeting and the sign-off. Strings are translated with
the recipient's language (Babel), so one template serves zh_CN and en.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale

from app.i18n import local_datetime


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str
    #: The template's plain values, for SMS providers that send an approved template with
    #: parameters instead of free text.
    params: dict[str, str] = field(default_factory=dict)


def recipient_locale(locale: str | None) -> str:
    """The recipient's language if Linli speaks it, else the deployment's."""
    config = current_app.config
    return locale if locale in config["LINLI_LOCALES"] else config["LINLI_DEFAULT_LOCALE"]


def _block(template: Any, name: str, context: Any) -> str:
    return " ".join("".join(template.blocks[name](context)).split())


def _params(context: dict[str, Any]) -> dict[str, str]:
    """The plain values of a message, as an SMS provider's template takes them: text and
    numbers as they are, times as the recipient reads them (call inside `force_locale`)."""
    params = {}
    for key, value in context.items():
        if isinstance(value, datetime):
            params[key] = local_datetime(value)
        elif isinstance(value, str | int) and not isinstance(value, bool):
            params[key] = str(value)
    return params


def render(template_name: str, locale: str | None, **context: Any) -> Rendered:
    """Render mail template `template_name` (under ``mail/``) in the recipient's language."""
    template = current_app.jinja_env.get_template(f"mail/{template_name}.txt")
    with force_locale(recipient_locale(locale)):
        body = template.render(**context).strip() + "\n"
        block_context = template.new_context(context)
        return Rendered(
            subject=_block(template, "subject", block_context),
            body=body,
            sms=_block(template, "sms", block_context),
            params=_params(context),
        )
