"""polls: polls in threads and questions, including benchmark polls

Revision ID: polls
Revises: conversations
Create Date: 2026-12-02 14:10:00

New tables only: `poll` (one per thread), `poll_option`, `poll_ballot` (one per member,
UNIQUE (poll_id, user_id), or for a benchmark poll one per organisation, UNIQUE
(poll_id, organisation_id)) and `poll_choice`. Downgrading drops them all.
"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "polls"
down_revision = "conversations"
branch_labels = None
depends_on = None

UTC = forum.database.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=False),
        sa.Column("results_mode", sa.String(length=20), nullable=False),
        sa.Column("per_organisation", sa.Boolean(), nullable=False),
        sa.Column("answers_public", sa.Boolean(), nullable=False),
        sa.Column("closes_at", UTC, nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("results_mode IN ('after_vote', 'after_close', 'moderators')",
                           name=op.f("ck_poll_results_mode")),
        sa.CheckConstraint("max_choices >= 1", name=op.f("ck_poll_max_choices")),
        sa.ForeignKeyConstraint(["thread_id"], ["thread.id"],
                                name=op.f("fk_poll_thread_id_thread"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"],
                                name=op.f("fk_poll_author_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["closed_by_id"], ["user.id"],
                                name=op.f("fk_poll_closed_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll")),
        sa.UniqueConstraint("thread_id", name=op.f("uq_poll_thread_id")),
    )
    op.create_table(
        "poll_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"],
                                name=op.f("fk_poll_option_poll_id_poll"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_option")),
    )
    op.create_index(op.f("ix_poll_option_poll_id"), "poll_option", ["poll_id"])
    op.create_table(
        "poll_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("(user_id IS NULL) <> (organisation_id IS NULL)",
                           name=op.f("ck_poll_ballot_one_voter")),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"],
                                name=op.f("fk_poll_ballot_poll_id_poll"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_poll_ballot_user_id_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_poll_ballot_organisation_id_organisation"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["answered_by_id"], ["user.id"],
                                name=op.f("fk_poll_ballot_answered_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_ballot")),
        sa.UniqueConstraint("poll_id", "user_id", name="uq_poll_ballot_user"),
        sa.UniqueConstraint("poll_id", "organisation_id", name="uq_poll_ballot_organisation"),
    )
    op.create_index(op.f("ix_poll_ballot_poll_id"), "poll_ballot", ["poll_id"])
    op.create_table(
        "poll_choice",
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ballot_id"], ["poll_ballot.id"],
                                name=op.f("fk_poll_choice_ballot_id_poll_ballot"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["option_id"], ["poll_option.id"],
                                name=op.f("fk_poll_choice_option_id_poll_option"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ballot_id", "option_id", name=op.f("pk_poll_choice")),
    )
    op.create_index(op.f("ix_poll_choice_option_id"), "poll_choice", ["option_id"])


def downgrade():
    op.drop_index(op.f("ix_poll_choice_option_id"), table_name="poll_choice")
    op.drop_table("poll_choice")
    op.drop_index(op.f("ix_poll_ballot_poll_id"), table_name="poll_ballot")
    op.drop_table("poll_ballot")
    op.drop_index(op.f("ix_poll_option_poll_id"), table_name="poll_option")
    op.drop_table("poll_option")
    op.drop_table("poll")
