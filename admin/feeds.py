"""Admin integration of calendar feeds, as pieces the VolunteerView mixes in.

- `last_synced_formatter`: the "subscribed / last synced" column (`feed_fetched_at`).
- `FeedAdminMixin`: a "Replace calendar link" bulk action (scoped rows, edit permission) and an
  "Import busy times (.ics)" page per volunteer (upload → preview → confirm), sharing the
  portal's service calls.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.extensions import db
from app.i18n import local_datetime
from app.models import Volunteer
from app.portal import importing
from app.services import feeds
from app.services.ics_import import IcsImportError


def last_synced_formatter(view: Any, context: Any, model: Volunteer, name: str) -> Markup:
    fetched = model.feed_fetched_at
    if fetched is None:
        return Markup('<span class="text-muted">{}</span>').format(_("not subscribed"))
    ago = format_timedelta(datetime.now(UTC) - fetched, add_direction=True)
    return Markup('<span title="{}">{}</span>').format(local_datetime(fetched), ago)


class FeedAdminMixin:
    """Mix into VolunteerView *before* LinliModelView (it relies on its scoping)."""

    @action("rotate_feed", _l("Replace calendar link"),
            _l("Replace the calendar links of the selected volunteers? Their old links stop "
               "working at once and they must subscribe again."))
    def action_rotate_feed(self, ids: list[str]) -> None:
        if not self.can_edit:  # type: ignore[attr-defined]
            abort(403)
        query = self.get_query().filter(  # type: ignore[attr-defined]
            Volunteer.id.in_([int(i) for i in ids]))
        count = 0
        for volunteer in query:
            feeds.rotate_volunteer_token(db.session, volunteer)
            count += 1
        flash(_("Calendar links replaced for %(n)d volunteers.", n=count), "success")

    @expose("/import-ics/<int:volunteer_id>/", methods=("GET", "POST"))
    def import_ics_view(self, volunteer_id: int) -> Any:
        if not self.can_edit:  # type: ignore[attr-defined]
            abort(403)
        volunteer = self.get_one(str(volunteer_id))  # type: ignore[attr-defined]
        back = url_for(".details_view", id=volunteer.id)
        if request.method == "GET":
            return self.render("feeds/admin_import.html",  # type: ignore[attr-defined]
                               volunteer=volunteer, intervals=None, back=back)
        try:
            if request.form.get("preview"):
                created, skipped = importing.confirm(db.session,
                                                     volunteer, request.form["preview"])
                flash(_("%(created)d blackouts created for %(name)s (%(skipped)d already "
                        "existed).", created=created, skipped=skipped,
                        name=volunteer.name), "success")
                return redirect(back)
            data = importing.read_upload(request.files.get("file"))
            intervals, token = importing.preview(volunteer, data, datetime.now(UTC))
        except IcsImportError as exc:
            flash(str(exc), "danger")
            return self.render("feeds/admin_import.html",  # type: ignore[attr-defined]
                               volunteer=volunteer, intervals=None, back=back), 400
        return self.render("feeds/admin_import.html",  # type: ignore[attr-defined]
                           volunteer=volunteer, intervals=intervals, preview_token=token,
                           back=back)


def import_link_formatter(view: Any, context: Any, model: Volunteer, name: str) -> Markup:
    """Optional list/details column: a link to the volunteer's .ics import page."""
    href = url_for(".import_ics_view", volunteer_id=model.id)
    return Markup('<a href="{}">{}</a>').format(escape(href), _("Import .ics"))
