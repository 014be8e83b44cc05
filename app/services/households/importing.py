"""Import resident files (民情档案) from the spreadsheets neighbourhoods keep: all or nothing.

`plan` reads the rows (header in Chinese or English, as the admin's household export writes
it), finds for each row the household it describes — by ID when the file has one, else by
building, unit and room, else by neighbourhood and address — and says whether the row is new,
changes that household or leaves it as it is, or why it is refused (in the user's language,
naming the row). Buildings are found by their number within the row's neighbourhood. `apply`
writes a plan with no refused row and only flushes (the request commits).

A column the file does not have leaves that field of an existing household as it is; an empty
cell in a column it has clears the field (an empty household-members cell keeps the count).
A phone shown masked by the export (138****5678) keeps the number it masks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.enums import ContactWindow, HouseholdCategory
from app.models import Building, Household
from app.services.households.files import HouseholdError, mask_phone, normalise_household_phone
from app.services.spreadsheet_import import (
    ImportPlan,
    ImportRow,
    Layout,
    key,
    match_names,
    neighbourhood_names,
    read_table,
    refuse_unless_ok,
    too_long,
    whole_number,
)

LAYOUT = Layout(
    columns={
        "id": ("编号", "id"),
        "neighbourhood": ("居民区", "小区", "社区", "neighbourhood"),
        "building": ("楼号", "楼栋", "楼栋号", "楼", "building"),
        "unit": ("单元", "单元号", "unit"),
        "floor": ("楼层", "层", "floor"),
        "room": ("室号", "房号", "室", "门牌号", "room"),
        "address": ("地址", "住址", "家庭住址", "address"),
        "contact_name": ("联系人", "户主", "姓名", "contact"),
        "contact_phone": ("联系电话", "电话", "手机", "手机号", "contactphone", "phone"),
        "members_count": ("家庭人数", "户内人数", "人数", "householdmembers"),
        "categories": ("类别", "户类别", "家庭类别", "categories"),
        "contact_windows": ("方便联系的时间", "联系时段", "contactwindows"),
        "notes": ("备注", "notes"),
    },
    required=("address", "contact_name"),
    labels={
        "id": _l("ID"), "neighbourhood": _l("Neighbourhood"), "building": _l("Building"),
        "unit": _l("Unit"), "floor": _l("Floor"), "room": _l("Room"), "address": _l("Address"),
        "contact_name": _l("Contact"), "contact_phone": _l("Contact phone"),
        "members_count": _l("Household members"), "categories": _l("Categories"),
        "contact_windows": _l("Contact windows"), "notes": _l("Notes"),
    },
)
#: Columns whose text is stored as it is, with the longest text each takes.
TEXT_LIMITS = {"address": 200, "contact_name": 80, "unit": 10, "room": 10}


class RowStatus(Enum):
    new = "new"
    changed = "changed"
    unchanged = "unchanged"

    @property
    def label(self) -> Any:
        return {RowStatus.new: _l("New"), RowStatus.changed: _l("Changed"),
                RowStatus.unchanged: _l("Unchanged")}[self]


@dataclass
class PlannedHousehold(ImportRow):
    status: RowStatus = RowStatus.new
    household_id: int | None = None
    #: Attribute → value to store (only the file's columns).
    fields: dict[str, Any] = field(default_factory=dict)
    categories: list[HouseholdCategory] | None = None
    windows: list[ContactWindow] | None = None
    #: For a row that changes a household: the fields it changes (the columns' codes).
    changed: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> Any:
        return self.status.label


@dataclass
class HouseholdImportPlan(ImportPlan[PlannedHousehold]):
    @property
    def counts(self) -> list[tuple[Any, int]]:
        return [(status.label, sum(1 for r in self.rows if r.status is status and not r.errors))
                for status in RowStatus]


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    #: Each household written, with the fields the import changed (none for a new one).
    touched: list[tuple[Household, list[str]]] = field(default_factory=list)


def _enum_names(enum: type[Any]) -> dict[str, Any]:
    """Each member by its code and its label in Chinese and English."""
    names: dict[str, Any] = {}
    for locale in ("en", "zh"):
        with force_locale(locale):
            for member in enum:
                names[key(str(member.label))] = member
    for member in enum:
        names[key(member.value)] = member
    return names


class _Context:
    """What every row is checked against, loaded once."""

    def __init__(self, session: Session, neighbourhood_ids: frozenset[int] | None) -> None:
        self.allowed = neighbourhood_ids
        self.neighbourhoods = neighbourhood_names(session)
        buildings = select(Building)
        households = select(Household).options(selectinload(Household.category_links),
                                               selectinload(Household.window_links))
        if neighbourhood_ids is not None:
            buildings = buildings.where(Building.neighbourhood_id.in_(neighbourhood_ids))
            households = households.where(Household.neighbourhood_id.in_(neighbourhood_ids))
        self.buildings: dict[tuple[int, str], Building] = {}
        for b in session.scalars(buildings):
            self.buildings[(b.neighbourhood_id, key(b.number))] = b
        self.by_id: dict[int, Household] = {}
        self.by_flat: dict[tuple[int, str, str], Household] = {}
        self.by_address: dict[tuple[int, str], list[Household]] = {}
        for h in session.scalars(households):
            self.by_id[h.id] = h
            if h.building_id is not None and h.room:
                self.by_flat[(h.building_id, key(h.unit), key(h.room))] = h
            self.by_address.setdefault((h.neighbourhood_id, key(h.address)), []).append(h)
        self.categories = _enum_names(HouseholdCategory)
        self.windows = _enum_names(ContactWindow)
        self.only = (next(iter(neighbourhood_ids))
                     if neighbourhood_ids is not None and len(neighbourhood_ids) == 1 else None)


def _neighbourhood(row: PlannedHousehold, ctx: _Context) -> int | None:
    name = row.values.get("neighbourhood", "")
    if not name:
        if ctx.only is not None:
            return ctx.only
        row.errors.append(_l("The neighbourhood is missing."))
        return None
    n = ctx.neighbourhoods.get(key(name))
    if n is None:
        row.errors.append(_l("There is no neighbourhood called “%(value)s”.", value=name))
        return None
    if ctx.allowed is not None and n.id not in ctx.allowed:
        row.errors.append(_l("You may not change the households of %(name)s.", name=n.name))
        return None
    return n.id


def _building(row: PlannedHousehold, ctx: _Context, neighbourhood_id: int | None
              ) -> Building | None:
    number = row.values.get("building", "")
    if not number or neighbourhood_id is None:
        return None
    building = ctx.buildings.get((neighbourhood_id, key(number)))
    if building is None:
        row.errors.append(_l("There is no building number “%(value)s” in this "
                             "neighbourhood.", value=number))
    return building


def _existing(row: PlannedHousehold, ctx: _Context, neighbourhood_id: int | None,
              building: Building | None) -> Household | None:
    """The household the row describes, if it exists."""
    raw_id = row.values.get("id", "")
    if raw_id:
        household = ctx.by_id.get(int(raw_id)) if raw_id.isdigit() else None
        if household is None:
            row.errors.append(_l("There is no household with the ID “%(value)s” in your "
                                 "neighbourhoods.", value=raw_id))
        elif neighbourhood_id is not None and household.neighbourhood_id != neighbourhood_id:
            row.errors.append(_l("Household %(id)s is in another neighbourhood; a household "
                                 "cannot be moved by an import.", id=raw_id))
        return household
    room = row.values.get("room", "")
    if building is not None and room:
        return ctx.by_flat.get((building.id, key(row.values.get("unit", "")), key(room)))
    if neighbourhood_id is None:
        return None
    same = ctx.by_address.get((neighbourhood_id, key(row.values["address"])), [])
    if len(same) > 1:
        row.errors.append(_l("%(n)s households have this address; add their building, unit "
                             "and room, or their ID, to say which one.", n=len(same)))
        return None
    return same[0] if same else None


def _check_fields(row: PlannedHousehold, ctx: _Context, building: Building | None,
                  existing: Household | None) -> None:
    values = row.values
    for column, limit in TEXT_LIMITS.items():
        too_long(row, column, LAYOUT, limit)
    if not values["address"]:
        row.errors.append(_l("The address is missing."))
    if not values["contact_name"]:
        row.errors.append(_l("The contact's name is missing."))
    fields = row.fields
    fields["address"] = values["address"]
    fields["contact_name"] = values["contact_name"]
    if "building" in values:
        fields["building_id"] = building.id if building is not None else None
    for column in ("unit", "room", "notes"):
        if column in values:
            fields[column] = values[column] if column == "unit" else (values[column] or None)
    if "floor" in values:
        floor = whole_number(row, "floor", LAYOUT, minimum=-5, maximum=200)
        if floor is not None and building is not None and not 1 <= floor <= building.floors:
            row.errors.append(_l("Floor %(floor)s: the building has %(n)s floors.",
                                 floor=floor, n=building.floors))
        fields["floor"] = floor
    members = whole_number(row, "members_count", LAYOUT, minimum=1, maximum=99)
    if members is not None:
        fields["members_count"] = members
    if "contact_phone" in values:
        raw = values["contact_phone"]
        if existing is not None and raw and raw == mask_phone(existing.contact_phone):
            pass  # the export's masked number: keep the one it masks
        else:
            try:
                fields["contact_phone"] = normalise_household_phone(raw)
            except HouseholdError as error:
                row.errors.append(_l("%(column)s “%(value)s”: %(reason)s",
                                     column=LAYOUT.labels["contact_phone"], value=raw,
                                     reason=str(error)))
    if "categories" in values:
        row.categories = _members(row, "categories", ctx.categories, _l(
            "There is no household category called “%(value)s”."))
    if "contact_windows" in values:
        row.windows = _members(row, "contact_windows", ctx.windows, _l(
            "There is no contact window called “%(value)s”."))


def _members(row: PlannedHousehold, column: str, names: dict[str, Any], unknown: Any
             ) -> list[Any]:
    """The enum members a cell lists (sorted); each name that is none is refused by name."""
    found, rest = match_names(row.values[column], names)
    for name in rest:
        row.errors.append(unknown % {"value": name})
    return sorted(found, key=lambda m: m.value)


#: Stored attribute → the column that fills it.
_COLUMN_OF = {"building_id": "building"}


def _changes(row: PlannedHousehold, household: Household) -> list[str]:
    """The columns whose value differs from the household's file."""
    out = [_COLUMN_OF.get(name, name) for name, value in row.fields.items()
           if getattr(household, name) != value]
    if row.categories is not None and sorted(
            HouseholdCategory(c).value for c in household.categories) != [
            c.value for c in row.categories]:
        out.append("categories")
    if row.windows is not None and sorted(
            ContactWindow(w).value for w in household.contact_windows) != [
            w.value for w in row.windows]:
        out.append("contact_windows")
    return out


