"""registrations: when the event last moved after the sign-up, and when the resident said
"still coming" for the new time

Revision ID: st1llc0m1ng1
Revises: 361cd3c85599
Create Date: 2026-12-02 12:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "st1llc0m1ng1"
down_revision = "361cd3c85599"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not SQLite's batch mode: rebuilding `registrations` would risk its
# partial unique index (one active place per phone), which the sign-up relies on.
def upgrade():
    op.add_column("registrations", sa.Column("moved_at", sa.DateTime(timezone=True),
                                             nullable=True))
    op.add_column("registrations", sa.Column("still_coming_at", sa.DateTime(timezone=True),
                                             nullable=True))


def downgrade():
    op.execute("ALTER TABLE registrations DROP COLUMN still_coming_at")
    op.execute("ALTER TABLE registrations DROP COLUMN moved_at")
