"""resources: stored files, resource library, attachments, background jobs

Revision ID: resources
Revises: foundation
Create Date: 2026-11-26 19:00:00

Only new tables: nothing existing changes (Post.attachments is a relationship defined from
the attachment side).
"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "resources"
down_revision = "foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_at", forum.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=120), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("failed_at", forum.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_status_run_after", ["status", "run_after"], unique=False)

    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text_status", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_error", sa.String(length=300), nullable=False),
        sa.Column("text_truncated", sa.Boolean(), nullable=False),
        sa.Column("extracted_at", forum.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
        sa.UniqueConstraint("sha256", name=op.f("uq_stored_file_sha256")),
    )

    op.create_table(
        "resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description_source", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("version_count", sa.Integer(), nullable=False),
        sa.Column("download_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("created_at", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", forum.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"],
                                name=op.f("fk_resource_author_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"],
                                name=op.f("fk_resource_category_id_category")),
        sa.ForeignKeyConstraint(["deleted_by_id"], ["user.id"],
                                name=op.f("fk_resource_deleted_by_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_resource_organisation_id_organisation"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["thread_id"], ["thread.id"],
                                name=op.f("fk_resource_thread_id_thread"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource")),
    )
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_resource_category_id"), ["category_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_resource_kind"), ["kind"], unique=False)
        batch_op.create_index("ix_resource_listing", ["deleted_at", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_resource_organisation_id"), ["organisation_id"],
                              unique=False)

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=True),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("download_count", sa.Integer(), nullable=False),
        sa.Column("created_at", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_attachment_post_id_post")),
        sa.ForeignKeyConstraint(["stored_file_id"], ["stored_file.id"],
                                name=op.f("fk_attachment_stored_file_id_stored_file"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["uploader_id"], ["user.id"],
                                name=op.f("fk_attachment_uploader_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_post_id"), ["post_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_stored_file_id"), ["stored_file_id"],
                              unique=False)

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

    op.create_table(
        "resource_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=True),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("download_count", sa.Integer(), nullable=False),
        sa.Column("created_at", forum.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"],
                                name=op.f("fk_resource_version_resource_id_resource")),
        sa.ForeignKeyConstraint(["stored_file_id"], ["stored_file.id"],
                                name=op.f("fk_resource_version_stored_file_id_stored_file"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["uploader_id"], ["user.id"],
                                name=op.f("fk_resource_version_uploader_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_version")),
        sa.UniqueConstraint("resource_id", "number", name="uq_resource_version_number"),
    )
    with op.batch_alter_table("resource_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_version_stored_file_id"),
                              ["stored_file_id"], unique=False)


def downgrade():
    for table, indexes in [
        ("resource_version", ["ix_resource_version_stored_file_id"]),
        ("resource_tag", ["ix_resource_tag_name"]),
        ("attachment", ["ix_attachment_stored_file_id", "ix_attachment_post_id"]),
        ("resource", ["ix_resource_organisation_id", "ix_resource_listing", "ix_resource_kind",
                      "ix_resource_category_id", "ix_resource_author_id"]),
        ("stored_file", []),
        ("job", ["ix_job_status_run_after"]),
    ]:
        if indexes:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for index in indexes:
                    batch_op.drop_index(index)
        op.drop_table(table)
