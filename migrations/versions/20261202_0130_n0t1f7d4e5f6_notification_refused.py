"""notifications: status "refused" (a number or address refused for good), address indexed

Revision ID: n0t1f7d4e5f6
Revises: 5c4ed0a7a001
Create Date: 2026-12-02 01:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "n0t1f7d4e5f6"
down_revision = "5c4ed0a7a001"
branch_labels = None
depends_on = None

STATUS_CHECK = "status IN (%s)"
OLD = ("queued", "sending", "sent", "failed", "unreachable")
NEW = ("queued", "sending", "sent", "failed", "refused", "unreachable")


def _check(values):
    return STATUS_CHECK % ", ".join(f"'{v}'" for v in values)


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_notification_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notifications_notification_status"),
                                         _check(NEW))
        batch_op.create_index(batch_op.f("ix_notifications_address"), ["address"], unique=False)


def downgrade():
    op.execute("UPDATE notifications SET status = 'failed' WHERE status = 'refused'")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_address"))
        batch_op.drop_constraint(op.f("ck_notifications_notification_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notifications_notification_status"),
                                         _check(OLD))
