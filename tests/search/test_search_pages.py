"""Searching through the real pages: indexing by change events, results, permissions twice,
anonymity, files, suggestions, hostile input and a broken index."""
import shutil
import time
from pathlib import Path

import pytest

from forum.discussions import services as discussions
from forum.extensions import db
from forum.jobs import run_pending
from forum.jobs.models import Job
from forum.search.indexing import get_index
from forum.search.query import SearchQuery

from ..factories import login, make_category, make_member, make_moderator, make_thread
from ..qa.factories import make_answer, make_question
from ..resources import files
from ..resources.helpers import make_resource
from .hostile import HOSTILE_QUERIES


def index_now():
    """Run every queued job (text extraction, then indexing), as the worker would."""
    for _ in range(3):
        run_pending(limit=1000)
    db.session.expire_all()


@pytest.fixture
def member_client(client):
    member = make_member(display_name="Morag Member")
    login(client, member)
    client.member = member
    return client


def page(client, **params):
    response = client.get("/search", query_string=params)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_new_thread_and_its_answer_are_found_from_the_header_box(member_client):
    question = make_question(title="How do you handle bystander training?",
                             body="We want managers to intervene early.")
    make_answer(question, body="We run bystander sessions every spring.")
    index_now()
    home = member_client.get("/forum").get_data(as_text=True)
    assert 'role="search"' in home and 'name="q"' in home  # the header box on every page
    html = page(member_client, q="bystander")
    assert "How do you handle <mark>bystander</mark> training?" in html
    assert "Answer" in html and "Question" in html
    assert "<mark>bystander</mark> sessions" in html


def test_stemming_finds_other_forms_of_a_word(member_client):
    make_thread(title="Sexual harassment reporting", body="Our harassment policy.")
    index_now()
    assert "harassment" in page(member_client, q="harassing")


def test_a_word_only_inside_a_pdf_is_found_and_the_file_is_named(member_client):
    make_resource(title="Workplace policy", description="Our policy.", name="policy.pdf",
                  data=files.pdf("Clause nine covers unicornly rare circumstances"))
    index_now()
    html = page(member_client, q="unicornly")
    assert "Workplace policy" in html
    assert "In the file policy.pdf, version 1" in html and "<mark>" in html


def test_anonymous_askers_are_never_named_in_results(member_client):
    asker = make_member(display_name="Secret Sasha")
    make_question(author=asker, anonymous=True, title="Disclosure at work: advice?",
                  body="How did you support colleagues disclosing abuse?")
    index_now()
    html = page(member_client, q="disclosure")
    assert "at work: advice?" in html
    assert "Secret Sasha" not in html and "A member" in html
    assert "Disclosure" not in page(member_client, q="Sasha")  # the name is not indexed


def test_a_removed_reply_leaves_the_index(member_client):
    thread = make_thread(title="Pension scheme changes")
    reply = discussions.reply(make_member(), thread, body="Our actuary says zymurgy matters.")
    index_now()
    assert "zymurgy" in page(member_client, q="zymurgy")
    discussions.delete_post(reply.author, reply)
    index_now()
    assert get_index().search(SearchQuery(text="zymurgy"), staff=True).total == 0
    assert "Nothing matched" in page(member_client, q="zymurgy")


def test_a_stale_hit_is_never_shown_the_policy_checks_every_hit(member_client):
    thread = make_thread(title="Pension scheme changes")
    index_now()
    thread.deleted_at = thread.created_at  # removed behind the index's back
    db.session.commit()
    assert get_index().search(SearchQuery(text="pension"), staff=False).total == 1
    html = page(member_client, q="pension")
    assert "Pension scheme changes" not in html and "Nothing matched" in html


def test_misspellings_get_a_did_you_mean(member_client):
    make_thread(title="Menopause policy guidance")
    index_now()
    html = page(member_client, q="menapause")
    assert "Did you mean" in html and "menopause" in html


def test_nothing_found_offers_next_steps(member_client):
    make_thread(title="Something else entirely")
    index_now()
    html = page(member_client, q="zebras", type="question")
    assert "Nothing matched your search" in html
    assert "Search again without the filters" in html
    assert "/questions/ask?title=zebras" in html


def test_filters_show_counts_and_narrow(member_client):
    make_question(title="Training for managers")
    make_thread(title="Training budgets")
    index_now()
    html = page(member_client, q="training")
    assert "Questions (1)" in html and "Discussions (1)" in html
    narrowed = page(member_client, q="training", type="question")
    assert "for managers" in narrowed and "budgets" not in narrowed


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_queries_get_a_page_quickly(member_client, text):
    member_client.get("/search", query_string={"q": "warm"})  # opening the index is once a process
    started = time.perf_counter()
    response = member_client.get("/search", query_string={"q": text, "page": "1"})
    assert response.status_code == 200
    assert time.perf_counter() - started < 1.0
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("params", [
    {"q": "x", "page": "0"}, {"q": "x", "page": "abc"}, {"q": "x", "page": "99999999999"},
    {"q": "x", "category": "-1"}, {"q": "x", "from": "2026-13-45"}, {"q": "x", "type": "nope"},
    {"q": "x", "sort": "'; DROP"}, {"q": "x", "organisation": "9" * 30},
])
def test_odd_parameters_never_fail(member_client, params):
    assert member_client.get("/search", query_string=params).status_code in {200, 404}


def test_a_broken_index_leaves_the_forum_working_and_is_rebuilt(app, member_client):
    make_thread(title="Recruitment practices")
    index_now()
    folder = Path(app.config["SEARCH_INDEX_DIR"])
    get_index()  # opened before the damage, as a long-running worker would have
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "CURRENT").write_text("gen-does-not-exist")
    app.extensions.pop("forum.search", None)  # a new process finds the damage
    html = page(member_client, q="recruitment")
    assert "Search is being rebuilt" in html
    assert member_client.get("/forum").status_code == 200
    health = member_client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["search"]["ok"] is False
    assert db.session.scalar(db.select(Job).where(Job.kind == "search.rebuild")) is not None
    index_now()
    rebuild = db.session.scalar(db.select(Job).where(Job.kind == "search.rebuild"))
    assert rebuild is None, rebuild.last_error  # done, so deleted
    app.extensions.pop("forum.search", None)
    assert "practices" in page(member_client, q="recruitment")


def test_the_results_page_costs_the_same_queries_for_few_or_many_hits(member_client,
                                                                     count_queries):
    category = make_category()
    for n in range(3):
        make_thread(category=category, title=f"Wellbeing plan {n}", replies=1)
    index_now()
    with count_queries() as few:
        page(member_client, q="wellbeing")
    for n in range(3, 15):
        make_thread(category=category, title=f"Wellbeing plan {n}", replies=1)
    index_now()
    with count_queries() as many:
        page(member_client, q="wellbeing")
    assert len(many) == len(few)
