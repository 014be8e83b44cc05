"""care subscriptions become service-package items: packages are the one source of care visits

Each care subscription still running (active, not ended) becomes an item of its household's
service package — a package made for the household when it has none. The item takes the care
package's skill (a skill of the package's name is made when it had none: an item needs one),
duration and description, the subscription's volunteer as helper, its weekday and time, and
the cadence nearest to `cadence_days`: 7–10 days weekly, 11–20 fortnightly, 21 or more the
same weekday of each month, and under a week the weekdays a visit every `cadence_days` falls
on in its first week. Weekday and week of the month are those of the subscription's next visit
(of its first visit when none is ahead), so the visit the household expects next is one the
item makes itself: the next generation keeps it instead of replacing it.

The subscription's future visits are re-linked to the item (a `package_visits` row each).
One its volunteer holds moves as it is; one she does not hold (the old job never gave it to
her) is re-linked without a helper, so the next generation replaces it with a visit offered
to her first — unless someone confirmed it, which is kept. Past visits stay the history they
are, linked to their subscription only: the hourly escalation of missed package visits looks
at `package_visits`, so it does not flag years of them at once.

The subscription tables and `events.care_subscription_id` stay, read-only: dropping the
column would rebuild `events` on SQLite. `service_package_items.care_subscription_id` records
where an item came from (plain ALTER TABLE on SQLite; no ON DELETE, which SQLite cannot
report), so the downgrade can give the visits back to their subscriptions: it makes the items'
visits subscription visits again (their subscription and due date), removes the items and the
packages made here, and keeps the skills it made (and the visits' shifts asking for them).

Revision ID: c4r3subm3rg3
Revises: h0ur5m0nth01
Create Date: 2026-12-02 18:00:00

"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "c4r3subm3rg3"
down_revision = "h0ur5m0nth01"
branch_labels = None
depends_on = None

#: The notes of a package made here, so the downgrade removes only those.
PACKAGE_NOTES = "由关爱订阅转来 (from care subscriptions)"
FK_NAME = "fk_package_items_care_subscription_id"

subscriptions = sa.table(
    "care_subscriptions", sa.column("id", sa.Integer), sa.column("household_id", sa.Integer),
    sa.column("package_id", sa.Integer), sa.column("volunteer_id", sa.Integer),
    sa.column("starts_on", sa.Date), sa.column("ends_on", sa.Date),
    sa.column("preferred_weekday", sa.Integer), sa.column("preferred_time", sa.Time),
    sa.column("active", sa.Boolean))
care_packages = sa.table(
    "care_packages", sa.column("id", sa.Integer), sa.column("name", sa.String),
    sa.column("description", sa.Text), sa.column("skill_id", sa.Integer),
    sa.column("cadence_days", sa.Integer), sa.column("duration_minutes", sa.Integer))
skills = sa.table(
    "skills", sa.column("id", sa.Integer), sa.column("code", sa.String),
    sa.column("name_zh", sa.String), sa.column("name_en", sa.String),
    sa.column("active", sa.Boolean), sa.column("requires_qualification", sa.Boolean))
packages = sa.table(
    "service_packages", sa.column("id", sa.Integer), sa.column("household_id", sa.Integer),
    sa.column("starts_on", sa.Date), sa.column("ends_on", sa.Date),
    sa.column("active", sa.Boolean), sa.column("notes", sa.Text),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)))
items = sa.table(
    "service_package_items", sa.column("id", sa.Integer), sa.column("package_id", sa.Integer),
    sa.column("skill_id", sa.Integer), sa.column("volunteer_id", sa.Integer),
    sa.column("cadence", sa.String), sa.column("weekday", sa.Integer),
    sa.column("nth", sa.Integer), sa.column("weekdays_mask", sa.Integer),
    sa.column("time_of_day", sa.Time), sa.column("duration_minutes", sa.Integer),
    sa.column("description", sa.Text), sa.column("skip_holidays", sa.Boolean),
    sa.column("care_subscription_id", sa.Integer))
events = sa.table(
    "events", sa.column("id", sa.Integer), sa.column("start_at", sa.DateTime(timezone=True)),
    sa.column("care_subscription_id", sa.Integer), sa.column("care_due_on", sa.Date))
shifts = sa.table("shifts", sa.column("id", sa.Integer), sa.column("event_id", sa.Integer),
                  sa.column("skill_id", sa.Integer))
assignments = sa.table(
    "assignments", sa.column("shift_id", sa.Integer), sa.column("volunteer_id", sa.Integer),
    sa.column("status", sa.String))
package_visits = sa.table(
    "package_visits", sa.column("id", sa.Integer), sa.column("item_id", sa.Integer),
    sa.column("due_on", sa.Date), sa.column("event_id", sa.Integer),
    sa.column("helper_id", sa.Integer), sa.column("left_reason", sa.String),
    sa.column("kept_after_change", sa.Boolean), sa.column("makeup_of_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)))

#: Assignment statuses that hold a seat (app.enums.HOLDS_SEAT when this was written).
HOLDS_SEAT = ("pending", "confirmed", "attended")


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    if _sqlite():
        op.execute(
            "ALTER TABLE service_package_items ADD COLUMN care_subscription_id INTEGER"
            f" CONSTRAINT {FK_NAME} REFERENCES care_subscriptions (id)")
    else:
        op.add_column("service_package_items",
                      sa.Column("care_subscription_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK_NAME, "service_package_items", "care_subscriptions",
                              ["care_subscription_id"], ["id"])
    _subscriptions_into_items(op.get_bind())


def first_visit(starts_on, weekday):
    return starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)


def cadence_of(days, weekday, first):
    """(cadence, nth, weekdays mask) nearest to a visit every `days` days."""
    days = max(1, days)
    if days < 7:
        mask = 0
        for offset in range(0, 7, days):
            mask |= 1 << ((weekday + offset) % 7)
        return "weekdays", None, mask
    if days <= 10:
        return "weekly", None, 0
    if days <= 20:
        return "fortnightly", None, 0
    nth = (first.day - 1) // 7 + 1
    return "monthly", (nth if nth <= 4 else -1), 0


def _aware(moment):
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _subscriptions_into_items(conn):
    now = datetime.now(UTC)
    today = now.date()
    rows = conn.execute(
        sa.select(subscriptions, care_packages.c.name, care_packages.c.description,
                  care_packages.c.skill_id, care_packages.c.cadence_days,
                  care_packages.c.duration_minutes)
        .join(care_packages, care_packages.c.id == subscriptions.c.package_id)
        .where(subscriptions.c.active.is_(True),
               sa.or_(subscriptions.c.ends_on.is_(None), subscriptions.c.ends_on >= today))
        .order_by(subscriptions.c.household_id, subscriptions.c.id)).mappings().all()
    for sub in rows:
        package_id = _package_of(conn, sub, rows, now)
        skill_id = sub["skill_id"] or _skill_for(conn, sub["package_id"], sub["name"])
        # The item's rhythm is set from the visit the household expects next, so that visit
        # is one the item would make itself and the next generation keeps it.
        upcoming = _next_visit_day(conn, sub["id"], now)
        weekday = sub["preferred_weekday"] if upcoming is None else upcoming.weekday()
        first = upcoming or first_visit(sub["starts_on"], weekday)
        cadence, nth, mask = cadence_of(sub["cadence_days"], weekday, first)
        item_id = conn.execute(items.insert().values(
            package_id=package_id, skill_id=skill_id, volunteer_id=sub["volunteer_id"],
            cadence=cadence, weekday=weekday, nth=nth, weekdays_mask=mask,
            time_of_day=sub["preferred_time"],
            duration_minutes=min(480, max(5, sub["duration_minutes"])),
            description=sub["description"], skip_holidays=False,
            care_subscription_id=sub["id"]).returning(items.c.id)).scalar_one()
        _relink_future_visits(conn, sub, item_id, skill_id, now)


def _next_visit_day(conn, subscription_id, now):
    """The due day of the subscription's first visit still ahead, or None."""
    for start_at, due_on in conn.execute(
            sa.select(events.c.start_at, events.c.care_due_on)
            .where(events.c.care_subscription_id == subscription_id)
            .order_by(events.c.start_at)):
        if _aware(start_at) > now:
            return due_on or _aware(start_at).date()
    return None


