"""An inspection on the phone at the site: a member starts it (or joins the one their group
has open there), ticks the members present, answers the checklist, writes the findings, marks
a follow-up (which becomes a residents' request of the site's neighbourhood) and ends it.

Every refusal says why and changes nothing. A member may change the record until a day after
it ended (`log.may_change`); a change to an ended record is kept in its history. Flush only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.enums import ChecklistAnswer, RequestCategory, RequestChannel
from app.models import (
    PatrolGroup,
    PatrolInspection,
    PatrolMember,
    PatrolSite,
    Volunteer,
    utcnow,
)
from app.services.patrols import log
from app.services.patrols.log import PatrolError
from app.services.requests.intake import RequestInput, RequestInvalid, create_request
from app.services.text_input import control_characters_message, has_control_characters

MAX_FINDINGS = 2000
#: An open inspection of the same group and site started this recently is joined, not
#: doubled, when another member taps "start".
JOIN_WITHIN = timedelta(hours=6)


def member_groups(session: Session, volunteer_id: int) -> list[PatrolGroup]:
    """The patrol groups the volunteer belongs to."""
    return list(session.scalars(
        select(PatrolGroup).join(PatrolMember, PatrolMember.group_id == PatrolGroup.id)
        .where(PatrolMember.volunteer_id == volunteer_id)
        .options(selectinload(PatrolGroup.members).joinedload(PatrolMember.volunteer))
        .order_by(PatrolGroup.name, PatrolGroup.id)))


def member_sites(session: Session, groups: list[PatrolGroup]) -> list[PatrolSite]:
    """The active sites the member's groups patrol: their usual sites first, then the other
    sites of the groups' neighbourhoods."""
    if not groups:
        return []
    group_ids = {g.id for g in groups}
    sites = session.scalars(
        select(PatrolSite).where(
            PatrolSite.active.is_(True),
            PatrolSite.group_id.in_(group_ids)
            | PatrolSite.neighbourhood_id.in_({g.neighbourhood_id for g in groups}))
        .order_by(PatrolSite.name, PatrolSite.id)).all()
    return sorted(sites, key=lambda s: s.group_id not in group_ids)


def recent_inspections(session: Session, group_ids: set[int], *, now: datetime | None = None,
                       days: int = 2) -> list[PatrolInspection]:
    """The groups' inspections under way or ended lately, newest first."""
    if not group_ids:
        return []
    since = (now or utcnow()) - timedelta(days=days)
    return list(session.scalars(
        select(PatrolInspection)
        .where(PatrolInspection.group_id.in_(group_ids),
               PatrolInspection.ended_at.is_(None) | (PatrolInspection.started_at >= since))
        .options(joinedload(PatrolInspection.site), selectinload(PatrolInspection.present))
        .order_by(PatrolInspection.started_at.desc(), PatrolInspection.id.desc())).unique())


def _membership(session: Session, group_id: int, volunteer_id: int) -> PatrolMember | None:
    return session.scalar(select(PatrolMember).where(
        PatrolMember.group_id == group_id, PatrolMember.volunteer_id == volunteer_id))


def start_inspection(session: Session, volunteer: Volunteer, site_id: Any, group_id: Any, *,
                     now: datetime | None = None,
                     zone: ZoneInfo | None = None) -> PatrolInspection:
    """Start an inspection of a site by one of the volunteer's groups, the volunteer present;
    or join the group's inspection there that is still under way."""
    now = now or utcnow()
    site = session.get(PatrolSite, _int(site_id)) if _int(site_id) else None
    if site is None or not site.active:
        raise PatrolError(_l("Choose one of your group's sites."), "site")
    group = session.get(PatrolGroup, _int(group_id)) if _int(group_id) else None
    if group is None or _membership(session, group.id, volunteer.id) is None:
        raise PatrolError(_l("You are not a member of this patrol group."), "group")
    if site.group_id != group.id and site.neighbourhood_id != group.neighbourhood_id:
        # The same sites the list offers: the group's own, and its neighbourhood's.
        raise PatrolError(_l("Choose one of your group's sites."), "site")
    under_way = session.scalar(
        select(PatrolInspection).where(
            PatrolInspection.site_id == site.id, PatrolInspection.group_id == group.id,
            PatrolInspection.ended_at.is_(None),
            PatrolInspection.started_at >= now - JOIN_WITHIN)
        .order_by(PatrolInspection.started_at.desc()).limit(1))
    if under_way is not None:
        if volunteer not in under_way.present:
            under_way.present.append(volunteer)
            log.refresh_certified(session, under_way, zone)
        return under_way
    checklist = [{"item": item.id, "question": item.question,
                  "question_en": item.question_en, "answer": "",
                  "concern_answer": item.concern_answer.value}
                 for item in log.checklist_items(session, site.kind)]
    inspection = PatrolInspection(site=site, group=group, started_at=now,
                                  started_by_id=volunteer.id, checklist=checklist,
                                  present=[volunteer])
    session.add(inspection)
    log.refresh_certified(session, inspection, zone)
    return inspection


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@dataclass
class InspectionInput:
    """What the phone's form sends, as typed."""

    present_ids: list[Any] = field(default_factory=list)
    #: checklist item id (as a string) → answer value
    answers: dict[str, str] = field(default_factory=dict)
    findings: str | None = None
    follow_up_needed: bool = False
    follow_up_category: str | None = None


