"""Every message Linli sends is a template in ``app/templates/mail/``: one file per kind with
three blocks — ``subject``, ``sms`` (the short text when there is no e-mail address) and the mail
body, which extends a layout holding the greeting and the sign-off. Strings are translated with
the recipient's language (Babel), so one template serves zh_CN and en.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from markupsafe import Markup, escape

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


#: A link in a message's text: up to the first space, bracket or quote (a sentence's final
#: punctuation stays outside).
_URL = re.compile(r"https?://[^\s<>\"'（）()，。]+[^\s<>\"'（）()，。.,;:!?]")


def _line_html(line: str) -> Markup:
    """One line of text, escaped, its links clickable."""
    parts: list[Markup] = []
    last = 0
    for match in _URL.finditer(line):
        parts.append(escape(line[last:match.start()]))
        url = escape(match.group(0))
        parts.append(Markup(f'<a href="{url}">{url}</a>'))
        last = match.end()
    parts.append(escape(line[last:]))
    return Markup("").join(parts)


def text_html(body: str) -> Markup:
    """A message's text as HTML: paragraphs at blank lines, line breaks kept, links
    clickable, everything escaped (the mail's HTML part, the portal's inbox)."""
    paragraphs = [p for p in body.strip().split("\n\n") if p.strip()]
    return Markup("\n").join(
        Markup('<p style="margin:0 0 1em 0">{}</p>').format(
            Markup("<br>\n").join(_line_html(line) for line in paragraph.split("\n")))
        for paragraph in paragraphs)


def html_alternative(subject: str, body: str) -> str:
    """The HTML part of a mail, made from its text (the text stays the record and the first
    part). Plain and light, so it reads the same on a phone's mail app and in webmail."""
    return str(Markup(
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{title}</title></head>\n"
        '<body style="font-family:-apple-system,\'PingFang SC\',\'Microsoft YaHei\','
        'sans-serif;font-size:16px;line-height:1.6;color:#222;max-width:36em;margin:0 auto;'
        'padding:1em">\n{inner}\n</body></html>\n'
    ).format(title=subject, inner=text_html(body)))
