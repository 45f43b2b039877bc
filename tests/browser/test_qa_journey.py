"""The Q&A journey in a real browser, with CSRF protection on as in production:
a member asks (and is offered similar questions while typing), two others answer, votes are
cast with the keyboard and without a page reload, the asker accepts an answer with the
keyboard and it moves to the top. axe-core checks every page visited."""
import re

import pytest
from playwright.sync_api import expect

from forum.qa import services as qa
from tests.browser.conftest import log_in
from tests.factories import make_category, make_member

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True  # votes must carry the token, as in production
    return app_config


def new_page(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def answers_in_order(page) -> list[str]:
    return page.locator("section.answers article .post-body").all_inner_texts()


def test_ask_answer_vote_and_accept(app, live_server, browser, page, axe):
    category = make_category(name="Workplace culture")
    earlier = qa.ask(make_member(), category, title="How did you word your menopause policy?",
                     body="We are drafting one.")
    earlier_id, category_id = earlier.id, category.id
    asker = make_member(display_name="Fiona Asker")
    first = make_member(display_name="Raj Answerer")
    second = make_member(display_name="Grace Answerer")
    voter = make_member(display_name="Tom Voter")
    emails = {user.display_name: user.email for user in (asker, first, second, voter)}

    # 1. The asker starts from the questions list and asks; similar questions appear as
    #    the title is typed.
    log_in(page, axe, live_server, emails["Fiona Asker"])
    page.get_by_role("link", name="Questions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions")
    axe(page)
    page.get_by_role("link", name="Ask a question").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask a question")
    axe(page)
    page.get_by_label("Category").select_option(str(category_id))
    page.get_by_label("Title").press_sequentially("Menopause policy wording ideas", delay=20)
    similar = page.locator("[data-similar-list] a")
    expect(similar).to_have_count(1)
    expect(similar).to_contain_text("How did you word your menopause policy?")
    expect(similar).to_have_attribute("href", f"/questions/{earlier_id}")
    expect(page.locator("[data-similar-status]")).to_have_text(
        "1 similar question found, listed below the title.")
    axe(page)  # with the suggestions showing
    page.get_by_label("Details").fill("How did you make it feel supportive, not procedural?")
    page.get_by_label("Tags").fill("menopause, policy")
    page.get_by_role("button", name="Post your question").click()
    # Similar questions were already offered while typing, so there is no review step.
    expect(page.get_by_role("heading", level=1)).to_have_text("Menopause policy wording ideas")
    expect(page.get_by_text("Your question is posted.")).to_be_visible()
    axe(page)
    question_url = page.url

    # 2. Two members answer.
    for name, text in (("Raj Answerer", "We wrote it with our women's staff network."),
                       ("Grace Answerer", "We listed example adjustments for managers.")):
        other = new_page(browser)
        log_in(other, axe, live_server, emails[name])
        other.goto(question_url)
        axe(other)
        other.get_by_label("Answer", exact=True).fill(text)
        other.get_by_role("button", name="Post your answer").click()
        expect(other.get_by_text("Your answer is posted.")).to_be_visible()
        axe(other)
        other.context.close()
    assert answers_in_order(page.reload() and page) == [
        "We wrote it with our women's staff network.",
        "We listed example adjustments for managers."]

    # 3. A member marks the second answer helpful, keyboard only, without a page reload.
    voter_page = new_page(browser)
    log_in(voter_page, axe, live_server, emails["Tom Voter"])
    voter_page.goto(question_url)
    voter_page.evaluate("window.notReloaded = true")
    button = voter_page.get_by_role("button", name="Helpful (answer 2)")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.focus()
    voter_page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(voter_page.locator("#post-3 [data-vote-count]")).to_have_text("1 helpful vote")
    expect(voter_page.locator("[data-qa-status]")).to_contain_text("You marked this as helpful.")
    assert voter_page.evaluate("window.notReloaded") is True
    axe(voter_page)
    # Pressing again withdraws the vote; pressing a third time casts it again.
    voter_page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(voter_page.locator("#post-3 [data-vote-count]")).to_have_text("0 helpful votes")
    voter_page.keyboard.press("Enter")
    expect(voter_page.locator("#post-3 [data-vote-count]")).to_have_text("1 helpful vote")
    # The question itself can be voted on too; the page was never reloaded.
    voter_page.get_by_role("button", name="Helpful (the question)").focus()
    voter_page.keyboard.press("Enter")
    expect(voter_page.locator("#post-1 [data-vote-count]")).to_have_text("1 helpful vote")
    assert voter_page.evaluate("window.notReloaded") is True
    voter_page.context.close()

    # 4. The most helpful answer now comes first for everyone.
    page.reload()
    assert answers_in_order(page)[0] == "We listed example adjustments for managers."
    axe(page)

    # 5. The asker accepts the other answer, keyboard only: it moves to the top, marked.
    accept = page.get_by_role("button", name="Accept this answer (answer 2)")
    accept.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Answer accepted. It now shows first.")).to_be_visible()
    assert answers_in_order(page) == ["We wrote it with our women's staff network.",
                                      "We listed example adjustments for managers."]
    accepted = page.locator("article.qa-accepted")
    expect(accepted).to_have_count(1)
    expect(accepted.locator(".badge-accepted")).to_have_text("✓ Accepted answer")
    expect(accepted).to_contain_text("Raj Answerer")
    axe(page)

    # 6. The list shows it as accepted.
    page.goto(live_server + "/questions")
    item = page.locator(".question-item", has_text="Menopause policy wording ideas")
    expect(item).to_contain_text("Accepted answer")
    axe(page)


def test_without_javascript_similar_questions_are_offered_on_a_review_step(
        app, live_server, browser, axe):
    category = make_category(name="Data and reporting")
    qa.ask(make_member(), category, title="Getting good response rates on a VAW staff survey",
           body="Our rate was 9%.")
    member = make_member()
    category_id, email = category.id, member.email
    # The site's own scripts are blocked (not JavaScript itself: axe-core needs it to run).
    page = new_page(browser)
    page.route(re.compile(r".*/static/js/.*\.js$"), lambda route: route.abort())
    log_in(page, axe, live_server, email)
    page.goto(live_server + f"/questions/ask?category={category_id}")
    page.get_by_label("Title").fill("Staff survey response rates")
    page.get_by_label("Details").fill("Any tips?")
    expect(page.locator("[data-similar-panel]")).to_be_hidden()  # no live suggestions
    page.get_by_role("button", name="Post your question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Has your question been asked already?")
    expect(page.get_by_role("link", name="Getting good response rates on a VAW staff survey")
           ).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Post my question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff survey response rates")
    axe(page)
    page.context.close()


def test_question_page_with_anonymous_question_comments_and_errors_is_accessible(
        app, live_server, page, axe):
    asker = make_member()
    question = qa.ask(asker, make_category(), title="Supporting a colleague after disclosure?",
                      body="A sensitive question.", tags="support", anonymous=True)
    answer = qa.answer(make_member(), question, body="Paid safe leave helped.")
    qa.add_comment(asker, answer, body="Thank you, see https://example.org/guide")
    qa.accept_answer(asker, answer)
    member = make_member()
    question_id, email = question.id, member.email
    log_in(page, axe, live_server, email)
    page.goto(live_server + f"/questions/{question_id}")
    expect(page.get_by_role("heading", level=2, name="A member asked")).to_be_visible()
    axe(page)
    # An empty answer: the error summary is shown, focused, and links to the field.
    page.get_by_role("button", name="Post your answer").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_focused()
    axe(page)
    # The comment form opens from its summary with the keyboard.
    page.get_by_text("Add a comment on answer 1").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#comment-{answer.id}-body")).to_be_visible()
    axe(page)
    for url in ("/tags", "/tags/support", f"/threads/{question_id}/reply",
                "/questions?show=unanswered"):
        page.goto(live_server + url)
        axe(page)
