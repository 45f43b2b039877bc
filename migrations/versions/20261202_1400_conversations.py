"""conversations: private conversations between members, blocks, messaging settings

Revision ID: conversations
Revises: mail_in
Create Date: 2026-12-02 14:00:00

New tables `conversation`, `conversation_participant`, `conversation_message`,
`member_block` and `conversation_settings`; notifications get `conversation_id` and
`message_id` (both nullable, cascading). Downgrading drops them all.
"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "conversations"
down_revision = "mail_in"
branch_labels = None
depends_on = None

UTC = forum.database.UTCDateTime(timezone=True)


def _user_fk(table: str, column: str, ondelete: str):
    return sa.ForeignKeyConstraint([column], ["user.id"],
                                   name=op.f(f"fk_{table}_{column}_user"), ondelete=ondelete)


def upgrade():
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("starter_id", sa.Integer(), nullable=True),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("last_message_at", UTC, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        _user_fk("conversation", "starter_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation")),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_last_message", ["last_message_at"], unique=False)

    op.create_table(
        "conversation_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", UTC, nullable=False),
        sa.Column("left_at", UTC, nullable=True),
        sa.Column("last_read_number", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversation.id"],
            name=op.f("fk_conversation_participant_conversation_id_conversation"),
            ondelete="CASCADE"),
        _user_fk("conversation_participant", "user_id", "CASCADE"),
        _user_fk("conversation_participant", "added_by_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_participant")),
        sa.UniqueConstraint("conversation_id", "user_id", name="uq_conversation_participant"),
    )
    with op.batch_alter_table("conversation_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_participant_user_id"), ["user_id"],
                              unique=False)

    op.create_table(
        "conversation_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body_source", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversation.id"],
            name=op.f("fk_conversation_message_conversation_id_conversation"),
            ondelete="CASCADE"),
        _user_fk("conversation_message", "author_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_message")),
        sa.UniqueConstraint("conversation_id", "number", name="uq_conversation_message_number"),
    )
    with op.batch_alter_table("conversation_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_message_author_id"), ["author_id"],
                              unique=False)

    op.create_table(
        "member_block",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("blocker_id <> blocked_id", name=op.f("ck_member_block_not_self")),
        _user_fk("member_block", "blocker_id", "CASCADE"),
        _user_fk("member_block", "blocked_id", "CASCADE"),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name=op.f("pk_member_block")),
    )
    with op.batch_alter_table("member_block", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_block_blocked_id"), ["blocked_id"],
                              unique=False)

    op.create_table(
        "conversation_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("known_only", sa.Boolean(), nullable=False),
        _user_fk("conversation_settings", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_conversation_settings")),
    )

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notification_conversation_id"),
                              ["conversation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_message_id"), ["message_id"],
                              unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_conversation_id_conversation"), "conversation",
            ["conversation_id"], ["id"], ondelete="CASCADE")
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_message_id_conversation_message"),
            "conversation_message", ["message_id"], ["id"], ondelete="CASCADE")


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notification_message_id_conversation_message"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_notification_conversation_id_conversation"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notification_message_id"))
        batch_op.drop_index(batch_op.f("ix_notification_conversation_id"))
        batch_op.drop_column("message_id")
        batch_op.drop_column("conversation_id")
    op.drop_table("conversation_settings")
    with op.batch_alter_table("member_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_block_blocked_id"))
    op.drop_table("member_block")
    with op.batch_alter_table("conversation_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_message_author_id"))
    op.drop_table("conversation_message")
    with op.batch_alter_table("conversation_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_participant_user_id"))
    op.drop_table("conversation_participant")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_last_message")
    op.drop_table("conversation")
