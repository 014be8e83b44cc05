"""Follow-up visits in the admin: the due/overdue page (per group and per building, latest
first, with counts), planning a round, and a round's review (reassign, publish, discard).

`VisitsView` is a Flask-Admin `BaseView` (endpoint ``visits``, URL ``/admin/visits``). Every
page calls a service; scoping is `app.services.scoping`'s (a coordinator: her neighbourhoods).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange

from admin import access
from admin.model_forms import LinliForm
from admin.protection import ProtectedView, acting_user
from app.enums import RoundStatus, VisitOutcome
from app.extensions import db
from app.i18n import deployment_zone
from app.models import Building, Household, ServiceGroup, Visit, VisitRound, utcnow
from app.services import scoping
from app.services.households.due import due_counts, due_rows
from app.services.visits import rounds


def may_plan() -> bool:
    return (current_user.is_authenticated
            and access.READ in access.permissions(current_user.role, "VisitRound"))


class PlanForm(LinliForm):
    group = SelectField(_l("Service group"), coerce=int, validators=[DataRequired()])
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    weeks = IntegerField(_l("Weeks"), default=4,
                         validators=[DataRequired(), NumberRange(1, rounds.MAX_WEEKS)])


class ActionForm(LinliForm):
    """Only the CSRF token."""


class VisitsView(ProtectedView, BaseView):
    def is_accessible(self) -> bool:
        return may_plan()

    def is_visible(self) -> bool:
        return may_plan()

    def _groups(self) -> list[ServiceGroup]:
        statement = scoping.scoped(select(ServiceGroup).order_by(ServiceGroup.name),
                                   acting_user(), ServiceGroup)
        return list(db.session.scalars(statement))

    def _round_or_404(self, round_id: int, *, write: bool = False) -> VisitRound:
        row = scoping.scoped_row(db.session, acting_user(), VisitRound, round_id, write=write)
        if row is None:
            abort(404)
        return row

    def _check_form(self) -> None:
        if not ActionForm(request.form).validate_on_submit():
            abort(400)

    @expose("/")
    def index(self) -> Any:
        ids = scoping.neighbourhood_ids(acting_user())
        group_id = request.args.get("group", type=int)
        building_id = request.args.get("building", type=int)
        within = request.args.get("within", default=0, type=int)
        groups = self._groups()
        if group_id is not None and group_id not in {g.id for g in groups}:
            abort(404)
        if building_id is not None and scoping.scoped_row(
                db.session, acting_user(), Building, building_id, write=False) is None:
            abort(404)
        rows = due_rows(db.session, neighbourhood_ids=ids, group_id=group_id,
                        building_id=building_id, within_days=max(0, min(within, 90)))
        form = PlanForm()
        form.group.choices = [(g.id, g.name) for g in groups]
        form.starts_on.data = form.starts_on.data or utcnow().astimezone(
            deployment_zone()).date()
        recent = db.session.scalars(
            scoping.scoped(select(VisitRound).order_by(VisitRound.id.desc()).limit(10),
                           acting_user(), VisitRound)
            .options(joinedload(VisitRound.service_group))).all()
        return self.render("admin/visits/index.html", rows=rows[:500], total=len(rows),
                           counts=due_counts(rows), groups=groups, group_id=group_id,
                           building_id=building_id, within=within, form=form, rounds=recent)

    @expose("/plan", methods=("POST",))
    def plan(self) -> Response:
        form = PlanForm(request.form)
        groups = self._groups()
        form.group.choices = [(g.id, g.name) for g in groups]
        if not form.validate_on_submit():
            for name, errors in form.errors.items():
                for error in errors:
                    label = form[name].label.text if name != "csrf_token" else ""
                    flash(_("%(field)s: %(error)s", field=label, error=error) if label
                          else str(error), "error")
            return redirect(url_for(".index"))
        group = scoping.scoped_row(db.session, acting_user(), ServiceGroup, form.group.data,
                                   write=True)
        if group is None:
            abort(404)
        try:
            result = rounds.plan_round(db.session, group_id=group.id,
                                       starts_on=form.starts_on.data, weeks=form.weeks.data,
                                       zone=deployment_zone(), created_by_id=current_user.id)
        except rounds.RoundError as error:
            flash(str(error), "error")
            return redirect(url_for(".index"))
        flash(_("Round planned: %(n)s contacts proposed, %(a)s with a member.",
                n=result.proposed, a=result.assigned), "success")
        return redirect(url_for(".round", round_id=result.round.id))

    @expose("/round/<int:round_id>")
    def round(self, round_id: int) -> Any:
        round_ = self._round_or_404(round_id)
        visits = db.session.scalars(
            select(Visit).where(Visit.round_id == round_.id)
            .options(joinedload(Visit.household).joinedload(Household.building),
                     joinedload(Visit.volunteer))
            .order_by(Visit.visited_at, Visit.id)).all()
        members = rounds.group_members(db.session, round_)
        return self.render("admin/visits/round.html", round=round_, visits=visits,
                           unassigned=rounds.unassigned_count(db.session, round_),
                           members=members, action_form=ActionForm(), statuses=RoundStatus,
                           planned=VisitOutcome.planned)

    @expose("/round/<int:round_id>/reassign/<int:visit_id>", methods=("POST",))
    def reassign(self, round_id: int, visit_id: int) -> Response:
        self._check_form()
        round_ = self._round_or_404(round_id, write=True)
        visit = db.session.get(Visit, visit_id)
        if visit is None or visit.round_id != round_.id:
            abort(404)
        volunteer_id = request.form.get("volunteer", type=int) or None
        try:
            rounds.reassign(db.session, visit, volunteer_id)
        except rounds.RoundError as error:
            flash(str(error), "error")
        return redirect(url_for(".round", round_id=round_.id))

    @expose("/round/<int:round_id>/<any(publish, discard):what>", methods=("POST",))
    def finish(self, round_id: int, what: str) -> Response:
        self._check_form()
        round_ = self._round_or_404(round_id, write=True)
        try:
            if what == "publish":
                n = rounds.publish_round(db.session, round_)
                flash(_("Round published: %(n)s contacts are on members' lists.", n=n),
                      "success")
            else:
                n = rounds.discard_round(db.session, round_)
                flash(_("Round discarded: %(n)s planned contacts removed.", n=n), "success")
        except rounds.RoundError as error:
            flash(str(error), "error")
        return redirect(url_for(".round", round_id=round_.id))
