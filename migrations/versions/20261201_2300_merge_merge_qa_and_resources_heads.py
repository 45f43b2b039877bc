"""Merge the Q&A and resource library branches into one linear history

Revision ID: merge_heads
Revises: qa, resources
Create Date: 2026-12-01 23:00:00

Both branched from the foundation, so plain `forum db upgrade` (which wants one head)
failed with "Multiple head revisions". Nothing changes in the schema here.
"""

revision = "merge_heads"
down_revision = ("qa", "resources")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