def plan(session: Session, rows: Sequence[Sequence[str]], *,
         neighbourhood_ids: frozenset[int] | None) -> HouseholdImportPlan:
    """Check the rows (the first non-blank one is the header). `neighbourhood_ids` are those
    whose households the importing user may change (None: all)."""
    table = read_table(rows, LAYOUT)
    ctx = _Context(session, neighbourhood_ids)
    planned: list[PlannedHousehold] = []
    seen_flats: dict[tuple[int, str, str], int] = {}
    seen_addresses: dict[tuple[int, str], int] = {}
    seen_households: dict[int, int] = {}
    for read in table.rows:
        row = PlannedHousehold(line=read.line, values=read.values, errors=read.errors)
        neighbourhood_id = _neighbourhood(row, ctx)
        building = _building(row, ctx, neighbourhood_id)
        existing = _existing(row, ctx, neighbourhood_id, building)
        _check_fields(row, ctx, building, existing)
        if existing is not None:
            row.household_id = existing.id
            row.changed = _changes(row, existing)
            row.status = RowStatus.changed if row.changed else RowStatus.unchanged
            if existing.id in seen_households:
                row.errors.append(_l("Row %(line)s already describes this household.",
                                     line=seen_households[existing.id]))
            seen_households[existing.id] = row.line
        elif neighbourhood_id is not None:
            row.fields["neighbourhood_id"] = neighbourhood_id
        room = row.values.get("room", "")
        if building is not None and room:
            flat = (building.id, key(row.values.get("unit", "")), key(room))
            other = ctx.by_flat.get(flat)
            if flat in seen_flats:
                row.errors.append(_l("The same building, unit and room are already in row "
                                     "%(line)s.", line=seen_flats[flat]))
            elif other is not None and existing is not None and other.id != existing.id:
                row.errors.append(_l("Another household already lives at this building, unit "
                                     "and room: %(name)s.", name=other.contact_name))
            seen_flats.setdefault(flat, row.line)
        elif neighbourhood_id is not None and row.values["address"]:
            address = (neighbourhood_id, key(row.values["address"]))
            if address in seen_addresses:
                row.errors.append(_l("The same address is already in row %(line)s.",
                                     line=seen_addresses[address]))
            seen_addresses.setdefault(address, row.line)
        planned.append(row)
    return HouseholdImportPlan(columns=list(table.columns), rows=planned,
                               ignored=table.ignored)


