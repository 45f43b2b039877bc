"""tags: one tag model for threads and resources (resource tags become links to `tag`)

Revision ID: one_tag_model
Revises: merge_heads
Create Date: 2026-12-01 23:20:00

Resource tags were free-text rows (`resource_tag.name`) with their own rules; thread tags
were rows of `tag` linked through `thread_tag`. Now both link to `tag`. Every existing
resource tag is kept: its name is normalised by the shared rules (lower case; letters,
numbers, spaces and hyphens; at most 40 characters), characters the rules do not allow
become spaces, and a resource tag matching a thread tag joins it. `tag.name` grows from
30 to 40 characters, the longest a resource tag could be.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "one_tag_model"
down_revision = "merge_heads"
branch_labels = None
depends_on = None

MAX_LENGTH = 40
_NOT_ALLOWED = re.compile(r"[^\w -]|_")


def _normalise(raw: str) -> str:
    """The shared tag rules, applied leniently: what cannot be kept becomes a space."""
    name = _NOT_ALLOWED.sub(" ", (raw or "").lower())
    name = re.sub(r"\s*-\s*", "-", " ".join(name.split())).strip("-")
    name = re.sub(r"-{2,}", "-", name)
    return name[:MAX_LENGTH].strip(" -")


def upgrade():
    connection = op.get_bind()
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(length=30),
                              type_=sa.String(length=MAX_LENGTH), existing_nullable=False)

    old = sa.table("resource_tag", sa.column("resource_id", sa.Integer),
                   sa.column("name", sa.String))
    rows = connection.execute(sa.select(old.c.resource_id, old.c.name)).all()
    with op.batch_alter_table("resource_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_resource_tag_name")
    op.drop_table("resource_tag")

    op.create_table(
        "resource_tag",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"],
                                name=op.f("fk_resource_tag_resource_id_resource"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"], name=op.f("fk_resource_tag_tag_id_tag"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("resource_id", "tag_id", name=op.f("pk_resource_tag")),
    )
    with op.batch_alter_table("resource_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_tag_tag_id"), ["tag_id"], unique=False)

    tag = sa.table("tag", sa.column("id", sa.Integer), sa.column("name", sa.String),
                   sa.column("created_at", sa.DateTime))
    link = sa.table("resource_tag", sa.column("resource_id", sa.Integer),
                    sa.column("tag_id", sa.Integer))
    ids = {name: id_ for id_, name in connection.execute(sa.select(tag.c.id, tag.c.name))}
    linked = set()
    for resource_id, raw in rows:
        name = _normalise(raw)
        if not name:
            name = "untitled"
        if name not in ids:
            ids[name] = connection.execute(
                tag.insert().values(name=name, created_at=sa.func.now()).returning(tag.c.id)
            ).scalar_one()
        if (resource_id, ids[name]) not in linked:
            linked.add((resource_id, ids[name]))
            connection.execute(link.insert().values(resource_id=resource_id, tag_id=ids[name]))


def downgrade():
    connection = op.get_bind()
    tag = sa.table("tag", sa.column("id", sa.Integer), sa.column("name", sa.String))
    link = sa.table("resource_tag", sa.column("resource_id", sa.Integer),
                    sa.column("tag_id", sa.Integer))
    rows = connection.execute(sa.select(link.c.resource_id, tag.c.name)
                              .join(tag, tag.c.id == link.c.tag_id)).all()
    with op.batch_alter_table("resource_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_tag_tag_id"))
    op.drop_table("resource_tag")
    op.create_table(
        "resource_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"],
                                name=op.f("fk_resource_tag_resource_id_resource"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_tag")),
        sa.UniqueConstraint("resource_id", "name", name="uq_resource_tag_name"),
    )
    with op.batch_alter_table("resource_tag", schema=None) as batch_op:
        batch_op.create_index("ix_resource_tag_name", ["name"], unique=False)
    old = sa.table("resource_tag", sa.column("resource_id", sa.Integer),
                   sa.column("name", sa.String))
    for resource_id, name in rows:
        connection.execute(old.insert().values(resource_id=resource_id, name=name))
    # Tags created only for resources stay in `tag`; longer names are cut to fit again.
    connection.execute(tag.update().where(sa.func.length(tag.c.name) > 30)
                       .values(name=sa.func.substr(tag.c.name, 1, 30)))
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(length=MAX_LENGTH),
                              type_=sa.String(length=30), existing_nullable=False)
