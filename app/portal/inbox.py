"""The volunteer's inbox: the messages Linli recorded for them (`app.services.notify.inbox`)."""

from __future__ import annotations

from flask import render_template

from app.enums import NotificationChannel
from app.extensions import db
from app.models import utcnow
from app.portal.views import _require_volunteer, portal_bp
from app.services.notify import text_html
from app.services.notify.inbox import inbox


@portal_bp.get("/inbox")
def inbox_page() -> str:
    volunteer = _require_volunteer()
    messages = inbox(db.session, volunteer.id, now=utcnow())
    return render_template("portal/inbox.html", volunteer=volunteer, messages=messages,
                           text_html=text_html, no_channel=NotificationChannel.none)
