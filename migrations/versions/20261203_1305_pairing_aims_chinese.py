"""pairing aims in Chinese: the aims proposals wrote outside a request (the demo's load, the
command, the task) came out in English; they are rewritten in the deployment's language,
as aims are now always written

Only aims still exactly as proposed are rewritten ("Regular contact and help (…)" with the
categories' English names, optionally "; help with: …" naming skills); an aim a coordinator
edited is left as it is.

Revision ID: p41r1ng4im01
Revises: r0undl1ve001
Create Date: 2026-12-03 13:05:00

"""

import re

import sqlalchemy as sa
from alembic import op

revision = "p41r1ng4im01"
down_revision = "r0undl1ve001"
branch_labels = None
depends_on = None

CATEGORIES = {
    "Poor and ill": "贫病交加",
    "Elderly living alone": "独居老人",
    "Very old": "高龄老人",
    "Laid-off": "下岗协保",
    "Disabled person": "残障人士",
    "Disabled or intellectually disabled": "残疾智障",
    "Family hit by a major misfortune": "重大变故家庭",
}
PROPOSED = re.compile(r"^Regular contact and help \((?P<categories>[^()]*)\)"
                      r"(?:; help with: (?P<needs>.*))?$")


def upgrade():
    bind = op.get_bind()
    pairings = sa.table("pairings", sa.column("id", sa.Integer()), sa.column("aim", sa.String()))
    skills = sa.table("skills", sa.column("name_zh", sa.String()),
                      sa.column("name_en", sa.String()))
    skill_names = dict(bind.execute(sa.select(skills.c.name_en, skills.c.name_zh)).all())
    rows = bind.execute(sa.select(pairings.c.id, pairings.c.aim).where(
        pairings.c.aim.like("Regular contact and help (%"))).all()
    for pairing_id, aim in rows:
        match = PROPOSED.match(aim or "")
        if match is None:
            continue
        names = [n for n in match["categories"].split("、") if n]
        if not all(n in CATEGORIES for n in names):
            continue
        text = "定期联系帮扶（" + "、".join(CATEGORIES[n] for n in names) + "）"
        if match["needs"]:
            text += "；需要帮助：" + "、".join(
                skill_names.get(n, n) for n in match["needs"].split("、"))
        bind.execute(pairings.update().where(pairings.c.id == pairing_id)
                     .values(aim=text[:300]))


def downgrade():
    pass  # the Chinese aims are what the proposals should have said
