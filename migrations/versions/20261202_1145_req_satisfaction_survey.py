"""resident requests: the questionnaire after resolution (short link, one answer per request)

Revision ID: rq3s4t1s5f03
Revises: rq2e5c4l8t02
Create Date: 2026-12-02 11:45:00

"""

import sqlalchemy as sa
from alembic import op
from sqlite_rebuild import restore_report_triggers

# revision identifiers, used by Alembic.
revision = "rq3s4t1s5f03"
down_revision = "rq2e5c4l8t02"
branch_labels = None
depends_on = None

ANSWERS = ("satisfied", "partly", "not_satisfied")


def upgrade():
    with op.batch_alter_table("resident_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("survey_token", sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_resident_requests_survey_token"),
                                          ["survey_token"])
    restore_report_triggers("resident_requests")
    op.create_table(
        "resident_request_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Enum(*ANSWERS, name="satisfaction_answer", native_enum=False,
                                    create_constraint=True,
                                    length=max(len(a) for a in ANSWERS) + 8),
                  nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["resident_requests.id"],
            name=op.f("fk_resident_request_answers_request_id_resident_requests"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_request_answers")),
        sa.UniqueConstraint("request_id", name=op.f("uq_resident_request_answers_request_id")),
    )
    with op.batch_alter_table("resident_request_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resident_request_answers_at"), ["at"],
                              unique=False)


def downgrade():
    op.drop_table("resident_request_answers")
    with op.batch_alter_table("resident_requests", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_resident_requests_survey_token"),
                                 type_="unique")
        batch_op.drop_column("survey_token")
    restore_report_triggers("resident_requests")
