"""council votes: the options put to a residents' council meeting, the votes each got, the
abstentions and the option adopted, recorded with the step that left the council

Decisions recorded before this stay as they were written (`resident_requests.
council_decision`, free text, still shown on the notice board and the resident's page): no
tally is made up for them.

Revision ID: cv1v0tes0001
Revises: svy1at3r0001
Create Date: 2026-12-03 18:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "cv1v0tes0001"
down_revision = "svy1at3r0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "council_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("abstentions", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("abstentions >= 0",
                           name=op.f("ck_council_votes_abstentions_not_negative")),
        sa.ForeignKeyConstraint(["change_id"], ["resident_request_changes.id"],
                                ondelete="CASCADE",
                                name=op.f("fk_council_votes_change_id_resident_request_changes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_votes")),
        sa.UniqueConstraint("change_id", name=op.f("uq_council_votes_change_id")),
    )
    op.create_table(
        "council_vote_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("adopted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("votes >= 0", name=op.f("ck_council_vote_options_votes_not_negative")),
        sa.CheckConstraint("position > 0",
                           name=op.f("ck_council_vote_options_position_positive")),
        sa.CheckConstraint("length(label) > 0",
                           name=op.f("ck_council_vote_options_label_not_empty")),
        sa.ForeignKeyConstraint(["vote_id"], ["council_votes.id"], ondelete="CASCADE",
                                name=op.f("fk_council_vote_options_vote_id_council_votes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_vote_options")),
        sa.UniqueConstraint("vote_id", "position",
                            name=op.f("uq_council_vote_options_vote_id_position")),
        sa.UniqueConstraint("vote_id", "label",
                            name=op.f("uq_council_vote_options_vote_id_label")),
    )
    # One adopted option a vote.
    op.create_index("uq_council_vote_options_adopted", "council_vote_options", ["vote_id"],
                    unique=True, sqlite_where=sa.text("adopted"),
                    postgresql_where=sa.text("adopted"))


def downgrade():
    op.drop_index("uq_council_vote_options_adopted", table_name="council_vote_options")
    op.drop_table("council_vote_options")
    op.drop_table("council_votes")
