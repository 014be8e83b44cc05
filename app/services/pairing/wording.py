"""The engine's reasons for an unpaired family, what a family without a member waits on, and
a proposal's aim, in the reader's words."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.enums import PAIRING_CATEGORIES, HouseholdCategory, PairingStatus
from app.i18n import local_date
from app.models import Household, Pairing, Skill
from scheduling import pairing as engine


def _km(value: Any) -> str:
    return f"{float(value):g}"


def reason_text(code: str, params: Mapping[str, Any], skills: Mapping[str, Skill]) -> str:
    """Why the family has no member, for the coordinator (skills by code → their names)."""
    if code == engine.NO_MEMBERS:
        return _("No member of the neighbourhood takes families: none is active with a family "
                 "limit above 0.")
    if code == engine.TOO_FAR:
        if params.get("nearest_km") is None:
            return _("Nobody lives within %(km)s km.", km=_km(params["max_km"]))
        return _("Nobody lives within %(km)s km: the nearest member is %(nearest)s km away.",
                 km=_km(params["max_km"]), nearest=_km(params["nearest_km"]))
    if code == engine.NO_SKILL:
        needs = "、".join(skills[c].name if c in skills else c for c in params["needs"])
        return _("%(n)s members live within walking distance, but none offers what the "
                 "family needs: %(needs)s.", n=params["within"], needs=needs)
    if code == engine.AT_CAPACITY:
        return _("All %(n)s suitable members already hold their maximum number of families "
                 "(%(names)s).", n=params["suitable"], names="、".join(params["names"]))
    return _("A suitable member still has a place: propose again.")


def waiting_text(pairing: Pairing, today: date) -> str:
    """Why a family with an open pairing has no member on `today` (`coverage`)."""
    member = pairing.volunteer.name
    if pairing.status == PairingStatus.proposed:
        return _("Proposed with %(member)s: no member until you confirm the proposal.",
                 member=member)
    if pairing.starts_on > today:
        return _("Paired with %(member)s from %(day)s.", member=member,
                 day=local_date(pairing.starts_on))
    return _("The pairing with %(member)s ended on %(day)s.", member=member,
             day=local_date(pairing.ends_on))


def aim_for(household: Household) -> str:
    """The stated aim a proposal starts with (the coordinator may edit it). It is stored and
    read by the member, the family's file and every coordinator, so it is written in the
    deployment's language, whoever proposes and from wherever (a page, the command, a task)."""
    mine = set(household.categories)
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        categories = [HouseholdCategory(c).label for c in PAIRING_CATEGORIES if c in mine]
        text = _("Regular contact and help (%(categories)s)", categories="、".join(
            str(c) for c in categories))
        if household.needs:
            text += _("; help with: %(needs)s",
                      needs="、".join(s.name for s in household.needs))
    return text[:300]
