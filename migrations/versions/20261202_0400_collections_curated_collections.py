"""collections: curated collections, their items, follows, Start here, official flags

Revision ID: collections
Revises: mail_outbox
Create Date: 2026-12-02 04:00:00

New tables `collection`, `collection_item` (positions 1..n, unique per collection),
`collection_follow`, `start_here_setting` (one row) and `start_here_dismissal`;
`resource` and `thread` get `is_official` (false for everything that exists).
"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "collections"
down_revision = "mail_outbox"
branch_labels = None
depends_on = None

UTC = forum.database.UTCDateTime(timezone=True)


def upgrade():
    # recreate="never": SQLite adds the columns in place (other rows point at both tables).
    for table in ("resource", "thread"):
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.add_column(sa.Column("is_official", sa.Boolean(), nullable=False,
                                          server_default=sa.false()))

    op.create_table(
        "collection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description_source", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_official", sa.Boolean(), nullable=False),
        sa.Column("pin_position", sa.Integer(), nullable=True),
        sa.Column("published_at", UTC, nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("curator_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["curator_id"], ["user.id"],
                                name=op.f("fk_collection_curator_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection")),
    )
    with op.batch_alter_table("collection", schema=None) as batch_op:
        batch_op.create_index("ix_collection_listing", ["status", "is_official"], unique=False)
        batch_op.create_index(batch_op.f("ix_collection_pin_position"), ["pin_position"],
                              unique=False)

    op.create_table(
        "collection_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("link_title", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("kind IN ('resource', 'thread', 'link')",
                           name=op.f("ck_collection_item_kind")),
        sa.ForeignKeyConstraint(["collection_id"], ["collection.id"],
                                name=op.f("fk_collection_item_collection_id_collection"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"],
                                name=op.f("fk_collection_item_resource_id_resource"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["thread_id"], ["thread.id"],
                                name=op.f("fk_collection_item_thread_id_thread"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["added_by_id"], ["user.id"],
                                name=op.f("fk_collection_item_added_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_item")),
        sa.UniqueConstraint("collection_id", "position", name="uq_collection_item_position"),
        sa.UniqueConstraint("collection_id", "resource_id", name="uq_collection_item_resource"),
        sa.UniqueConstraint("collection_id", "thread_id", name="uq_collection_item_thread"),
    )
    with op.batch_alter_table("collection_item", schema=None) as batch_op:
        for column in ("collection_id", "resource_id", "thread_id"):
            batch_op.create_index(batch_op.f(f"ix_collection_item_{column}"), [column],
                                  unique=False)

    op.create_table(
        "collection_follow",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("last_seen_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_collection_follow_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["collection_id"], ["collection.id"],
                                name=op.f("fk_collection_follow_collection_id_collection"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "collection_id", name=op.f("pk_collection_follow")),
    )
    with op.batch_alter_table("collection_follow", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collection_follow_collection_id"),
                              ["collection_id"], unique=False)

    op.create_table(
        "start_here_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=True),
        sa.Column("chosen_by_id", sa.Integer(), nullable=True),
        sa.Column("chosen_at", UTC, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_start_here_setting_single_row")),
        sa.ForeignKeyConstraint(["collection_id"], ["collection.id"],
                                name=op.f("fk_start_here_setting_collection_id_collection"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["chosen_by_id"], ["user.id"],
                                name=op.f("fk_start_here_setting_chosen_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_start_here_setting")),
    )

    op.create_table(
        "start_here_dismissal",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_start_here_dismissal_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["collection_id"], ["collection.id"],
                                name=op.f("fk_start_here_dismissal_collection_id_collection"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "collection_id",
                                name=op.f("pk_start_here_dismissal")),
    )


def downgrade():
    op.drop_table("start_here_dismissal")
    op.drop_table("start_here_setting")
    with op.batch_alter_table("collection_follow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_follow_collection_id"))
    op.drop_table("collection_follow")
    with op.batch_alter_table("collection_item", schema=None) as batch_op:
        for column in ("collection_id", "resource_id", "thread_id"):
            batch_op.drop_index(batch_op.f(f"ix_collection_item_{column}"))
    op.drop_table("collection_item")
    with op.batch_alter_table("collection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_pin_position"))
        batch_op.drop_index("ix_collection_listing")
    op.drop_table("collection")
    for table in ("thread", "resource"):
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_column("is_official")
