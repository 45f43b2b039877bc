"""`forum search bench` runs end to end on a small size and prints its table; the
generated text is realistic (Zipf-distributed, deterministic)."""
import json
import re

from forum.search.bench import FILTERED, QUERIES, generate, resources_for
from forum.search.bench_text import COMMUNITY, TextGenerator


def test_the_bench_prints_a_row_per_backend_and_size(app, tmp_path):
    out = tmp_path / "bench.json"
    result = app.test_cli_runner().invoke(args=[
        "search", "bench", "--backend", "whoosh", "--backend", "tantivy",
        "--size", "60", "--rounds", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = re.findall(r"^(whoosh|tantivy)\s+60\s+3\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$",
                      result.output, re.M)
    assert [name for name, *_ in rows] == ["whoosh", "tantivy"], result.output
    saved = json.loads(out.read_text())
    assert [row["queries"] for row in saved] == [len(QUERIES) + len(FILTERED)] * 2
    assert all(row["p50_ms"] <= row["p95_ms"] for row in saved)
    assert all(row["first_round_p95_ms"] > 0 for row in saved)


def test_generated_documents_are_deterministic_and_shaped_like_the_forum():
    first, again = list(generate(200, seed=4)), list(generate(200, seed=4))
    assert first == again
    assert sum(doc.kind == "resource" for doc in first) == 10  # one per 20 posts
    assert sum(doc.kind != "resource" for doc in first) == 200
    assert all(doc.file_text for doc in first if doc.kind == "resource")
    bodies = [set(doc.body.lower().replace(".", "").split()) for doc in first]
    share = sum("harassment" in words for words in bodies) / len(bodies)
    assert 0.03 < share < 0.3  # a community word: in some posts, not in most


def test_word_frequencies_follow_zipf():
    words = TextGenerator(seed=1).text(60_000).lower().replace(".", "").split()
    counts = {w: words.count(w) for w in ("the", "policy", COMMUNITY[-1])}
    assert counts["the"] > counts["policy"] > counts[COMMUNITY[-1]] > 0


def test_the_sizes_are_the_issues_reference_sets():
    assert resources_for(10_000) == 500
    assert resources_for(100_000) == 2_000
    docs = list(generate(1_000, resources=7))
    assert sum(doc.kind == "resource" for doc in docs) == 7 and len(docs) == 1_007
