"""Patrols in the admin: sites, groups (members and their certificates), seasons with their
figures, the checklist per kind of site (town-wide), and the inspection log.

Inspection records are not deleted here: a coordinator corrects them, and every correction is
kept in the record's history (`app.services.patrols.log`). The figures are
`app.services.patrols.stats`'s, limited to the user's own neighbourhoods.
"""

from __future__ import annotations

from typing import Any

import segno
from flask import abort, flash, make_response, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import CombinedMultiDict
from wtforms.validators import NumberRange, Optional, ValidationError

from admin import access
from admin.base import LinliModelView
from admin.filters import enum_filters, local_date_filters
from admin.protection import acting_user
from admin.schedule_forms import ActionForm
from admin.scheduling import may_schedule
from admin.views.request_forms import PhotoForm
from app.enums import PatrolSiteKind
from app.extensions import db
from app.ids import parse_id
from app.models import (
    PatrolChecklistItem,
    PatrolGroup,
    PatrolInspection,
    PatrolMember,
    PatrolSeason,
    PatrolSite,
)
from app.public.requests import photo_response
from app.services import links, scoping
from app.services.households.files import mask_phone
from app.services.patrols import log, rota_builds, stats
from app.services.patrols import photos as patrol_photos
from app.services.requests.photos import MAX_BYTES as PHOTO_MAX_BYTES
from app.tasks import patrols as patrol_tasks
from app.transactions import after_commit

EXCERPT = 60

SITE_LABELS = {
    "address": _l("Address"), "latitude": _l("Latitude"), "longitude": _l("Longitude"),
    "opens_at": _l("Opens at"), "closes_at": _l("Closes at"),
    "contact_name": _l("Contact on site"), "contact_phone": _l("Contact's phone"),
    "group": _l("Usual patrol group"), "sites": _l("Usual sites"),
}


def _checkin_code(view: Any, context: Any, model: PatrolSite, name: str) -> Markup:
    """The code to print at the site: members scan it to start or join an inspection."""
    url = links.patrol_site_url(model.id)
    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    # segno's SVG of our own URL: no user markup inside.
    return Markup('<div class="patrol-site-code">') + Markup(svg) + Markup(
        "<br><small>{}</small></div>").format(url)


def _writable(model: type) -> Any:
    """The row of `model` named by `?id=` if this user may change it, else None."""
    number = parse_id(request.args.get("id"))
    return None if number is None else scoping.scoped_row(
        db.session, acting_user(), model, number, write=True)


def _neighbourhood_id(model: Any) -> int | None:
    return model.neighbourhood_id or (model.neighbourhood.id if model.neighbourhood else None)


def _contact_phone(view: Any, context: Any, model: PatrolSite, name: str) -> str:
    if scoping.may_see_phone(acting_user()):
        return model.contact_phone or ""
    return mask_phone(model.contact_phone)


def _season_default(view: Any, context: Any, model: PatrolSite, name: str) -> str:
    value = getattr(model, name)
    return gettext("As the season says") if value is None else str(value)


class PatrolSiteView(LinliModelView):
    column_list = ["name", "kind", "neighbourhood", "address", "group", "opens_at",
                   "closes_at", "active"]
    column_details_list = ["name", "kind", "neighbourhood", "address", "latitude", "longitude",
                           "opens_at", "closes_at", "contact_name", "contact_phone", "group",
                           "required_per_season", "min_per_week", "active", "notes",
                           "checkin_code"]
    column_labels = {**SITE_LABELS, "checkin_code": _l("Code to print at the site"),
                     "required_per_season": _l("Certified group inspections per season"),
                     "min_per_week": _l("At least per week")}
    column_descriptions = {
        "required_per_season": _l("Leave empty to follow each season's count."),
        "min_per_week": _l("Leave empty to follow each season's weekly minimum."),
    }
    column_formatters = {"contact_phone": _contact_phone}
    column_formatters_detail = {"contact_phone": _contact_phone, "checkin_code": _checkin_code,
                                "required_per_season": _season_default,
                                "min_per_week": _season_default}
    column_searchable_list = ["name", "address"]
    column_filters = [*enum_filters(PatrolSite.kind, _l("Kind"), PatrolSiteKind),
                      "neighbourhood.name", "active"]
    column_default_sort = "name"
    list_load_options = (joinedload(PatrolSite.neighbourhood), joinedload(PatrolSite.group))
    form_columns = ["neighbourhood", "name", "kind", "address", "latitude", "longitude",
                    "opens_at", "closes_at", "contact_name", "contact_phone", "group",
                    "required_per_season", "min_per_week", "active", "notes"]
    form_args = {
        "latitude": {"validators": [Optional(), NumberRange(min=-90, max=90)]},
        "longitude": {"validators": [Optional(), NumberRange(min=-180, max=180)]},
        # The season's own bounds (PatrolSeasonView).
        "required_per_season": {"validators": [Optional(), NumberRange(min=0, max=1000)]},
        "min_per_week": {"validators": [Optional(), NumberRange(min=0, max=100)]},
    }

    def on_model_change(self, form: Any, model: PatrolSite, is_created: bool) -> None:
        if (model.opens_at is None) != (model.closes_at is None):
            raise ValidationError(gettext(
                "Give both the opening and the closing time, or neither."))
        group = model.group
        if group is not None and group.neighbourhood_id != _neighbourhood_id(model):
            raise ValidationError(gettext(
                "The usual patrol group must be of the site's neighbourhood."))
        super().on_model_change(form, model, is_created)


