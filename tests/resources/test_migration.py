"""The `resources` migration creates exactly the modelled tables, and can be undone.

Always on a throwaway SQLite file: the shared PostgreSQL test schema is built by the
fixtures, not by migrations."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from forum import create_app
from forum.cli import init_db
from forum.extensions import db

OURS = {"job", "stored_file", "resource", "resource_tag", "resource_version", "attachment"}


def _app(tmp_path):
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                       "DATABASE_URL": f"sqlite:///{tmp_path}/migrated.db",
                       "SECRET_KEY": "test", "UPLOAD_DIR": str(tmp_path / "uploads"),
                       "SEARCH_INDEX_DIR": str(tmp_path / "search_index")})


def _touches_ours(difference) -> bool:
    text = repr(difference)
    return any(f"'{table}'" in text or f"Table('{table}'" in text for table in OURS)


def test_upgrade_creates_the_modelled_tables(tmp_path):
    app = _app(tmp_path)
    with app.app_context():
        init_db()
        assert OURS <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = [d for d in compare_metadata(context, db.metadata)
                           if _touches_ours(d)]
        assert differences == []
        db.engine.dispose()


def test_downgrade_removes_only_our_tables(tmp_path):
    from flask_migrate import downgrade
    app = _app(tmp_path)
    with app.app_context():
        init_db()
        downgrade(revision="qa")  # undo what followed the merge of the two branches
        downgrade(revision="resources@-1")  # then the resource branch itself
        tables = set(inspect(db.engine).get_table_names())
        assert not OURS & tables
        assert {"user", "thread", "post"} <= tables
        init_db()  # and back up again
        assert OURS <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()
