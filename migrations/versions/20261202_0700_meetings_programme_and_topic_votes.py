"""meetings: the meeting programme, attendance, calendar feeds and topic votes

Revision ID: meetings
Revises: pinning_hiding
Create Date: 2026-12-02 07:00:00

New tables only: `meeting` (UK-time meetings stored in UTC, with a calendar UID and
SEQUENCE), `meeting_presenter` (a member or an organisation), `meeting_slide` (library
resources), `meeting_attendance`, `calendar_feed` (only a hash of each member's secret
feed token), `topic_round`, `topic_proposal` (unique normalised title per round),
`topic_vote` (one per member and proposal) and `topic_ballot` (votes used per member
and round: the count check behind the vote limit). Downgrading drops them all.
"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "meetings"
down_revision = "pinning_hiding"
branch_labels = None
depends_on = None

UTC = forum.database.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "calendar_feed",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_calendar_feed_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
    )
    op.create_table(
        "topic_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("closes_at", UTC, nullable=False),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("votes_per_member", sa.Integer(), nullable=False),
        sa.Column("tallies_visible", sa.Boolean(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["closed_by_id"], ["user.id"],
                                name=op.f("fk_topic_round_closed_by_id_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["opened_by_id"], ["user.id"],
                                name=op.f("fk_topic_round_opened_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_round")),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("joining_url", sa.String(length=2000), nullable=False),
        sa.Column("agenda_source", sa.Text(), nullable=False),
        sa.Column("agenda_html", sa.Text(), nullable=False),
        sa.Column("notes_source", sa.Text(), nullable=False),
        sa.Column("notes_html", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cancel_reason", sa.String(length=500), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("recap_thread_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f("ck_meeting_status")),
        sa.ForeignKeyConstraint(["organiser_id"], ["user.id"],
                                name=op.f("fk_meeting_organiser_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["recap_thread_id"], ["thread.id"],
                                name=op.f("fk_meeting_recap_thread_id_thread"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("uid", name=op.f("uq_meeting_uid")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_start", ["starts_at"], unique=False)
    op.create_table(
        "topic_ballot",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("votes_used", sa.Integer(), nullable=False),
        sa.CheckConstraint("votes_used >= 0", name=op.f("ck_topic_ballot_votes_used")),
        sa.ForeignKeyConstraint(["round_id"], ["topic_round.id"],
                                name=op.f("fk_topic_ballot_round_id_topic_round"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_topic_ballot_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "user_id", name=op.f("pk_topic_ballot")),
    )
    with op.batch_alter_table("topic_ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_ballot_user_id"), ["user_id"], unique=False)
    op.create_table(
        "meeting_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("going", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"],
                                name=op.f("fk_meeting_attendance_meeting_id_meeting"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_meeting_attendance_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", name=op.f("pk_meeting_attendance")),
    )
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_attendance_user_id"),
                                ["user_id"], unique=False)
    op.create_table(
        "meeting_presenter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("(user_id IS NULL) <> (organisation_id IS NULL)",
                           name=op.f("ck_meeting_presenter_one_presenter")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"],
                                name=op.f("fk_meeting_presenter_meeting_id_meeting"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_meeting_presenter_organisation_id_organisation"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_meeting_presenter_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_presenter")),
        sa.UniqueConstraint("meeting_id", "organisation_id", name="uq_meeting_presenter_org"),
        sa.UniqueConstraint("meeting_id", "user_id", name="uq_meeting_presenter_user"),
    )
    with op.batch_alter_table("meeting_presenter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_presenter_meeting_id"),
                                ["meeting_id"], unique=False)
    op.create_table(
        "meeting_slide",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["user.id"],
                                name=op.f("fk_meeting_slide_added_by_id_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"],
                                name=op.f("fk_meeting_slide_meeting_id_meeting"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"],
                                name=op.f("fk_meeting_slide_resource_id_resource"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_slide")),
        sa.UniqueConstraint("meeting_id", "resource_id", name="uq_meeting_slide_resource"),
    )
    with op.batch_alter_table("meeting_slide", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_slide_meeting_id"),
                                ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_slide_resource_id"),
                                ["resource_id"], unique=False)
    op.create_table(
        "topic_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("normalised_title", sa.String(length=200), nullable=False),
        sa.Column("description_source", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", UTC, nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"],
                                name=op.f("fk_topic_proposal_author_id_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"],
                                name=op.f("fk_topic_proposal_meeting_id_meeting"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["merged_into_id"], ["topic_proposal.id"],
                                name=op.f("fk_topic_proposal_merged_into_id_topic_proposal"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["round_id"], ["topic_round.id"],
                                name=op.f("fk_topic_proposal_round_id_topic_round"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_proposal")),
        sa.UniqueConstraint("round_id", "normalised_title", name="uq_topic_proposal_title"),
    )
    with op.batch_alter_table("topic_proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_proposal_meeting_id"),
                                ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_topic_proposal_round_id"), ["round_id"], unique=False)
    op.create_table(
        "topic_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["topic_proposal.id"],
                                name=op.f("fk_topic_vote_proposal_id_topic_proposal"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["topic_round.id"],
                                name=op.f("fk_topic_vote_round_id_topic_round"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_topic_vote_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_vote")),
        sa.UniqueConstraint("proposal_id", "user_id", name="uq_topic_vote"),
    )
    with op.batch_alter_table("topic_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_vote_proposal_id"),
                                ["proposal_id"], unique=False)
        batch_op.create_index("ix_topic_vote_round_user", ["round_id", "user_id"], unique=False)



def downgrade():
    with op.batch_alter_table("topic_vote", schema=None) as batch_op:
        batch_op.drop_index("ix_topic_vote_round_user")
        batch_op.drop_index(batch_op.f("ix_topic_vote_proposal_id"))
    op.drop_table("topic_vote")
    with op.batch_alter_table("topic_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_proposal_round_id"))
        batch_op.drop_index(batch_op.f("ix_topic_proposal_meeting_id"))
    op.drop_table("topic_proposal")
    with op.batch_alter_table("meeting_slide", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_slide_resource_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_slide_meeting_id"))
    op.drop_table("meeting_slide")
    with op.batch_alter_table("meeting_presenter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_presenter_meeting_id"))
    op.drop_table("meeting_presenter")
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attendance_user_id"))
    op.drop_table("meeting_attendance")
    with op.batch_alter_table("topic_ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_ballot_user_id"))
    op.drop_table("topic_ballot")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_start")
    op.drop_table("meeting")
    op.drop_table("topic_round")
    op.drop_table("calendar_feed")
