"""pinning_hiding: threads pinned to their category or across the forum, until a date

Revision ID: pinning_hiding
Revises: moderation
Create Date: 2026-12-02 06:00:00

`thread.is_pinned` (a yes/no) becomes `thread.pin_scope` ("category" or "forum"; NULL when
not pinned) and `thread.pinned_until` (optional: past it the thread stops counting as
pinned, compared in the query). Existing pins become pins to the top of their category.
Downgrading keeps every pin as a plain pin and forgets the scope and the end.
"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "pinning_hiding"
down_revision = "moderation"
branch_labels = None
depends_on = None

UTC = forum.database.UTCDateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pin_scope", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("pinned_until", UTC, nullable=True))
    op.execute(sa.text("UPDATE thread SET pin_scope = 'category' WHERE is_pinned"))
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_column("is_pinned")


def downgrade():
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_pinned", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute(sa.text("UPDATE thread SET is_pinned = (pin_scope IS NOT NULL)"))
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.alter_column("is_pinned", server_default=None)
        batch_op.drop_column("pinned_until")
        batch_op.drop_column("pin_scope")