def _package_of(conn, sub, rows, now):
    found = conn.execute(sa.select(packages.c.id).where(
        packages.c.household_id == sub["household_id"])).scalar()
    if found is not None:
        return found
    mine = [r for r in rows if r["household_id"] == sub["household_id"]]
    ends = [r["ends_on"] for r in mine]
    return conn.execute(packages.insert().values(
        household_id=sub["household_id"], starts_on=min(r["starts_on"] for r in mine),
        ends_on=None if None in ends else max(ends), active=True, notes=PACKAGE_NOTES,
        created_at=now, updated_at=now).returning(packages.c.id)).scalar_one()


def _skill_for(conn, care_package_id, name):
    code = f"care_package_{care_package_id}"
    found = conn.execute(sa.select(skills.c.id).where(skills.c.code == code)).scalar()
    if found is not None:
        return found
    return conn.execute(skills.insert().values(
        code=code, name_zh=name[:80], name_en=name[:120], active=True,
        requires_qualification=False).returning(skills.c.id)).scalar_one()


def _relink_future_visits(conn, sub, item_id, skill_id, now):
    future = conn.execute(
        sa.select(events.c.id, events.c.start_at, events.c.care_due_on)
        .where(events.c.care_subscription_id == sub["id"])
        .order_by(events.c.start_at)).all()
    for event_id, start_at, due_on in future:
        if _aware(start_at) <= now:
            continue  # history: done, missed or never recorded, it stays as it was
        held = sub["volunteer_id"] is not None and conn.execute(
            sa.select(assignments.c.volunteer_id)
            .join(shifts, shifts.c.id == assignments.c.shift_id)
            .where(shifts.c.event_id == event_id,
                   assignments.c.volunteer_id == sub["volunteer_id"],
                   assignments.c.status.in_(HOLDS_SEAT)).limit(1)).first() is not None
        # A care package without a skill gets one of its name above: its visits ask for it
        # too, as the item's own visits do (else the next generation would replace them).
        conn.execute(shifts.update().where(shifts.c.event_id == event_id,
                                           shifts.c.skill_id.is_(None)).values(skill_id=skill_id))
        conn.execute(package_visits.insert().values(
            item_id=item_id, due_on=due_on or _aware(start_at).date(), event_id=event_id,
            helper_id=sub["volunteer_id"] if held else None,
            left_reason=None if held else "no_helper", kept_after_change=False,
            created_at=now, updated_at=now))


