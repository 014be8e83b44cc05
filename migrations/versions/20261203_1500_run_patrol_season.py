"""run patrol season: a patrol rota's run names its season in a column (before: an id in the
run's JSON parameters), and a partial unique index lets a season hold at most one live rota
run (queued, running, ready for review or published) — the database's own refusal behind the
service's friendly one.

The backfill moves ``parameters["patrol_season"]`` of each rota run into the column (an id
whose season is gone stays empty). Two live rota runs of one season cannot have been made
through the service; if a database holds them anyway the upgrade stops and names them, for
an operator to discard one, rather than choose between them.

Revision ID: r0tase4s0n01
Revises: p41r1ng4im01
Create Date: 2026-12-03 15:00:00

"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "r0tase4s0n01"
down_revision = "p41r1ng4im01"
branch_labels = None
depends_on = None

#: `app.models.assignments.LIVE_ROTA_SQL` as this revision wrote it.
LIVE = "status IN ('queued', 'running', 'succeeded', 'published')"
LIVE_STATUSES = ("queued", "running", "succeeded", "published")
INDEX = "uq_schedule_runs_live_patrol_season"
KIND = "patrol_rota"

runs = sa.table("schedule_runs", sa.column("id", sa.Integer()), sa.column("status", sa.String()),
                sa.column("parameters", sa.JSON()), sa.column("patrol_season_id", sa.Integer()))
seasons = sa.table("patrol_seasons", sa.column("id", sa.Integer()))


def upgrade():
    with op.batch_alter_table("schedule_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("patrol_season_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_schedule_runs_patrol_season_id"),
                              ["patrol_season_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_schedule_runs_patrol_season_id_patrol_seasons"), "patrol_seasons",
            ["patrol_season_id"], ["id"], ondelete="SET NULL")
    bind = op.get_bind()
    existing = set(bind.execute(sa.select(seasons.c.id)).scalars())
    live: dict[int, list[int]] = defaultdict(list)
    for run_id, status, parameters in bind.execute(
            sa.select(runs.c.id, runs.c.status, runs.c.parameters)).tuples():
        parameters = dict(parameters or {})
        if parameters.get("kind") != KIND or "patrol_season" not in parameters:
            continue
        season_id = parameters.pop("patrol_season")
        season_id = season_id if season_id in existing else None
        bind.execute(runs.update().where(runs.c.id == run_id).values(
            patrol_season_id=season_id, parameters=parameters))
        if season_id is not None and status in LIVE_STATUSES:
            live[season_id].append(run_id)
    clashes = {season: ids for season, ids in live.items() if len(ids) > 1}
    if clashes:
        raise RuntimeError(
            "Patrol seasons with more than one live rota run (season: run ids): "
            f"{clashes}; discard all but one of each and upgrade again.")
    op.create_index(INDEX, "schedule_runs", ["patrol_season_id"], unique=True,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade():
    op.drop_index(INDEX, table_name="schedule_runs")
    bind = op.get_bind()
    for run_id, season_id, parameters in bind.execute(
            sa.select(runs.c.id, runs.c.patrol_season_id, runs.c.parameters)
            .where(runs.c.patrol_season_id.is_not(None))).tuples():
        bind.execute(runs.update().where(runs.c.id == run_id).values(
            parameters={**(parameters or {}), "patrol_season": season_id}))
    with op.batch_alter_table("schedule_runs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_schedule_runs_patrol_season_id_patrol_seasons"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_schedule_runs_patrol_season_id"))
        batch_op.drop_column("patrol_season_id")
