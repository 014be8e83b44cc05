"""The demo's licences: home medical visits (上门医疗) need one, and every member of the home
medical team holds one — one of them expiring in three weeks, so the alert, the list's
"expires in N days" and the scheduler's cut-off all have something to show."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Qualification, ServicePackageItem, Skill, Team

LICENSED_SKILL = "home_medical"
TEAM = "上门医疗队"
ISSUER = "浦东新区卫生健康委员会"
EXPIRING_IN = timedelta(days=20)


def load_licences(session: Session, today: date) -> dict[str, int]:
    skill = session.scalar(select(Skill).where(Skill.code == LICENSED_SKILL))
    team = session.scalar(select(Team).where(Team.name == TEAM))
    if skill is None or team is None:
        return {}
    skill.requires_qualification = True
    held = set(session.scalars(select(Qualification.volunteer_id).where(
        Qualification.skill_id == skill.id)))
    paired = set(session.scalars(select(ServicePackageItem.volunteer_id)))
    members = sorted((m for m in team.members if skill in m.skills), key=lambda m: m.id)
    # The expiring one is nobody's paired helper: the care packages keep their person.
    expiring = next((m for m in members if m.id not in paired), None)
    created = 0
    for n, member in enumerate(members, start=1):
        if member.id in held:
            continue
        until = (today + EXPIRING_IN if member is expiring
                 else date(today.year + 3, 12, 31))
        session.add(Qualification(volunteer=member, skill=skill,
                                  licence_number=f"沪卫执{2021000 + n}", issued_by=ISSUER,
                                  valid_from=date(today.year - 2, 1, 1), valid_until=until))
        created += 1
    session.flush()
    return {"qualifications": created}
