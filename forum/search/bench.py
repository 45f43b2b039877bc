"""`forum search bench`: search latency per backend and data size, on generated documents.

The documents are generated (`--size` posts and resources with a long file's text, as many
as `resources_for` says: the issue's reference sets are 10,000 posts + 500 documents and
100,000 posts + 2,000 documents; in realistic text: bench_text), indexed into a throwaway index per backend,
and a fixed query list is run: single words, two common words, phrases, prefixes,
filtered and misspelled. Figures are medians and 95th percentiles of the whole query list,
so they can be compared run to run; machines are shared, so compare within one run.
The first round's p95 is printed too: there each word is read from the index the first
time a query uses it, so it shows what the caches (bitsets and postings per word) hide.
"""
import json
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone

from .backend import SearchUnavailable
from .bench_text import TextGenerator
from .documents import SearchDoc
from .query import SearchQuery

QUERIES = [  # 44 texts, plus the 8 filtered queries below: 52 in all
    # single words, common and rarer
    "harassment", "menopause", "accreditation", "policy", "intersectional", "carers",
    "grievance", "stalking", "bystander", "champions",
    # two or three words
    "flexible working", "pay gap", "staff survey", "domestic abuse", "women leadership",
    "sexual harassment policy", "coercive control", "occupational segregation",
    # phrases
    '"flexible working"', '"staff survey"', '"domestic abuse policy"', '"pay gap"',
    '"equally safe"', '"trauma informed"',
    # prefixes
    "harass*", "accred*", "menop*", "pol*", "interse*", "safeg*",
    # misspelled (the "did you mean" cases)
    "harrasment", "menapause", "acreditation", "equallity", "intersectionel",
    "grievence", "maternaty", "confidentail",
    # exclusions, and words no document has
    "policy -menopause", "training managers -survey", "harassment -sexual",
    "zzyzx", "quokka policy", "nonexistentword",
]
FILTERED = [("policy", {"kinds": ("question",)}), ("training", {"category_id": 3}),
            ("survey", {"tag": "survey"}), ("leave", {"sort": "newest"}),
            ("harassment", {"accepted_only": True}), ("pay", {"file_kind": "pdf"}),
            ("menopause", {"kinds": ("resource",), "sort": "newest"}),
            ("women", {"category_id": 2, "tag": "policy"})]


def resources_for(posts: int) -> int:
    """How many resources go with `posts` posts: one per 20 up to the five-year size
    (10,000 posts + 500 documents), then one per 60 more posts, which gives the
    reference set's 2,000 documents at 100,000 posts (a library grows slower than talk)."""
    return posts // 20 if posts <= 10_000 else 500 + (posts - 10_000) // 60


def generate(posts: int, seed: int = 7, resources: int | None = None):
    """`posts` posts (questions, answers, replies, discussions) and `resources` resources
    (default: resources_for(posts)) with the text of a long file, spread evenly among the
    posts, in realistic text (bench_text), newest first."""
    rng, text = random.Random(seed), TextGenerator(seed)
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    resources = resources_for(posts) if resources is None else resources
    total = posts + resources
    placed = 0  # resources so far: document n is a resource when its share comes due
    for n in range(total):
        is_resource = placed < resources and (n + 1) * resources // total > placed
        placed += is_resource
        yield SearchDoc(
            key=f"{'resource' if is_resource else 'post'}:{n}",
            kind="resource" if is_resource else rng.choice(("question", "answer", "reply",
                                                            "discussion")),
            title=text.title(), body=text.text(rng.randint(30, 200)),
            created_at=now - timedelta(minutes=n * 7), author_name="A member",
            category_id=rng.randint(1, 8), tags=(rng.choice(("policy", "survey", "pay")),),
            accepted=rng.random() < 0.2, file_text=text.text(1500) if is_resource else "",
            file_label="report.pdf, version 1" if is_resource else "",
            file_kinds=("pdf",) if is_resource else ())


def run(make_backend, sizes=(2_000, 10_000), rounds: int = 3) -> list[dict]:
    """Index each size into a fresh backend and time the query list `rounds` times."""
    rows = []
    for size in sizes:
        backend = make_backend()
        backend.clear()
        started = time.perf_counter()
        backend.rebuild(generate(size))
        built = time.perf_counter() - started
        timings, first_round = [], None
        queries = [(text, {}) for text in QUERIES] + FILTERED
        for _ in range(rounds):
            if first_round is None and timings:
                first_round = sorted(timings)
            for text, filters in queries:
                query = SearchQuery(text=text, **filters)
                began = time.perf_counter()
                try:
                    backend.search(query, staff=False)
                    backend.suggest(query.parsed.terms)
                except SearchUnavailable:
                    pass
                timings.append((time.perf_counter() - began) * 1000)
        first_round = first_round or sorted(timings)
        timings.sort()
        rows.append({"backend": backend.name, "posts": size, "resources": resources_for(size),
                     "build_s": round(built, 1),
                     "p50_ms": round(statistics.median(timings), 1),
                     "p95_ms": round(_p95(timings), 1),
                     "first_round_p95_ms": round(_p95(first_round), 1),
                     "queries": len(timings)})
        backend.clear()
    return rows


def _p95(ordered: list[float]) -> float:
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def bench(app, backends, sizes, rounds, out=None) -> list[dict]:
    """Run every backend named in `backends` inside `app`; returns (and saves) the rows."""
    from .backends import create_backend
    rows = []
    for name in backends:
        with tempfile.TemporaryDirectory() as folder:
            app.config["SEARCH_BACKEND"], app.config["SEARCH_INDEX_DIR"] = name, folder
            rows += run(lambda: create_backend(app), sizes, rounds)
    if out:
        with open(out, "w") as handle:
            json.dump(rows, handle, indent=2)
    return rows
