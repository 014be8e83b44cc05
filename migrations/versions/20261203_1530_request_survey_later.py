"""request survey later: the questionnaire after resolution goes out on its own, some days after
the request was resolved (LINLI_SURVEY_AFTER_DAYS), as FixMyStreet asks weeks after a report
whether it stayed fixed; `survey_sent_at` records when it went, so it goes once

Requests already asked (a token given, before this the link came with the resolution
message) count as asked when they were last changed.

Revision ID: svy1at3r0001
Revises: sw4pph0ne001
Create Date: 2026-12-03 15:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "svy1at3r0001"
down_revision = "sw4pph0ne001"
branch_labels = None
depends_on = None

TABLE = "resident_requests"


def upgrade():
    # A plain nullable column: SQLite adds it in place, keeping the table's triggers.
    op.add_column(TABLE, sa.Column("survey_sent_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(f"UPDATE {TABLE} SET survey_sent_at = updated_at WHERE survey_token IS NOT NULL")


def downgrade():
    # SQLite drops a column in place too (3.35+), so the reports' triggers stay.
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN survey_sent_at")
