"""`forum bench`: how fast the member pages are, measured in-process.

Builds a throwaway database with a reference-shaped data set (organisations, members,
categories, threads and one long thread), then times each page through the WSGI app with
a logged-in member, and a bare Flask app returning a 20 KB string as the yardstick.
Prints one table and writes the figures as JSON, so runs can be compared.
"""
import json
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import event, insert

from .database import utcnow


def _build_data(db, *, organisations, members, threads, long_thread_posts):
    from .accounts.models import Organisation, User
    from .discussions.models import Category, Post, Thread
    from .rendering import render_markdown
    from werkzeug.security import generate_password_hash

    now = utcnow()
    password_hash = generate_password_hash("bench password")
    db.session.execute(insert(Organisation), [
        {"name": f"Organisation {i}", "sector": "public", "accreditation": "accredited",
         "created_at": now} for i in range(organisations)])
    db.session.execute(insert(User), [
        {"email": f"member{i}@bench.example", "display_name": f"Member {i}",
         "organisation_id": i % organisations + 1, "role": "member", "status": "active",
         "password_hash": password_hash, "job_role": "HR adviser", "bio": "",
         "profile_visible": True, "join_reason": "", "decline_reason": "", "created_at": now}
        for i in range(members)])
    db.session.execute(insert(Category), [
        {"name": f"Category {i}", "description": "Bench category", "position": i,
         "thread_count": 0, "post_count": 0, "created_at": now} for i in range(6)])
    body = ("We ran a **risk assessment** by site and started with lone workers.\n\n"
            "* survey\n* policy\n* training\n\n> quoted text from an earlier post")
    html = render_markdown(body)
    thread_rows, post_rows = [], []
    posts_per_thread = 10
    for t in range(threads):
        count = long_thread_posts if t == 0 else posts_per_thread
        thread_rows.append({"category_id": t % 6 + 1, "author_id": t % members + 1,
                            "title": f"Bench thread {t} about flexible working evidence",
                            "post_count": count, "is_locked": False,
                            "last_post_at": now - timedelta(minutes=t),
                            "last_post_author_id": (t + 1) % members + 1, "created_at": now})
        for n in range(1, count + 1):
            post_rows.append({"thread_id": t + 1, "number": n, "author_id": (t + n) % members + 1,
                              "body_source": body, "body_html": html, "created_at": now})
    db.session.execute(insert(Thread), thread_rows)
    for start in range(0, len(post_rows), 5000):
        db.session.execute(insert(Post), post_rows[start:start + 5000])
    db.session.execute(Category.__table__.update().values(
        thread_count=threads // 6, post_count=len(post_rows) // 6))
    db.session.commit()
    return len(post_rows)


def _time_requests(client, path, requests):
    durations = []
    for _ in range(5):
        client.get(path)
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    durations.sort()
    return {"p50_ms": round(statistics.median(durations), 2),
            "p95_ms": round(durations[int(len(durations) * 0.95) - 1], 2),
            "requests_per_s": round(1000 / statistics.mean(durations), 1)}


def _bare_flask_client():
    bare = Flask("bare")
    payload = "x" * 20_000

    @bare.get("/")
    def index():
        return payload
    return bare.test_client()


@click.command("bench")
@click.option("--threads", default=2000, show_default=True, help="threads in the data set")
@click.option("--members", default=1000, show_default=True)
@click.option("--long-thread", default=1000, show_default=True, help="posts in the long thread")
@click.option("--requests", default=200, show_default=True, help="timed requests per page")
@click.option("--output", default="bench-results/latest.json", show_default=True)
def bench_command(threads, members, long_thread, requests, output):
    """Time the member pages in-process on a generated data set (a throwaway SQLite file)."""
    from . import create_app
    from .extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                          "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                          "WTF_CSRF_ENABLED": False})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            posts = _build_data(db, organisations=50, members=members, threads=threads,
                                long_thread_posts=long_thread)
            click.echo(f"Data set: {threads} threads, {posts} posts, {members} members "
                       f"({time.perf_counter() - started:.1f} s to build)")
            pages_in_long = -(-long_thread // app.config["POSTS_PER_PAGE"])
            paths = {
                "front page (/forum)": "/forum",
                "category page": "/categories/1",
                "thread, first page": "/threads/1",
                "thread, middle page": f"/threads/1?page={pages_in_long // 2}",
                "thread, last page": "/threads/1?page=last",
            }
        client = app.test_client()
        client.post("/login", data={"email": "member1@bench.example",
                                    "password": "bench password"})
        baseline = _time_requests(_bare_flask_client(), "/", requests)
        results = {"bare Flask, 20 KB string": {**baseline, "queries": 0, "ratio": 1.0}}
        for name, path in paths.items():
            with app.app_context():
                statements = []
                listener = lambda *args: statements.append(1)  # noqa: E731
                event.listen(db.engine, "before_cursor_execute", listener)
                client.get(path)
                event.remove(db.engine, "before_cursor_execute", listener)
            figures = _time_requests(client, path, requests)
            figures["queries"] = len(statements)
            figures["ratio"] = round(figures["requests_per_s"] / baseline["requests_per_s"], 3)
            results[name] = figures
        with app.app_context():
            db.engine.dispose()

    click.echo(f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}{'queries':>9}{'vs bare':>9}")
    for name, f in results.items():
        click.echo(f"{name:<28}{f['p50_ms']:>9}{f['p95_ms']:>9}{f['requests_per_s']:>9}"
                   f"{f['queries']:>9}{f['ratio']:>9.1%}")
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps({"threads": threads, "members": members,
                                        "long_thread_posts": long_thread,
                                        "requests": requests, "results": results}, indent=2))
    click.echo(f"Written {output}")
