"""The residents' requests admin's list formatters and the handling page's forms."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from admin import access
from admin.fields import LocalDateTimeField
from admin.model_forms import LinliForm
from admin.protection import acting_user
from app.enums import OPEN_REQUEST, FollowUpOutcome, PhotoStage
from app.i18n import deployment_zone, local_date, local_datetime
from app.models import RequestChange, ResidentRequest, utcnow
from app.services import scoping
from app.services.households.files import mask_phone
from app.services.requests import follow_up
from app.services.requests.board import MAX_RESULT, MAX_TITLE
from app.services.requests.council_vote import (
    MAX_LABEL,
    MAX_OPTIONS,
    VoteInput,
    as_tally,
    tally_text,
)
from app.services.requests.history import MAX_NOTE

EXCERPT = 60


def excerpt(view: Any, context: Any, model: ResidentRequest, name: str) -> str:
    text = " ".join(model.text.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def phone(view: Any, context: Any, model: ResidentRequest, name: str) -> str:
    if scoping.may_see_phone(acting_user()):
        return model.phone or ""
    return mask_phone(model.phone)


def _shown(model_name: str, endpoint: str, row: Any, text: str) -> Markup | str:
    """`text` linked to `row`'s details for a role that may read `model_name` rows; nothing
    for one that may not (a department handler: the household and the member are the
    committee's)."""
    if row is None or access.READ not in access.permissions(acting_user().role, model_name):
        return ""
    return Markup('<a href="{}">{}</a>').format(url_for(f"{endpoint}.details_view", id=row.id),
                                                text)


def household(view: Any, context: Any, model: ResidentRequest, name: str) -> Markup | str:
    return _shown("Household", "household", model.household, str(model.household))


def member(view: Any, context: Any, model: ResidentRequest, name: str) -> Markup | str:
    filed_by = model.volunteer
    return _shown("Volunteer", "volunteer", filed_by, filed_by.name if filed_by else "")


def visit(view: Any, context: Any, model: ResidentRequest, name: str) -> Markup | str:
    raised_on = model.visit
    return _shown("Visit", "visit", raised_on, f"{local_datetime(raised_on.visited_at)} · "
                  f"{raised_on}" if raised_on else "")


def due(view: Any, context: Any, model: ResidentRequest, name: str) -> Markup | str:
    """The deadline, marked when an open request is past it."""
    if model.due_at is None:
        return ""
    when = local_datetime(model.due_at)
    if model.status in OPEN_REQUEST and model.due_at < utcnow():
        return Markup('<span class="text-danger fw-bold">{} ({})</span>').format(
            when, gettext("overdue"))
    return when


def follow_up_due(view: Any, context: Any, model: ResidentRequest, name: str) -> Markup | str:
    """The follow-up day: marked when still to make and past, struck when made."""
    if model.follow_up_due_on is None:
        return ""
    day = local_date(model.follow_up_due_on)
    if model.follow_up_done_at is not None:
        return Markup('<span class="text-muted">{} ({})</span>').format(day, gettext("done"))
    if follow_up.is_overdue(model, utcnow().astimezone(deployment_zone()).date()):
        return Markup('<span class="text-danger fw-bold">{} ({})</span>').format(
            day, gettext("overdue"))
    return day


def rerouted_label(change: RequestChange) -> str:
    return gettext("Re-routed: %(from)s → %(to)s",
                   **{"from": change.from_group.name if change.from_group else "—",
                      "to": change.to_group.name if change.to_group else "—"})


def step_text(change: RequestChange) -> str:
    if change.follow_up is not None:
        return gettext("Follow-up contact: %(outcome)s", outcome=change.follow_up.label)
    if change.rerouted:
        return rerouted_label(change)
    if change.routing:  # how it was routed on intake (which rule, or the patch)
        return f"{change.to_status.label} · {change.routing}"
    if change.council_vote is not None:  # the council's decision: its tally, counts only
        return gettext("%(state)s · The council's vote: %(tally)s",
                       state=change.to_status.label,
                       tally=tally_text(as_tally(change.council_vote)))
    return change.to_status.label


def who_text(model: ResidentRequest, change: RequestChange) -> str:
    if change.actor:
        return change.actor
    # Raised by a patrol or on a visit before the history named the member who filed it.
    if change.from_status is None and model.volunteer is not None:
        return model.volunteer.name
    return gettext("The resident")


def history_rows(model: ResidentRequest) -> list[dict[str, Any]]:
    return [{
        "at": local_datetime(change.at),
        "step": step_text(change),
        "who": who_text(model, change),
        "note": change.note or "",
    } for change in model.changes]


def history(view: Any, context: Any, model: ResidentRequest, name: str) -> Markup:
    items = [
        Markup("<li>{at} · {step} · {who}{note}</li>").format(
            at=row["at"], step=row["step"], who=row["who"],
            note=Markup("<br>") + escape(row["note"]) if row["note"] else "")
        for row in history_rows(model)
    ]
    return Markup('<ol class="request-history">') + Markup("").join(items) + Markup("</ol>")


def history_text(view: Any, context: Any, model: ResidentRequest, name: str) -> str:
    return "\n".join(f"{r['at']} {r['step']} {r['who']} {r['note']}".strip()
                     for r in history_rows(model))


class StepForm(LinliForm):
    status = RadioField(_l("Next step"), choices=[], validate_choice=False)
    note = TextAreaField(_l("What was decided or said (the resident reads this)"),
                         render_kw={"rows": 4, "maxlength": MAX_NOTE})
    expected = HiddenField()
    council_decision = TextAreaField(
        _l("The decision, after the option adopted: conditions, what happens next, how a tie "
           "was settled (posted on the notice board; needed when the vote is tied)"),
        render_kw={"rows": 3, "maxlength": MAX_NOTE})
    board_title = StringField(_l("Title on the notice board"),
                              render_kw={"maxlength": MAX_TITLE})
    result = TextAreaField(_l("Result for the notice board"),
                           render_kw={"rows": 3, "maxlength": MAX_RESULT})
    follow_up_on = DateField(_l("Get back in touch with the resident on"),
                             validators=[Optional()])


def typed_vote(formdata: Any) -> VoteInput:
    """The council's vote as the step form sent it: the option rows (label and votes, in
    step), the abstentions and the row marked adopted."""
    return VoteInput(rows=list(zip(formdata.getlist("option_label"),
                                   formdata.getlist("option_votes"), strict=False)),
                     abstentions=formdata.get("abstentions"), adopted=formdata.get("adopted"))


def vote_rows(formdata: Any = None) -> dict[str, Any]:
    """The vote's rows for the handling page: as typed when a refused form comes back, so
    nothing is typed twice; empty otherwise."""
    typed = typed_vote(formdata) if formdata is not None else VoteInput()
    rows = [(label or "", votes or "") for label, votes in typed.rows][:MAX_OPTIONS]
    rows += [("", "")] * (MAX_OPTIONS - len(rows))
    return {"rows": rows, "abstentions": typed.abstentions or "",
            "adopted": typed.adopted or "", "max_label": MAX_LABEL}


class FollowUpForm(LinliForm):
    outcome = RadioField(_l("The follow-up contact"), choices=[
        SelectChoice(o.value, o._labels()[o]) for o in FollowUpOutcome], validate_choice=False)
    note = TextAreaField(_l("What was said, or why nobody was reached (kept in its history; "
                            "the resident reads this)"),
                         render_kw={"rows": 2, "maxlength": MAX_NOTE})


class MergeForm(LinliForm):
    into = StringField(_l("Reference code of the request to merge into"),
                       render_kw={"maxlength": 12, "autocomplete": "off"})
    note = TextAreaField(_l("What was said (the resident reads this)"),
                         render_kw={"rows": 2, "maxlength": MAX_NOTE})
    expected = HiddenField()


class EscalateForm(LinliForm):
    level = RadioField(_l("Pass it on to"), choices=[], validate_choice=False)
    department = SelectField(_l("Department"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Why (what the level handling it cannot settle)"),
                           render_kw={"rows": 2, "maxlength": MAX_NOTE})


class RerouteForm(LinliForm):
    group = SelectField(_l("Give it to the service group"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Why (kept in its history; the resident reads this)"),
                           render_kw={"rows": 2, "maxlength": MAX_NOTE})
    #: The group the user saw ("" for none), so a re-route meanwhile is not overwritten.
    expected = HiddenField()


class PhotoForm(LinliForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP, at most 5 MB)"))


#: The stage's choice is checked by the service (`photos.set_stage`), which says why it refuses.
_STAGES = [SelectChoice(stage.value, stage._labels()[stage]) for stage in PhotoStage]


class RequestPhotoForm(PhotoForm):
    stage = RadioField(_l("The photo shows"), choices=_STAGES, validate_choice=False)


class PhotoStageForm(LinliForm):
    stage = RadioField(_l("The photo shows"), choices=_STAGES, validate_choice=False)


class PublishPhotoForm(LinliForm):
    publish = HiddenField()
    no_people = BooleanField(_l("It shows no people and no personal data (faces, names, house "
                                "numbers, number plates)"))


class MeetingForm(LinliForm):
    starts_at = LocalDateTimeField(_l("Meeting starts"))
    place = StringField(_l("Meeting place"), render_kw={"maxlength": 200})
    representatives = TextAreaField(
        _l("Residents' representatives invited (one name a line)"),
        render_kw={"rows": 4, "maxlength": 20000})




class InviteForm(LinliForm):
    representatives = TextAreaField(
        _l("More representatives to invite (one name a line)"),
        render_kw={"rows": 3, "maxlength": 20000})
