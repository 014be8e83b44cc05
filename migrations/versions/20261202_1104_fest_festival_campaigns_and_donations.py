"""festival campaigns and donations: campaigns visit households of chosen categories (their
visits are `visits` rows of kind ``festival``), donations record who gave what for whom

Revision ID: 361cd3c85599
Revises: h0125a1e5103
Create Date: 2026-12-02 11:04:32.875929

"""
import sqlalchemy as sa
from alembic import op

KINDS = "'door', 'phone', 'appointment', 'care_package', 'follow_up'"
KIND_CHECKS = (("visits", "kind", "ck_visits_visit_kind"),
               ("visit_policies", "preferred_kind", "ck_visit_policies_policy_visit_kind"))


def _kinds(extra: str) -> None:
    for table, column, name in KIND_CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
            batch_op.create_check_constraint(op.f(name), f"{column} IN ({KINDS}{extra})")
    _restore_sqlite_report_triggers()


def _restore_sqlite_report_triggers() -> None:
    """SQLite's batch mode rebuilds `visits` as a new table, which loses its triggers: put back
    the ones that keep the reports' data version (migration report_data_version)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS report_data_changed_visits_{event}")
        op.execute(f"CREATE TRIGGER report_data_changed_visits_{event} AFTER {event.upper()}"
                   " ON visits BEGIN UPDATE report_data_version"
                   " SET version = lower(hex(randomblob(16))) WHERE id = 1; END")


# revision identifiers, used by Alembic.
revision = "361cd3c85599"
down_revision = "h0125a1e5103"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('festival_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('festival', sa.Enum('spring_festival', 'lantern', 'dragon_boat', 'mid_autumn', 'double_ninth', 'other', name='festival', native_enum=False, create_constraint=True, length=23), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('gift', sa.String(length=300), nullable=True),
    sa.Column('institution', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_festival_campaigns_date_range')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_festival_campaigns_neighbourhood_id_neighbourhoods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_festival_campaigns'))
    )
    with op.batch_alter_table('festival_campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_festival_campaigns_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    op.create_table('donations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('donor', sa.String(length=200), nullable=False),
    sa.Column('donor_kind', sa.Enum('company', 'organisation', 'individual', name='donor_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('value_yuan', sa.Integer(), nullable=False),
    sa.Column('items', sa.Text(), nullable=True),
    sa.Column('recipients_count', sa.Integer(), nullable=False),
    sa.Column('recipients', sa.String(length=300), nullable=True),
    sa.Column('acknowledged_on', sa.Date(), nullable=True),
    sa.Column('acknowledgement', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('acknowledged_on IS NULL OR acknowledged_on >= received_on', name=op.f('ck_donations_acknowledged_after_received')),
    sa.CheckConstraint('recipients_count >= 0', name=op.f('ck_donations_recipients_non_negative')),
    sa.CheckConstraint('value_yuan >= 0', name=op.f('ck_donations_value_non_negative')),
    sa.ForeignKeyConstraint(['campaign_id'], ['festival_campaigns.id'], name=op.f('fk_donations_campaign_id_festival_campaigns'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_donations_neighbourhood_id_neighbourhoods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donations'))
    )
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donations_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donations_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    op.create_table('festival_campaign_categories',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('ordinary', 'resource', 'elderly_only', 'disabled', 'special_population', 'group_renting', 'poor_and_ill', 'living_alone', 'very_old', 'laid_off', 'intellectual_disability', 'major_misfortune', name='household_category', native_enum=False, create_constraint=True, length=31), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['festival_campaigns.id'], name=op.f('fk_festival_campaign_categories_campaign_id_festival_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'category', name=op.f('pk_festival_campaign_categories'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_visits_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_visits_campaign_id_household_id'), ['campaign_id', 'household_id'])
        batch_op.create_foreign_key(batch_op.f('fk_visits_campaign_id_festival_campaigns'), 'festival_campaigns', ['campaign_id'], ['id'], ondelete='CASCADE')
    _restore_sqlite_report_triggers()

    _kinds(", 'festival'")


def downgrade():
    op.execute("DELETE FROM visits WHERE kind = 'festival'")
    op.execute("UPDATE visit_policies SET preferred_kind = 'door' "
               "WHERE preferred_kind = 'festival'")
    _kinds("")
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_visits_campaign_id_festival_campaigns'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_visits_campaign_id_household_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_visits_campaign_id'))
        batch_op.drop_column('campaign_id')
    _restore_sqlite_report_triggers()

    op.drop_table('festival_campaign_categories')
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donations_neighbourhood_id'))
        batch_op.drop_index(batch_op.f('ix_donations_campaign_id'))

    op.drop_table('donations')
    with op.batch_alter_table('festival_campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_festival_campaigns_neighbourhood_id'))

    op.drop_table('festival_campaigns')
