"""request_follow_up: the follow-up contact after an explanation — its day and when it reached
the raiser on the request, its outcome in the request's history, and a household's follow-up
visit linked to the request

SQLite: batch mode rebuilds `resident_requests`, `resident_request_changes` and `visits`; the
reports' triggers of the first and the last, and the partial index on `visits`, are put back.

Revision ID: rq8f0l10wup8
Revises: h3ldph0705
Create Date: 2026-12-03 12:10:00

"""

import sqlalchemy as sa
from alembic import op
from sqlite_rebuild import restore_report_triggers

revision = "rq8f0l10wup8"
down_revision = "h3ldph0705"
branch_labels = None
depends_on = None

OUTCOMES = ("reached", "not_reached")
#: `app.enums.EFFECTIVE` as SQL, as revision r18d4t4v3r5 wrote it.
EFFECTIVE = "outcome IN ('done', 'phone_instead')"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _restore_effective_index():
    """The partial index of effective contacts, as revision r18d4t4v3r5 made it: a rebuilt
    table is not trusted to keep its WHERE clause."""
    if not _sqlite():
        return
    op.execute("DROP INDEX IF EXISTS ix_visits_effective_household")
    op.create_index("ix_visits_effective_household", "visits", ["household_id", "visited_at"],
                    sqlite_where=sa.text(EFFECTIVE))


def upgrade():
    with op.batch_alter_table("resident_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_done_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(batch_op.f("ix_resident_requests_follow_up_due_on"),
                              ["follow_up_due_on"])
        batch_op.create_check_constraint(
            "follow_up_done_only_when_planned",
            "follow_up_done_at IS NULL OR follow_up_due_on IS NOT NULL")
    restore_report_triggers("resident_requests")
    with op.batch_alter_table("resident_request_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            "follow_up", sa.Enum(*OUTCOMES, name="request_follow_up", native_enum=False,
                                 create_constraint=True,
                                 length=max(len(o) for o in OUTCOMES) + 8),
            nullable=True))
        batch_op.create_check_constraint("follow_up_keeps_state",
                                         "follow_up IS NULL OR from_status = to_status")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_of_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_visits_follow_up_of_id"), ["follow_up_of_id"])
        batch_op.create_foreign_key(batch_op.f("fk_visits_follow_up_of_id_resident_requests"),
                                    "resident_requests", ["follow_up_of_id"], ["id"],
                                    ondelete="SET NULL")
    restore_report_triggers("visits")
    _restore_effective_index()


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_visits_follow_up_of_id_resident_requests"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_visits_follow_up_of_id"))
        batch_op.drop_column("follow_up_of_id")
    restore_report_triggers("visits")
    _restore_effective_index()
    with op.batch_alter_table("resident_request_changes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_resident_request_changes_follow_up_keeps_state"),
                                 type_="check")
        batch_op.drop_constraint(batch_op.f("ck_resident_request_changes_request_follow_up"),
                                 type_="check")
        batch_op.drop_column("follow_up")
    with op.batch_alter_table("resident_requests", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_resident_requests_follow_up_done_only_when_planned"), type_="check")
        batch_op.drop_index(batch_op.f("ix_resident_requests_follow_up_due_on"))
        batch_op.drop_column("follow_up_done_at")
        batch_op.drop_column("follow_up_due_on")
    restore_report_triggers("resident_requests")
