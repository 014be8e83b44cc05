"""Who raises and who files the demo's requests raised on household visits
(`app.services.demo.requests` tells the stories): the visited household, its contact and
mobile number on file standing for the raiser, and a member of the building's service group
filing it (`volunteer_id`, as the per-volunteer figures count)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Household, Volunteer, service_group_members
from app.services.signup.applicant import SignupInvalid, normalise_phone


class VisitRaisers:
    """The raisers and filers of each neighbourhood's requests on visits, read once per
    neighbourhood; the volunteer named `leaving_out` files none (Jiang Jiezhi: her 235
    suggestions are her patrols')."""

    def __init__(self, session: Session, *, leaving_out: str) -> None:
        self.session, self.leaving_out = session, leaving_out
        self._neighbourhoods: dict[int, _Neighbourhood] = {}

    def _of(self, neighbourhood_id: int) -> _Neighbourhood:
        if neighbourhood_id not in self._neighbourhoods:
            self._neighbourhoods[neighbourhood_id] = _Neighbourhood.of(
                self.session, neighbourhood_id, self.leaving_out)
        return self._neighbourhoods[neighbourhood_id]

    def raise_on_visit(self, row: dict, k: int) -> None:
        """Set the household and the filing member of the `k`th request, `row`, raised on a
        visit."""
        self._of(row["neighbourhood_id"]).raise_on_visit(row, k)

    def contact(self, neighbourhood_id: int, household_id: int) -> tuple[str, str]:
        """The household's contact name and mobile number, standing for the raiser."""
        return self._of(neighbourhood_id).contacts[household_id]


@dataclass
class _Neighbourhood:
    """A neighbourhood's households with a mobile number on file (by building, all under
    None) and its service groups' members (by group, all under None)."""

    households: dict[int | None, list[int]]
    contacts: dict[int, tuple[str, str]]
    members: dict[int | None, list[int]]

    @classmethod
    def of(cls, session: Session, neighbourhood_id: int,
           leaving_out: str) -> _Neighbourhood:
        households: dict[int | None, list[int]] = {None: []}
        contacts: dict[int, tuple[str, str]] = {}
        for hid, building, name, phone in session.execute(
                select(Household.id, Household.building_id, Household.contact_name,
                       Household.contact_phone)
                .where(Household.neighbourhood_id == neighbourhood_id)
                .order_by(Household.id)):
            try:
                contacts[hid] = (name, normalise_phone(phone))
            except SignupInvalid:
                continue  # a landline, or none: the household cannot be told by SMS
            households.setdefault(building, []).append(hid)
            households[None].append(hid)
        members: dict[int | None, list[int]] = {None: []}
        for group, vid in session.execute(
                select(service_group_members.c.group_id, Volunteer.id)
                .join(Volunteer, Volunteer.id == service_group_members.c.volunteer_id)
                .where(Volunteer.neighbourhood_id == neighbourhood_id,
                       Volunteer.name != leaving_out)
                .order_by(service_group_members.c.group_id, Volunteer.id)):
            members.setdefault(group, []).append(vid)
            if vid not in members[None]:
                members[None].append(vid)
        return cls(households, contacts, members)

    def raise_on_visit(self, row: dict, k: int) -> None:
        """The household (of the request's building if it has one) and the member (of the
        building's group if it has members) of the `k`th request: chosen by its number, not
        by the demo's random draws, so the rest of the year stays as it was."""
        households = self.households.get(row["building_id"]) or self.households[None]
        members = self.members.get(row["service_group_id"]) or self.members[None]
        if households:
            row["household_id"] = households[k % len(households)]
        if members:
            row["volunteer_id"] = members[k % len(members)]
