"""notifications: notifications, watches, notification settings, outbound email headers

Revision ID: notifications
Revises: meetings
Create Date: 2026-12-02 08:00:00

New tables: `notification` (one per recipient and event: unique user and event key),
`watch` (a member watching a thread, category or tag; `watching` false records an
explicit unwatch) and `notification_settings` (email delivery per kind, auto-watch,
one-click unsubscribe, the hash of the private feed token, when digests last went).
`outbound_email` gains `extra_headers` (Reply-To, List-Unsubscribe, ...), empty for
existing rows. Downgrading drops the tables and the column.
"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "notifications"
down_revision = "meetings"
branch_labels = None
depends_on = None

UTC = forum.database.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("event_key", sa.String(length=120), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("collection_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("read_at", UTC, nullable=True),
        sa.Column("emailed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"],
                                name=op.f("fk_notification_actor_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["collection_id"], ["collection.id"],
                                name=op.f("fk_notification_collection_id_collection"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"],
                                name=op.f("fk_notification_meeting_id_meeting"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"],
                                name=op.f("fk_notification_post_id_post"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["thread_id"], ["thread.id"],
                                name=op.f("fk_notification_thread_id_thread"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_notification_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("user_id", "event_key", name="uq_notification_user_event"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_user_unread", ["user_id", "read_at"],
                              unique=False)
        for column in ("thread_id", "post_id", "collection_id", "meeting_id"):
            batch_op.create_index(batch_op.f(f"ix_notification_{column}"), [column],
                                  unique=False)
    op.create_table(
        "watch",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("watching", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_watch_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "target_type", "target_id", name=op.f("pk_watch")),
    )
    with op.batch_alter_table("watch", schema=None) as batch_op:
        batch_op.create_index("ix_watch_target", ["target_type", "target_id"], unique=False)
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("auto_watch", sa.Boolean(), nullable=False),
        sa.Column("delivery", sa.JSON(), nullable=False),
        sa.Column("unsubscribed_at", UTC, nullable=True),
        sa.Column("feed_token_hash", sa.String(length=64), nullable=True),
        sa.Column("last_daily_digest_at", UTC, nullable=True),
        sa.Column("last_weekly_digest_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_notification_settings_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
        sa.UniqueConstraint("feed_token_hash",
                            name=op.f("uq_notification_settings_feed_token_hash")),
    )
    with op.batch_alter_table("outbound_email", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extra_headers", sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))


def downgrade():
    with op.batch_alter_table("outbound_email", schema=None) as batch_op:
        batch_op.drop_column("extra_headers")
    op.drop_table("notification_settings")
    with op.batch_alter_table("watch", schema=None) as batch_op:
        batch_op.drop_index("ix_watch_target")
    op.drop_table("watch")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        for column in ("meeting_id", "collection_id", "post_id", "thread_id"):
            batch_op.drop_index(batch_op.f(f"ix_notification_{column}"))
        batch_op.drop_index("ix_notification_user_unread")
    op.drop_table("notification")
