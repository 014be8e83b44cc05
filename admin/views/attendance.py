"""What happened on shifts, in the admin: the roster a coordinator fills in at the venue or
after the fact (one form for the whole shift, "all present" in one tap), the station's
check-in code to print, the attendance list and the service-hours ledger with corrections.

`AttendanceView` is a Flask-Admin `BaseView` (endpoint ``attendance``); the rules are
`app.services.attendance`'s, the rows the user may reach `app.services.scoping`'s.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import segno
from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from admin import access
from admin import export as spreadsheet
from admin.base import LinliModelView
from admin.filters import enum_filters, local_date_filters
from admin.model_forms import LinliForm
from admin.protection import ProtectedView, acting_user
from app.enums import AttendanceStatus, EventStatus, HoursKind, HoursRounding
from app.extensions import db
from app.i18n import deployment_zone
from app.ids import MAX_INT, parse_id
from app.models import Assignment, Attendance, Event, HoursEntry, Shift, Volunteer, utcnow
from app.models.attendance import MAX_ENTRY_MINUTES, RELIABILITY_MAX_WEIGHT
from app.portal.forms import CertificateForm
from app.services import links, scoping
from app.services.attendance import certificates, hours, platform, recording

#: The roster page lists shifts from this far back...
LIST_DAYS_BACK = 14
#: ...to this far ahead.
LIST_DAYS_AHEAD = 1


def may_record() -> bool:
    return (current_user.is_authenticated
            and access.READ in access.permissions(current_user.role, "Attendance"))


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PlatformExportForm(LinliForm):
    starts_on = DateField(_l("From"), validators=[InputRequired()])
    ends_on = DateField(_l("To"), validators=[InputRequired()])
    format = SelectField(_l("File"), choices=[SelectChoice("xlsx", "Excel (XLSX)"),
                                                SelectChoice("csv", "CSV")],
                         default="xlsx")


class ActionForm(LinliForm):
    """Only the CSRF token; the roster's fields are read from the posted lines."""