def downgrade():
    conn = op.get_bind()
    migrated = sa.select(items.c.id).where(items.c.care_subscription_id.is_not(None))
    # Every visit of a migrated item, also those generated since, is its subscription's again
    # (the old job's key, subscription and due date, keeps it from being made twice).
    for event_id, due_on, subscription_id in conn.execute(
            sa.select(package_visits.c.event_id, package_visits.c.due_on,
                      items.c.care_subscription_id)
            .join(items, items.c.id == package_visits.c.item_id)
            .where(items.c.id.in_(migrated))).all():
        taken = conn.execute(sa.select(events.c.id).where(
            events.c.care_subscription_id == subscription_id, events.c.care_due_on == due_on,
            events.c.id != event_id)).first()
        if taken is None:
            conn.execute(events.update().where(events.c.id == event_id).values(
                care_subscription_id=subscription_id, care_due_on=due_on))
    conn.execute(package_visits.update().where(package_visits.c.makeup_of_id.in_(
        sa.select(package_visits.c.id).where(package_visits.c.item_id.in_(migrated))))
        .values(makeup_of_id=None))
    conn.execute(package_visits.delete().where(package_visits.c.item_id.in_(migrated)))
    conn.execute(items.delete().where(items.c.care_subscription_id.is_not(None)))
    conn.execute(packages.delete().where(
        packages.c.notes == PACKAGE_NOTES,
        packages.c.id.not_in(sa.select(items.c.package_id))))
    if _sqlite():
        op.execute("ALTER TABLE service_package_items DROP COLUMN care_subscription_id")
    else:
        op.drop_constraint(FK_NAME, "service_package_items", type_="foreignkey")
        op.drop_column("service_package_items", "care_subscription_id")
