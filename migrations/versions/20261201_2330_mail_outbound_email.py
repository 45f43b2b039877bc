"""mail: the outbox (every email is a row, sent by a `mail.send` job)

Revision ID: mail_outbox
Revises: one_tag_model
Create Date: 2026-12-01 23:30:00

Only a new table. It follows `one_tag_model`, which was written at the same time on top
of `merge_heads`: one line of history, so `forum db upgrade` finds a single head.
"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "mail_outbox"
down_revision = "one_tag_model"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbound_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=300), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=100), nullable=False),
        sa.Column("sent_at", forum.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_email")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbound_email_idempotency_key")),
    )


def downgrade():
    op.drop_table("outbound_email")