def _members(view: Any, context: Any, model: PatrolGroup, name: str) -> str:
    return "、".join(
        f"{m.volunteer.name}{'' if not m.certified else ' ✓'}" for m in model.members)


class PatrolGroupView(LinliModelView):
    column_list = ["name", "neighbourhood", "members", "sites"]
    column_details_list = ["name", "neighbourhood", "members", "sites", "notes"]
    column_labels = {**SITE_LABELS, "members": _l("Members (✓ certified)"),
                     "certified": _l("Certified supervisor"),
                     "certified_until": _l("Certified until")}
    column_formatters = {"members": _members}
    column_formatters_detail = {"members": _members}
    column_formatters_export = {"members": _members}
    column_searchable_list = ["name"]
    column_filters = ["neighbourhood.name"]
    column_default_sort = "name"
    list_load_options = (joinedload(PatrolGroup.neighbourhood),
                         selectinload(PatrolGroup.members).joinedload(PatrolMember.volunteer),
                         selectinload(PatrolGroup.sites))
    form_columns = ["neighbourhood", "name", "notes", "members"]
    inline_models = [(PatrolMember, {"form_columns": ["id", "volunteer", "certified",
                                                      "certified_until"]})]

    def on_model_change(self, form: Any, model: PatrolGroup, is_created: bool) -> None:
        seen: set[int] = set()
        for member in model.members:
            if member.certified_until is not None and not member.certified:
                raise ValidationError(gettext(
                    "A certificate's end date needs the member to be certified."))
            volunteer_id = member.volunteer.id if member.volunteer else member.volunteer_id
            if volunteer_id in seen:
                raise ValidationError(gettext("A volunteer is listed twice in the group."))
            seen.add(volunteer_id)
        super().on_model_change(form, model, is_created)


def _figures(view: Any, context: Any, model: PatrolSeason, name: str) -> Markup:
    figures = stats.season_figures(db.session, model,
                                   neighbourhood_ids=scoping.neighbourhood_ids(acting_user()))
    head = Markup("<p>{}</p>").format(gettext(
        "%(inspections)s inspections, %(certified)s certified group inspections, "
        "%(visits)s person-visits; %(average)s certified group inspections per site.",
        inspections=figures.inspections, certified=figures.certified_group_inspections,
        visits=figures.person_visits, average=figures.certified_per_site))
    rows = Markup("").join(
        Markup("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>").format(
            site.name, site.inspections, site.certified_group_inspections,
            site.person_visits, site.shortfall)
        for site in figures.per_site)
    header = Markup("<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>").format(
        gettext("Site"), gettext("Inspections"), gettext("Certified group inspections"),
        gettext("Person-visits"), gettext("Still required"))
    return head + Markup('<table class="table table-sm">') + header + rows + Markup("</table>")


