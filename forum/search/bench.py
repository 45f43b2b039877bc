"""`forum search bench`: search latency per backend and data size, on generated documents.

The documents are generated (titles, bodies and file text drawn from this community's
vocabulary and a long tail of rarer words), indexed into a throwaway index per backend,
and a fixed query list is run: single words, two common words, phrases, prefixes,
filtered and misspelled. Figures are medians and 95th percentiles of the whole query list,
so they can be compared run to run; machines are shared, so compare within one run.
"""
import json
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone

from .backend import SearchUnavailable
from .documents import SearchDoc
from .query import SearchQuery

COMMON = ("policy harassment menopause equality women violence workplace staff survey "
          "training managers leave flexible working pay gap accreditation intersectional "
          "disclosure support reporting culture leadership carers domestic abuse "
          "guidance employer council health board").split()
QUERIES = [
    "harassment", "menopause", "accreditation", "policy", "intersectional",
    "flexible working", "pay gap", "staff survey", "domestic abuse", "women leadership",
    '"flexible working"', '"staff survey"', '"domestic abuse policy"',
    "harass*", "accred*", "menop*", "pol*",
    "harrasment", "menapause", "acreditation", "equallity",
    "policy -menopause", "training managers -survey",
]
FILTERED = [("policy", {"kinds": ("question",)}), ("training", {"category_id": 3}),
            ("survey", {"tag": "survey"}), ("leave", {"sort": "newest"}),
            ("harassment", {"accepted_only": True}), ("pay", {"file_kind": "pdf"})]


def generate(count: int, seed: int = 7):
    """`count` documents shaped like the forum's: 1 in 20 a resource with file text."""
    rng = random.Random(seed)
    rare = [f"term{n}" for n in range(4000)]
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)

    def words(n):
        return " ".join(rng.choice(COMMON) if rng.random() < 0.35 else rng.choice(rare)
                        for _ in range(n))

    for n in range(count):
        is_resource = n % 20 == 0
        yield SearchDoc(
            key=f"{'resource' if is_resource else 'post'}:{n}",
            kind="resource" if is_resource else rng.choice(("question", "answer", "reply",
                                                            "discussion")),
            title=words(rng.randint(5, 10)).capitalize(), body=words(rng.randint(40, 120)),
            created_at=now - timedelta(minutes=n * 7), author_name="A member",
            category_id=rng.randint(1, 8), tags=(rng.choice(("policy", "survey", "pay")),),
            accepted=rng.random() < 0.2, file_text=words(1500) if is_resource else "",
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
        timings = []
        queries = [(text, {}) for text in QUERIES] + FILTERED
        for _ in range(rounds):
            for text, filters in queries:
                query = SearchQuery(text=text, **filters)
                began = time.perf_counter()
                try:
                    backend.search(query, staff=False)
                    backend.suggest(query.parsed.terms)
                except SearchUnavailable:
                    pass
                timings.append((time.perf_counter() - began) * 1000)
        timings.sort()
        rows.append({"backend": backend.name, "documents": size, "build_s": round(built, 1),
                     "p50_ms": round(statistics.median(timings), 1),
                     "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
                     "queries": len(timings)})
        backend.clear()
    return rows


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
