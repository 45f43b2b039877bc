"""`forum search ...`: rebuild the index, check it, try a query."""
import time

import click
from flask.cli import with_appcontext

from .indexing import get_index, rebuild_index
from .registry import SEARCHABLES


@click.group("search")
def search_command():
    """Manage the search index."""


@search_command.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the whole index from the database and swap it in (search keeps answering)."""
    from ..extensions import db
    from sqlalchemy import func, select
    expected = sum(db.session.scalar(select(func.count()).select_from(s.model))
                   for s in SEARCHABLES.values())
    started = time.monotonic()
    with click.progressbar(length=expected, label="Indexing", show_pos=True) as bar:
        seen = [0]

        def progress(count):
            bar.update(count - seen[0])
            seen[0] = count

        total = rebuild_index(progress=progress)
    click.echo(f"Indexed {total} documents with {get_index().name} in "
               f"{time.monotonic() - started:.1f} s.")


@search_command.command("status")
@with_appcontext
def status_command():
    """Say whether the index answers and how many documents it holds."""
    health = get_index().health()
    state = "ok" if health.ok else f"unavailable ({health.detail})"
    click.echo(f"{get_index().name}: {state}, {health.documents} documents")


@search_command.command("bench")
@click.option("--backend", "backends", multiple=True,
              type=click.Choice(["whoosh", "tantivy", "postgres"]),
              help="Backends to measure (default: whoosh and tantivy; postgres needs a "
                   "PostgreSQL database).")
@click.option("--size", "sizes", multiple=True, type=int, default=[2_000, 10_000],
              show_default=True, help="Numbers of generated posts (plus resources: 500 at 10,000 posts, "
                   "2,000 at 100,000).")
@click.option("--rounds", default=3, show_default=True, help="Times the query list is run.")
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the rows as JSON.")
@with_appcontext
def bench_command(backends, sizes, rounds, out):
    """Time searches (with snippets and suggestions) per backend and data size."""
    from flask import current_app
    from .bench import bench
    app = current_app._get_current_object()
    saved = app.config["SEARCH_BACKEND"], app.config["SEARCH_INDEX_DIR"]
    try:
        rows = bench(app, backends or ("whoosh", "tantivy"), sizes, rounds, out)
    finally:
        app.config["SEARCH_BACKEND"], app.config["SEARCH_INDEX_DIR"] = saved
        app.extensions.pop("forum.search", None)
    click.echo(f"{'backend':<10}{'posts':>9}{'resources':>10}{'build s':>9}{'p50 ms':>9}"
               f"{'p95 ms':>9}{'first-round p95':>17}")
    for row in rows:
        click.echo(f"{row['backend']:<10}{row['posts']:>9}{row['resources']:>10}"
                   f"{row['build_s']:>9}"
                   f"{row['p50_ms']:>9}{row['p95_ms']:>9}{row['first_round_p95_ms']:>17}")