class PatrolSeasonView(LinliModelView):
    details_template = "admin/patrols/season_details.html"
    column_list = ["name", "town", "neighbourhood", "starts_on", "ends_on",
                   "required_per_site", "min_per_week"]
    column_details_list = [*column_list, "notes", "figures"]
    # "Name" is a person's name (姓名) elsewhere; a season has a title (名称).
    column_labels = {"name": _l("Season name"), "starts_on": _l("First day"),
                     "ends_on": _l("Last day"),
                     "required_per_site": _l("Certified group inspections required per site"),
                     "min_per_week": _l("At least per site and week"),
                     "figures": _l("Figures")}
    column_formatters_detail = {"figures": _figures}
    column_searchable_list = ["name"]
    column_default_sort = ("starts_on", True)
    list_load_options = (joinedload(PatrolSeason.neighbourhood),)
    form_columns = ["town", "neighbourhood", "name", "starts_on", "ends_on",
                    "required_per_site", "min_per_week", "notes"]
    form_args = {"required_per_site": {"validators": [NumberRange(min=0, max=1000)]},
                 "min_per_week": {"validators": [NumberRange(min=0, max=100)]}}

    def on_model_change(self, form: Any, model: PatrolSeason, is_created: bool) -> None:
        if model.starts_on and model.ends_on and model.ends_on < model.starts_on:
            raise ValidationError(gettext("The last day comes before the first."))
        if model.neighbourhood is not None and model.neighbourhood.town != model.town:
            raise ValidationError(gettext("The neighbourhood is not in the season's town."))
        super().on_model_change(form, model, is_created)

    def _may_build(self) -> bool:
        """Who may build a season's rota: those who may change the season and run the
        scheduler (the town admin; a coordinator for their own neighbourhood's season)."""
        return access.EDIT in self._permissions() and may_schedule()

    @expose("/details/")
    def details_view(self) -> Any:
        """The season, with the "Build the rota" button for those who may build it."""
        if self._may_build() and _writable(PatrolSeason) is not None:
            self._template_args["rota_form"] = ActionForm()
        return super().details_view()

    @expose("/rota/", methods=["POST"])
    def build_rota_view(self) -> Any:
        """Queue the season's rota for the engine and go to its run's page (progress, then the
        result); refused, saying why, while the season has a rota being built, awaiting
        review or published."""
        if not self._may_build():
            abort(403)
        season = _writable(PatrolSeason)
        if season is None:
            abort(404)
        if not ActionForm(request.form).validate_on_submit():
            abort(400)
        season_id = season.id
        try:
            run = rota_builds.queue_rota(db.session, season, user=acting_user())
        except log.PatrolError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for(".details_view", id=season_id))
        run_id = run.id
        after_commit(db.session, lambda: patrol_tasks.enqueue_rota(run_id))
        flash(gettext("The rota is being built (run #%(id)s); this page shows how far it has "
                      "got.", id=run_id), "success")
        return redirect(url_for("schedule.run_page", run_id=run_id))


class PatrolChecklistItemView(LinliModelView):
    column_list = ["site_kind", "position", "question", "question_en", "concern_answer",
                   "active"]
    column_labels = {"site_kind": _l("Kind of site"), "position": _l("Order"),
                     "question": _l("Question"), "question_en": _l("Question in English"),
                     "concern_answer": _l("Answer that is a finding")}
    column_searchable_list = ["question", "question_en"]
    column_filters = [*enum_filters(PatrolChecklistItem.site_kind, _l("Kind of site"),
                                    PatrolSiteKind)]
    column_default_sort = [("site_kind", False), ("position", False)]
    form_columns = ["site_kind", "position", "question", "question_en", "concern_answer",
                    "active"]


