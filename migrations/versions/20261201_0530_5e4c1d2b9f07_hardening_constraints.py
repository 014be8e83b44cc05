"""hardening (issue 10): private events never public, household members and phones

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
HOUSEHOLD_PHONE = (
    "contact_phone IS NULL OR (trim(contact_phone, '0123456789-') = '' AND ("
    "(length(contact_phone) = 11 AND contact_phone LIKE '1%' AND contact_phone NOT LIKE '%-%')"
    " OR (contact_phone LIKE '0%-%' AND length(contact_phone) BETWEEN 11 AND 13)))"
)


def upgrade():
    # Existing rows first: a care visit or household event that was public stops being so.
    op.execute(sa.text("UPDATE events SET is_public = :no WHERE is_public = :yes AND "
                       "(household_id IS NOT NULL OR kind = 'care_visit')")
               .bindparams(no=False, yes=True))
    op.execute(sa.text("UPDATE event_templates SET is_public = :no WHERE is_public = :yes AND "
                       "kind = 'care_visit'").bindparams(no=False, yes=True))
    # Households: a phone in no mainland form moves into the notes (nothing is lost), and a
    # members count below one becomes one.
    op.execute(sa.text(
        f"UPDATE households SET notes = COALESCE(notes || ' ', '') || 'phone: ' || contact_phone, "
        f"contact_phone = NULL WHERE NOT ({HOUSEHOLD_PHONE})"))
    op.execute(sa.text("UPDATE households SET members_count = 1 WHERE members_count < 1"))
    with op.batch_alter_table("households") as batch_op:
        batch_op.create_check_constraint(op.f("ck_households_members_positive"),
                                         "members_count >= 1")
        batch_op.create_check_constraint(op.f("ck_households_phone_format"), HOUSEHOLD_PHONE)
    with op.batch_alter_table("events") as batch_op:
        batch_op.create_check_constraint(op.f("ck_events_private_never_public"),
                                        PRIVATE_NEVER_PUBLIC)
    with op.batch_alter_table("event_templates") as batch_op:
        batch_op.create_check_constraint(op.f("ck_event_templates_private_never_public"),
                                        TEMPLATE_PRIVATE_NEVER_PUBLIC)


def downgrade():
    with op.batch_alter_table("households") as batch_op:
        batch_op.drop_constraint(op.f("ck_households_phone_format"), type_="check")
        batch_op.drop_constraint(op.f("ck_households_members_positive"), type_="check")
    with op.batch_alter_table("event_templates") as batch_op:
        batch_op.drop_constraint(op.f("ck_event_templates_private_never_public"), type_="check")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_constraint(op.f("ck_events_private_never_public"), type_="check")
