"""neighbourhoods: the committee's duty phone, the number printed on package cards

Revision ID: d0typh0ne001
Revises: h0l1day2026a
Create Date: 2026-12-02 14:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d0typh0ne001"
down_revision = "h0l1day2026a"
branch_labels = None
depends_on = None

NAME = "ck_neighbourhoods_duty_phone_format"
#: The stored forms of a mainland phone (`text_input.normalise_contact_phone`), as households'.
DUTY_PHONE = (
    "duty_phone IS NULL OR (trim(duty_phone, '0123456789-') = '' AND ("
    "(length(duty_phone) = 11 AND duty_phone LIKE '1%' AND duty_phone NOT LIKE '%-%')"
    " OR (duty_phone LIKE '0%-%' AND length(duty_phone) BETWEEN 11 AND 13)))"
)


# No batch rebuild of `neighbourhoods` on SQLite (every scoped table points at it): SQLite
# takes the CHECK with the new column itself; PostgreSQL adds it as a table constraint.
def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE neighbourhoods ADD COLUMN duty_phone VARCHAR(40) "
                   f"CONSTRAINT {NAME} CHECK ({DUTY_PHONE})")
        return
    op.add_column("neighbourhoods", sa.Column("duty_phone", sa.String(length=40),
                                              nullable=True))
    op.create_check_constraint(op.f(NAME), "neighbourhoods", DUTY_PHONE)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(NAME), "neighbourhoods", type_="check")
    op.execute("ALTER TABLE neighbourhoods DROP COLUMN duty_phone")