def _findings(view: Any, context: Any, model: PatrolInspection, name: str) -> str:
    text = " ".join((model.findings or "").split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def _present(view: Any, context: Any, model: PatrolInspection, name: str) -> str:
    return "、".join(v.name for v in model.present)


def _checklist(view: Any, context: Any, model: PatrolInspection, name: str) -> Markup:
    lines = log.checklist_text(model.checklist).splitlines()
    return Markup("<br>").join(escape(line) for line in lines)


def _history(view: Any, context: Any, model: PatrolInspection, name: str) -> Markup:
    items = [Markup("<li>{}</li>").format(line) for line in log.history_lines(model)]
    return Markup("<ol>") + Markup("").join(items) + Markup("</ol>")


def _photos(view: Any, context: Any, model: PatrolInspection, name: str) -> Markup:
    return Markup("").join(
        Markup('<a href="{0}"><img src="{0}" alt="{1}" style="max-width:12rem" class="mr-2 mb-2">'
               '</a>').format(url_for(".photo_view", id=model.id, photo=p.id), p.id)
        for p in model.photos) or Markup("—")


def _history_text(view: Any, context: Any, model: PatrolInspection, name: str) -> str:
    return "\n".join(log.history_lines(model))


class PatrolInspectionView(LinliModelView):
    details_template = "admin/patrols/inspection_details.html"
    column_list = ["started_at", "site", "group", "ended_at", "present", "follow_up_needed",
                   "findings"]
    column_details_list = ["started_at", "ended_at", "site", "group", "present", "checklist",
                           "findings", "follow_up_needed", "request", "started_by",
                           "recorded_by", "photos", "history"]
    column_export_list = ["started_at", "ended_at", "site", "group", "present", "checklist",
                          "findings", "follow_up_needed", "history"]
    column_labels = {
        "started_at": _l("Started at"), "ended_at": _l("Ended at"), "site": _l("Site"),
        "group": _l("Patrol group"), "present": _l("Members present"),
        "checklist": _l("Checklist"), "findings": _l("Findings"),
        "follow_up_needed": _l("Follow-up needed"), "request": _l("Residents' request"),
        "started_by": _l("Started by"), "recorded_by": _l("Entered by"),
        "history": _l("History"), "site.name": _l("Site"), "group.name": _l("Patrol group"),
        "photos": _l("Photos"),
    }
    column_formatters = {"findings": _findings, "present": _present}
    column_formatters_detail = {"present": _present, "checklist": _checklist,
                                "history": _history, "photos": _photos}
    column_formatters_export = {"present": _present, "checklist": _checklist,
                                "history": _history_text}
    column_searchable_list = ["findings"]
    column_filters = ["site.name", "group.name", "follow_up_needed",
                      *local_date_filters(PatrolInspection.started_at, _l("Started at"))]
    column_default_sort = ("started_at", True)
    list_load_options = (joinedload(PatrolInspection.site), joinedload(PatrolInspection.group),
                         selectinload(PatrolInspection.present),
                         selectinload(PatrolInspection.changes))
    form_columns = ["site", "group", "started_at", "ended_at", "present", "findings",
                    "follow_up_needed"]

    @expose("/photo/")
    def photo_view(self) -> Any:
        """A photo of an inspection the user may see (never cached by a shared cache)."""
        number = parse_id(request.args.get("id"))
        row = None if number is None else scoping.scoped_row(
            db.session, acting_user(), PatrolInspection, number, write=False)
        photo = None if row is None else patrol_photos.photo_of(
            row, parse_id(request.args.get("photo")))
        if photo is None:
            abort(404)
        return photo_response(photo, "private, no-store")

    @expose("/details/")
    def details_view(self) -> Any:
        """The record, with the form to add a photo when this user may add one."""
        row = _writable(PatrolInspection)
        if (row is not None and len(row.photos) < patrol_photos.MAX_PHOTOS
                and log.may_change(db.session, row, user=acting_user())):
            self._template_args["photo_form"] = PhotoForm()
        return super().details_view()

    @expose("/photo/upload/", methods=["POST"])
    def photo_upload_view(self) -> Any:
        """A photo added by the coordinator (a paper record's, one sent by a member later);
        refused in the user's language with nothing kept."""
        request.max_content_length = PHOTO_MAX_BYTES + 1024 * 1024
        row = _writable(PatrolInspection)
        if row is None:
            abort(404)
        row_id = row.id
        form = PhotoForm(CombinedMultiDict((request.files, request.form)))
        if not form.validate():
            abort(400)  # the CSRF token is missing or wrong
        upload = form.photo.data
        raw = upload.read(PHOTO_MAX_BYTES + 1) if upload else b""
        try:
            patrol_photos.add_photo(db.session, row, raw, user=acting_user())
        except log.PatrolError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            page = make_response(self.details_view())
            page.status_code = 422
            return page
        db.session.commit()
        flash(gettext("Photo added."), "success")
        return redirect(url_for(".details_view", id=row_id))

    def update_model(self, form: Any, model: PatrolInspection) -> Any:
        # What the record said before the form is applied, for its history.
        model._before = log.snapshot(model)  # type: ignore[attr-defined]
        return super().update_model(form, model)

    def on_model_change(self, form: Any, model: PatrolInspection, is_created: bool) -> None:
        if model.ended_at is not None and model.started_at and model.ended_at < model.started_at:
            raise ValidationError(gettext("The end comes before the start."))
        if is_created:
            model.recorded_by_id = acting_user().id
        super().on_model_change(form, model, is_created)
        try:
            log.check_present(db.session, model, list(model.present))
        except log.PatrolError as error:
            raise ValidationError(str(error.message)) from error
        log.refresh_certified(db.session, model)
        if not is_created:
            log.record_change(db.session, model, getattr(model, "_before", {}),
                              user=acting_user())
