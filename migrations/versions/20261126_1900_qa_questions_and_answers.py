"""qa: questions and answers (thread kind, anonymity, accepted answer, votes, comments, tags)

Revision ID: qa
Revises: foundation
Create Date: 2026-11-26 19:00:00

"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "qa"
down_revision = "foundation"
branch_labels = None
depends_on = None


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    # recreate="never": SQLite alters "thread" and "post" in place. Batch mode's copy-and-move
    # would drop and rebuild them, which fails once other rows point at them (foreign keys
    # are on). Existing threads become discussions; existing posts have no votes.
    with op.batch_alter_table("thread", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="discussion",
                                      nullable=False))
        batch_op.add_column(sa.Column("is_anonymous", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_index("ix_thread_kind_activity", ["kind", "last_post_at"], unique=False)
        if not sqlite:
            batch_op.add_column(sa.Column("accepted_post_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f("fk_thread_accepted_post_id_post"), "post",
                                        ["accepted_post_id"], ["id"])
    if sqlite:  # SQLite adds a column with its foreign key in one ALTER, or not at all
        op.execute("ALTER TABLE thread ADD COLUMN accepted_post_id INTEGER "
                   "CONSTRAINT fk_thread_accepted_post_id_post REFERENCES post (id)")

    with op.batch_alter_table("post", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("helpful_count", sa.Integer(), server_default="0",
                                      nullable=False))

    op.create_table(
        "helpful_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"],
                                name=op.f("fk_helpful_vote_post_id_post"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_helpful_vote_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpful_vote")),
        sa.UniqueConstraint("post_id", "user_id", name="uq_helpful_vote_post_user"),
    )
    with op.batch_alter_table("helpful_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpful_vote_user_id"), ["user_id"], unique=False)

    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", forum.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"],
                                name=op.f("fk_comment_author_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["deleted_by_id"], ["user.id"],
                                name=op.f("fk_comment_deleted_by_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"],
                                name=op.f("fk_comment_post_id_post"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_post_id"), ["post_id"], unique=False)

    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("created_at", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )
    op.create_table(
        "thread_tag",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"],
                                name=op.f("fk_thread_tag_tag_id_tag"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["thread_id"], ["thread.id"],
                                name=op.f("fk_thread_tag_thread_id_thread"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("thread_id", "tag_id", name=op.f("pk_thread_tag")),
    )
    with op.batch_alter_table("thread_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_tag_tag_id"), ["tag_id"], unique=False)


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("thread_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_tag_tag_id"))
    op.drop_table("thread_tag")
    op.drop_table("tag")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_post_id"))
    op.drop_table("comment")
    with op.batch_alter_table("helpful_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpful_vote_user_id"))
    op.drop_table("helpful_vote")

    with op.batch_alter_table("post", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("helpful_count")

    with op.batch_alter_table("thread", schema=None, recreate="never") as batch_op:
        if not sqlite:  # SQLite drops the column's own foreign key with the column
            batch_op.drop_constraint(batch_op.f("fk_thread_accepted_post_id_post"),
                                     type_="foreignkey")
        batch_op.drop_index("ix_thread_kind_activity")
        batch_op.drop_column("accepted_post_id")
        batch_op.drop_column("is_anonymous")
        batch_op.drop_column("kind")