@dataclass(frozen=True)
class Saved:
    inspection: PatrolInspection
    #: The residents' request raised by this save (None: none raised now).
    request_raised: Any = None


def save_inspection(session: Session, inspection: PatrolInspection, volunteer: Volunteer,
                    data: InspectionInput, *, end: bool = False, now: datetime | None = None,
                    zone: ZoneInfo | None = None, locale: str | None = None) -> Saved:
    """Check and store the form; with `end`, also end the inspection (all questions must be
    answered). A follow-up raises a residents' request once."""
    now = now or utcnow()
    if not log.may_change(session, inspection, volunteer=volunteer, now=now):
        raise PatrolError(_l("This record can no longer be changed here: a day has passed. "
                             "Ask your coordinator to correct it."))
    errors: dict[str, Any] = {}
    members = {m.volunteer_id: m.volunteer for m in inspection.group.members}
    wanted = {_int(i) for i in data.present_ids} - {None}
    if not wanted:
        errors["present"] = _l("Tick at least one member present.")
    elif not wanted <= set(members):
        errors["present"] = _l("Only members of the group can be ticked present.")
    answers: dict[int, str] = {}
    allowed = {a.value for a in ChecklistAnswer}
    for entry in inspection.checklist or []:
        answer = (data.answers.get(str(entry["item"])) or "").strip()
        if answer and answer not in allowed:
            errors["checklist"] = _l("Choose yes, no or not applicable.")
        elif end and not answer:
            errors["checklist"] = _l("Answer every question of the checklist before ending.")
        answers[entry["item"]] = answer
    findings = (data.findings or "").strip() or None
    if has_control_characters(findings):
        errors["findings"] = control_characters_message()
    elif findings and len(findings) > MAX_FINDINGS:
        errors["findings"] = _l("The findings are limited to %(n)s characters.",
                                n=MAX_FINDINGS)
    category = None
    if data.follow_up_needed and inspection.request_id is None:
        try:
            category = RequestCategory(data.follow_up_category or "")
        except ValueError:
            errors["follow_up"] = _l("Choose what the follow-up is about.")
        if not findings:
            errors["findings"] = _l("Describe what needs following up in the findings.")
    if errors:
        raise InspectionInvalid(errors)

    corrected = inspection.ended_at is not None
    before = log.snapshot(inspection, zone) if corrected else None
    inspection.present = [members[i] for i in sorted(wanted, key=lambda i: members[i].name)]
    inspection.checklist = [{**entry, "answer": answers[entry["item"]]}
                            for entry in inspection.checklist or []]
    inspection.findings = findings
    inspection.follow_up_needed = bool(data.follow_up_needed) or inspection.request_id is not None
    if end and inspection.ended_at is None:
        inspection.ended_at = max(now, inspection.started_at)
    log.refresh_certified(session, inspection, zone)
    raised = None
    if category is not None:
        raised = _raise_request(session, inspection, volunteer, category, findings or "",
                                locale)
    if before is not None:
        log.record_change(session, inspection, before, volunteer=volunteer, zone=zone)
    session.flush()
    return Saved(inspection, raised)


def _raise_request(session: Session, inspection: PatrolInspection, volunteer: Volunteer,
                   category: RequestCategory, findings: str, locale: str | None) -> Any:
    site = inspection.site
    try:
        request = create_request(session, RequestInput(
            neighbourhood_id=site.neighbourhood_id, category=category.value,
            text=findings, place=f"{site.name}（{site.address}）"[:120], locale=locale),
            channel=RequestChannel.patrol, volunteer=volunteer)
    except RequestInvalid as error:
        raise InspectionInvalid({"findings": next(iter(error.errors.values()))}) from error
    inspection.request_id = request.id
    return request


class InspectionInvalid(PatrolError):
    """Fields of the form are wrong; `errors` maps each to its message."""

    def __init__(self, errors: dict[str, Any]) -> None:
        field_name, first = next(iter(errors.items()))
        super().__init__(first, field_name)
        self.errors = errors
