"""request photo stage: each photo of a request is "before" (the matter as raised) or "after"
(as resolved), so the notice board can show the two apart

Existing photos: the resident's own (no uploader) are "before"; a photo the committee added to
a request that is now resolved is taken as "after", the result it was added to show; the
committee's photos of requests still open are "before". A coordinator can correct a stage on
the request's handling page.

Revision ID: ph0705t4g3
Revises: rqv1s1tf0rm1
Create Date: 2026-12-03 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "ph0705t4g3"
down_revision = "rqv1s1tf0rm1"
branch_labels = None
depends_on = None

TABLE = "resident_request_photos"
CHECK_NAME = "ck_resident_request_photos_photo_stage"


def upgrade():
    op.add_column(TABLE, sa.Column("stage", sa.String(length=14), nullable=True,
                                   server_default="before"))
    op.execute(f"UPDATE {TABLE} SET stage = CASE WHEN uploaded_by_id IS NOT NULL AND "
               "request_id IN (SELECT id FROM resident_requests WHERE status = 'resolved') "
               "THEN 'after' ELSE 'before' END")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.alter_column("stage", existing_type=sa.String(length=14), nullable=False,
                              existing_server_default="before")
        batch_op.create_check_constraint(op.f(CHECK_NAME), "stage IN ('before', 'after')")


def downgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK_NAME), type_="check")
        batch_op.drop_column("stage")