def _replace(current: Any, wanted: list[Any]) -> None:
    """Make a household's categories (or contact windows) the wanted ones, keeping the links
    that stay (deleting and adding the same link in one flush would clash on its key)."""
    for member in [m for m in current if m not in wanted]:
        current.remove(member)
    for member in wanted:
        if member not in current:
            current.append(member)


def apply(session: Session, import_plan: HouseholdImportPlan) -> ImportResult:
    """Create the new households and change the changed ones, or nothing if any row was
    refused; flushes only."""
    refuse_unless_ok(import_plan)
    ids = [r.household_id for r in import_plan.rows if r.status is RowStatus.changed]
    existing = {h.id: h for h in session.scalars(
        select(Household).where(Household.id.in_(ids)).options(
            selectinload(Household.category_links), selectinload(Household.window_links)))}
    result = ImportResult(0, 0, 0)
    for row in import_plan.rows:
        if row.status is RowStatus.unchanged:
            result.unchanged += 1
            continue
        if row.status is RowStatus.new:
            household = Household(**row.fields)
            session.add(household)
            result.created += 1
        else:
            household = existing[row.household_id]  # type: ignore[index]
            for name, value in row.fields.items():
                setattr(household, name, value)
            result.updated += 1
        if row.categories is not None:
            _replace(household.categories, row.categories)
        if row.windows is not None:
            _replace(household.contact_windows, row.windows)
        result.touched.append((household, row.changed))
    session.flush()
    return result