class AttendanceView(ProtectedView, BaseView):
    def is_accessible(self) -> bool:
        return may_record()

    def is_visible(self) -> bool:
        return may_record()

    def _shift_or_404(self, shift_id: int, *, write: bool = False) -> Shift:
        if scoping.scoped_row(db.session, acting_user(), Shift, shift_id, write=write) is None:
            abort(404)
        shift = recording.shift_for_roster(db.session, shift_id)
        if shift is None:
            abort(404)
        return shift

    @expose("/")
    def index(self) -> Any:
        now = utcnow()
        statement = scoping.scoped(
            select(Shift).join(Event)
            .where(Shift.start_at >= now - timedelta(days=LIST_DAYS_BACK),
                   Shift.start_at <= now + timedelta(days=LIST_DAYS_AHEAD),
                   Event.status != EventStatus.cancelled)
            .options(joinedload(Shift.event))
            .order_by(Shift.start_at.desc()).limit(200),
            acting_user(), Shift)
        shifts = db.session.scalars(statement).all()
        ids = [s.id for s in shifts]
        seats = dict(db.session.execute(
            select(Assignment.shift_id, func.count(Assignment.id))
            .where(Assignment.shift_id.in_(ids), Assignment.status.in_(recording.ON_ROSTER))
            .group_by(Assignment.shift_id)).all()) if ids else {}
        done = dict(db.session.execute(
            select(Assignment.shift_id, func.count(Attendance.id))
            .join(Attendance, Attendance.assignment_id == Assignment.id)
            .where(Assignment.shift_id.in_(ids)).group_by(Assignment.shift_id)).all()
        ) if ids else {}
        return self.render("admin/attendance/index.html", shifts=shifts, seats=seats,
                           done=done, now=now)

    @expose("/shift/<int:shift_id>")
    def roster(self, shift_id: int) -> Any:
        shift = self._shift_or_404(shift_id)
        lines = recording.roster(db.session, shift)
        rates = recording.no_show_rates(db.session, [ln.assignment.volunteer_id for ln in lines])
        return self.render("admin/attendance/roster.html", shift=shift, lines=lines,
                           rates=rates, statuses=list(AttendanceStatus), form=ActionForm(),
                           started=shift.start_at <= utcnow())

    @expose("/shift/<int:shift_id>", methods=("POST",))
    def record(self, shift_id: int) -> Response:
        if not ActionForm(request.form).validate_on_submit():
            abort(400)
        shift = self._shift_or_404(shift_id, write=True)
        all_present = request.form.get("all_present") == "1"
        marks: list[recording.Mark] = []
        problems: list[str] = []
        for raw in request.form.getlist("assignment"):
            assignment_id = parse_id(raw)
            if assignment_id is None:
                abort(400)
            status_value = ("present" if all_present
                            else request.form.get(f"status-{assignment_id}", ""))
            if not status_value:
                continue  # left blank: not recorded yet
            try:
                status = AttendanceStatus(status_value)
            except ValueError:
                abort(400)
            late = _minutes_field(request.form.get(f"late-{assignment_id}", ""), problems)
            early = _minutes_field(request.form.get(f"early-{assignment_id}", ""), problems)
            if all_present:
                late = early = 0
            marks.append(recording.Mark(assignment_id, status, late, early))
        if problems:
            flash(problems[0], "error")
            return redirect(url_for(".roster", shift_id=shift.id))
        try:
            result = recording.record_roster(
                db.session, shift, marks, zone=deployment_zone(), actor_id=current_user.id,
                reason=request.form.get("reason"))
        except recording.AttendanceError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".roster", shift_id=shift.id))
        flash(_("%(n)s volunteers recorded (%(same)s unchanged); %(hours)s hours added to the "
                "ledger.", n=result.recorded, same=result.unchanged,
                hours=hours.hours_text(result.minutes_added)), "success")
        return redirect(url_for(".roster", shift_id=shift.id))

    @expose("/shift/<int:shift_id>/code")
    def station_code(self, shift_id: int) -> Any:
        """The station's check-in code, to print and put up at the venue."""
        shift = self._shift_or_404(shift_id)
        opens, closes = recording.check_in_window(shift)
        url = links.external_url("portal.checkin",
                                 token=links.checkin_token(shift.id, opens, closes))
        svg = Markup(segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff"))
        return self.render("admin/attendance/code.html", shift=shift, qr=svg, url=url,
                           opens=opens, closes=closes)


    @expose("/platform-export")
    def platform_export(self) -> Any:
        """The period's hours in the city volunteer platform's format (XLSX or CSV), for the
        user's own volunteers. A download changes nothing."""
        today = utcnow().astimezone(deployment_zone()).date()
        form = PlatformExportForm(request.args, meta={"csrf": False})
        if not request.args:
            form = PlatformExportForm(meta={"csrf": False}, starts_on=today.replace(day=1),
                                      ends_on=today)
            return self.render("admin/attendance/platform.html", form=form)
        if not form.validate() or form.ends_on.data < form.starts_on.data:
            if not form.errors:
                flash(_("The period ends before it starts."), "error")
            for errors in form.errors.values():
                flash(str(errors[0]), "error")
            return self.render("admin/attendance/platform.html", form=form)
        found = platform.rows(db.session, form.starts_on.data, form.ends_on.data,
                              neighbourhood_ids=scoping.neighbourhood_ids(acting_user()))
        title = _("Service hours for the volunteer platform")
        name = f"{title} {form.starts_on.data}–{form.ends_on.data}"
        if form.format.data == "csv":
            body = spreadsheet.csv_bytes(platform.headers(), platform.table(found))
            mimetype, suffix = "text/csv; charset=utf-8", "csv"
        else:
            body = spreadsheet.xlsx_bytes(title, platform.headers(), platform.table(found))
            mimetype, suffix = XLSX_MIMETYPE, "xlsx"
        return Response(body, mimetype=mimetype, headers={
            "Content-Disposition": spreadsheet.content_disposition(
                f"{name}.{suffix}", f"volunteer-hours-{form.starts_on.data}.{suffix}")})

    @expose("/certificate/<int:volunteer_id>", methods=("GET", "POST"))
    def certificate(self, volunteer_id: int) -> Any:
        """An hours certificate for one of the coordinator's volunteers: the period, then the
        PDF (issuing writes the certificate's record, so only on POST)."""
        volunteer = scoping.scoped_row(db.session, acting_user(), Volunteer, volunteer_id,
                                       write=False)
        if volunteer is None:
            abort(404)
        today = utcnow().astimezone(deployment_zone()).date()
        form = CertificateForm(starts_on=today.replace(month=1, day=1), ends_on=today)
        if request.method == "POST":
            if not form.validate_on_submit():
                for errors in form.errors.values():
                    flash(str(errors[0]), "error")
            else:
                try:
                    issued, pdf = certificates.make(db.session, volunteer, form.starts_on.data,
                                                    form.ends_on.data,
                                                    issued_by_id=current_user.id)
                except certificates.CertificateError as error:
                    db.session.rollback()
                    flash(str(error), "error")
                else:
                    return send_file(io.BytesIO(pdf), mimetype="application/pdf",
                                     as_attachment=True,
                                     download_name=certificates.file_name(issued))
        return self.render("admin/attendance/certificate.html", volunteer=volunteer, form=form,
                           total=hours.volunteer_minutes(db.session, volunteer.id),
                           hours_text=hours.hours_text)


def _minutes_field(raw: str, problems: list[str]) -> int:
    raw = raw.strip()
    if not raw:
        return 0
    if not raw.isdigit() or int(raw) > MAX_INT:
        problems.append(_("Minutes late or leaving early are whole numbers. Nothing was saved."))
        return 0
    return int(raw)


# -- model views -------------------------------------------------------------------------------

def _hours(view: Any, context: Any, model: Any, name: str) -> str:
    return hours.hours_text(getattr(model, name))


class AttendanceListView(LinliModelView):
    """Read only: attendance is recorded on the roster page or by the volunteer's check-in."""

    column_list = ["assignment.volunteer", "assignment.shift", "assignment.shift.event",
                   "status", "checked_in_at", "checked_out_at", "late_minutes",
                   "early_leave_minutes", "credited_minutes", "recorded_by"]
    column_details_list = column_list
    column_labels = {"assignment.volunteer": _l("Volunteer"), "assignment.shift": _l("Shift"),
                     "assignment.shift.event": _l("Event"),
                     "credited_minutes": _l("Hours credited"),
                     "checked_in_at": _l("Checked in"), "checked_out_at": _l("Checked out"),
                     "late_minutes": _l("Minutes late"),
                     "early_leave_minutes": _l("Minutes left early"),
                     "recorded_by": _l("Recorded by")}
    column_formatters = {"credited_minutes": _hours}
    column_formatters_export = {"credited_minutes": _hours}
    column_filters = [*enum_filters(Attendance.status, _l("Status"), AttendanceStatus),
                      *local_date_filters(Attendance.created_at, _l("Recorded"))]
    column_default_sort = ("created_at", True)
    list_load_options = (joinedload(Attendance.assignment).joinedload(Assignment.volunteer),
                         joinedload(Attendance.assignment).joinedload(Assignment.shift)
                         .joinedload(Shift.event),
                         joinedload(Attendance.recorded_by))


def _volunteer_with_certificate(view: Any, context: Any, model: Any, name: str) -> Markup:
    if model.volunteer is None:
        return Markup("")
    return Markup('{} <a class="small" href="{}">{}</a>').format(
        model.volunteer.name, url_for("attendance.certificate", volunteer_id=model.volunteer_id),
        _("Certificate"))


class HoursEntryView(LinliModelView):
    """The ledger: read, export, and add a correction. Nobody edits or deletes an entry."""

    column_list = ["volunteer", "service_on", "activity", "kind", "minutes", "reason",
                   "created_by", "created_at"]
    column_labels = {"minutes": _l("Hours"), "service_on": _l("Day of service"),
                     "activity": _l("Activity"), "reason": _l("Reason"),
                     "created_by": _l("Recorded by")}
    column_formatters = {"minutes": _hours, "volunteer": _volunteer_with_certificate}
    column_formatters_export = {"minutes": _hours}
    column_searchable_list = ["activity", "reason"]
    column_filters = [*enum_filters(HoursEntry.kind, _l("Kind"), HoursKind),
                      "service_on", "volunteer.name"]
    column_default_sort = ("service_on", True)
    list_load_options = (joinedload(HoursEntry.volunteer), joinedload(HoursEntry.created_by))
    form_columns = ["volunteer", "minutes", "service_on", "activity", "reason"]
    form_ajax_refs = {"volunteer": {"fields": ["name", "phone"], "page_size": 10}}
    form_args = {
        "minutes": {"label": _l("Minutes (negative to take time away)"),
                    "validators": [InputRequired()]},
        "reason": {"validators": [DataRequired(), Length(max=1000)]},
    }
    column_descriptions = {"minutes": _l("A correction is kept as a new line, with who and why; "
                                         "no line is ever changed.")}

    def create_model(self, form: Any) -> Any:
        volunteer = form.volunteer.data
        if volunteer is None or not scoping.allows_row(
                db.session, acting_user(), Volunteer, volunteer.id, write=True):
            flash(_("Choose a volunteer of your own neighbourhoods. Nothing was saved."), "error")
            return False
        try:
            entry = hours.add_correction(
                db.session,
                hours.Correction(volunteer_id=volunteer.id, minutes=form.minutes.data or 0,
                                 service_on=form.service_on.data,
                                 reason=form.reason.data or "", activity=form.activity.data),
                actor_id=current_user.id,
                today=utcnow().astimezone(deployment_zone()).date())
        except recording.AttendanceError as error:
            db.session.rollback()
            flash(str(error), "error")
            return False
        db.session.commit()
        return entry


class HoursRuleView(LinliModelView):
    """A town's rounding and cap for credited hours: set by the town administrator, read by
    coordinators (so they can tell a volunteer why a shift credits what it does)."""

    column_list = ["town", "step_minutes", "rounding", "max_minutes_per_shift", "updated_at"]
    form_columns = ["town", "step_minutes", "rounding", "max_minutes_per_shift"]
    column_labels = {"step_minutes": _l("Round to (minutes)"), "rounding": _l("Rounding"),
                     "max_minutes_per_shift": _l("At most per shift (minutes)")}
    column_descriptions = {
        "step_minutes": _l("1 (not rounded), 5, 10, 15, 30 or 60."),
        "max_minutes_per_shift": _l("Empty: no cap."),
    }
    column_formatters = {"rounding": lambda v, c, m, n: m.rounding.label}
    form_overrides = {"step_minutes": SelectField, "rounding": SelectField}
    form_args = {
        "step_minutes": {"choices": [SelectChoice(n, str(n)) for n in (1, 5, 10, 15, 30, 60)],
                         "coerce": int},
        # The lazy labels: the form is built once, the page in each user's language.
        "rounding": {"choices": [SelectChoice(member.value, label)
                                 for member, label in HoursRounding._labels().items()],
                     "coerce": HoursRounding},
        "max_minutes_per_shift": {"validators": [Optional(), NumberRange(
            1, MAX_ENTRY_MINUTES, message=_l("Between 1 and %(n)s minutes, or empty.",
                                             n=MAX_ENTRY_MINUTES))]},
    }


class ReliabilityRuleView(LinliModelView):
    """How much a town's scheduler weighs no-shows: set by the town administrator, read by
    coordinators (so they can tell why the run asked someone else first)."""

    column_list = ["town", "no_show_weight", "updated_at"]
    form_columns = ["town", "no_show_weight"]
    column_labels = {"no_show_weight": _l("Weight of no-shows")}
    column_descriptions = {"no_show_weight": _l(
        "0 to 100. What one shift of a volunteer who never turns up counts against them when "
        "the scheduler chooses between people; others in proportion to how often they miss "
        "(20: as much as a shift they asked to avoid). Never leaves a seat empty.")}
    form_args = {"no_show_weight": {"validators": [InputRequired(), NumberRange(
        0, RELIABILITY_MAX_WEIGHT, message=_l("Between 0 and %(n)s.", n=RELIABILITY_MAX_WEIGHT))]}}
