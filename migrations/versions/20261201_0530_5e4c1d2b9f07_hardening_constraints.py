"""hardening (issue 10): private events never public

Revision ID: 5e4c1d2b9f07
Revises: 51786bf89449
Create Date: 2026-12-01 05:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e4c1d2b9f07"
down_revision = "51786bf89449"
branch_labels = None
depends_on = None

PRIVATE_NEVER_PUBLIC = "NOT is_public OR (household_id IS NULL AND kind NOT IN ('care_visit'))"
TEMPLATE_PRIVATE_NEVER_PUBLIC = "NOT is_public OR kind NOT IN ('care_visit')"


def upgrade():
    # Existing rows first: a care visit or household event that was public stops being so.
    op.execute(sa.text("UPDATE events SET is_public = :no WHERE is_public = :yes AND "
                       "(household_id IS NOT NULL OR kind = 'care_visit')")
               .bindparams(no=False, yes=True))
    op.execute(sa.text("UPDATE event_templates SET is_public = :no WHERE is_public = :yes AND "
                       "kind = 'care_visit'").bindparams(no=False, yes=True))
    with op.batch_alter_table("events") as batch_op:
        batch_op.create_check_constraint(op.f("ck_events_private_never_public"),
                                        PRIVATE_NEVER_PUBLIC)
    with op.batch_alter_table("event_templates") as batch_op:
        batch_op.create_check_constraint(op.f("ck_event_templates_private_never_public"),
                                        TEMPLATE_PRIVATE_NEVER_PUBLIC)


def downgrade():
    with op.batch_alter_table("event_templates") as batch_op:
        batch_op.drop_constraint(op.f("ck_event_templates_private_never_public"), type_="check")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_constraint(op.f("ck_events_private_never_public"), type_="check")
