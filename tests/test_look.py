"""The look of every page, through the test client: one component per concept (badge, tag
pill, breadcrumb, filter bar, meta line, key/value list), the menu showing where you are,
the admin navigation, the favicon, and positions counted from 1."""
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from forum.discussions.models import Category
from forum.extensions import db
from forum.qa import services as qa

from .factories import login, make_admin, make_category, make_member, make_moderator, make_thread
from .qa.factories import make_answer, make_question
from .resources import files
from .resources.helpers import make_resource, run_jobs, upload


def page(client, path, status=200):
    """GET `path` and parse it; fail unless the status is `status`."""
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return lxml_html.fromstring(response.get_data(as_text=True))


def text(element) -> str:
    """An element's text as a reader meets it: runs of whitespace made single spaces."""
    return " ".join(element.text_content().split())


def current_menu_items(doc) -> list[tuple[str, str]]:
    """(label, aria-current) of each main-menu link marked current."""
    return [(text(a), a.get("aria-current"))
            for a in doc.xpath('//nav[@aria-label="Main"]//a[@aria-current]')]


def trail(doc) -> list[str]:
    """The breadcrumb labels, top first; checks the one breadcrumb component's markup."""
    navs = doc.xpath('//nav[@aria-label="Breadcrumb"]')
    assert len(navs) == 1, "one breadcrumb trail per page"
    items = navs[0].xpath("./ol/li")
    assert items, "the trail is an ordered list"
    current = navs[0].xpath(".//*[@aria-current]")
    assert len(current) == 1 and current[0].get("aria-current") == "page"
    assert current[0] in items[-1].iter(), "the last crumb is the page itself"
    return [text(li) for li in items]


@pytest.fixture
def member(app):
    return make_member(display_name="Fiona Member")


@pytest.fixture
def member_client(client, member):
    login(client, member)
    return client


@pytest.fixture
def accepted_question(app):
    category = make_category(name="Workplace culture")
    asker = make_member()
    question = make_question(author=asker, category=category, title="How did you word it?",
                             tags="policy, menopause")
    qa.accept_answer(asker, make_answer(question))
    return question


# -- the profile: a key/value list, never "Profile visible to membersYes" ------------------

def test_profile_facts_are_a_definition_list_with_spacing(member_client, member):
    doc = page(member_client, f"/members/{member.id}")
    rows = doc.xpath('//dl[contains(@class, "summary-list")]/div')
    terms = {text(row.xpath("./dt")[0]): text(row.xpath("./dd")[0]) for row in rows}
    assert terms["Profile visible to members"] == "Yes"
    assert "Member since" in terms and terms["Job role"] == "Equality officer"
    visible = [row for row in rows if text(row.xpath("./dt")[0]) == "Profile visible to members"]
    assert text(visible[0]) == "Profile visible to members Yes"


# -- the menu shows where you are -----------------------------------------------------------

def test_the_menu_marks_the_page_and_the_section(member_client, accepted_question, member):
    assert current_menu_items(page(member_client, "/questions")) == [("Questions", "page")]
    assert current_menu_items(page(member_client, f"/questions/{accepted_question.id}")) == [
        ("Questions", "true")]
    assert current_menu_items(page(member_client, "/forum")) == [("Forum", "page")]
    assert current_menu_items(page(member_client, f"/categories/{accepted_question.category_id}")
                              ) == [("Forum", "true")]
    assert current_menu_items(page(member_client, "/resources")) == [("Library", "page")]
    assert current_menu_items(page(member_client, "/collections")) == [("Collections", "page")]
    assert current_menu_items(page(member_client, f"/members/{accepted_question.author_id}")
                              ) == [("Members", "true")]
    own = page(member_client, f"/members/{member.id}")
    assert current_menu_items(own) == []
    assert [a.get("aria-current") for a in own.xpath(
        '//nav[@aria-label="Your account"]//a[normalize-space()="Fiona Member"]')] == ["page"]


def test_the_menu_marks_moderation_and_admin_for_staff(client):
    login(client, make_admin())
    assert current_menu_items(page(client, "/moderation/reports")) == [("Moderation", "true")]
    assert current_menu_items(page(client, "/moderation/applications")) == [("Moderation", "page")]
    assert current_menu_items(page(client, "/admin/organisations")) == [("Moderation", "true")]
    assert current_menu_items(page(client, "/admin/categories")) == [("Admin", "page")]
    assert current_menu_items(page(client, "/admin/jobs")) == [("Admin", "true")]


def test_the_current_item_has_a_visible_style():
    css = Path("static/css/forum.css").read_text(encoding="utf-8")
    assert ".main-nav .nav-list a[aria-current] { font-weight: bold; box-shadow:" in css


# -- the jobs page is in the admin navigation ------------------------------------------------

def test_admin_pages_share_a_navigation_with_the_jobs_page(client):
    login(client, make_admin())
    for path, current in [("/admin/categories", "Categories"), ("/admin/jobs", "Background jobs"),
                          ("/admin/categories/new", None)]:
        doc = page(client, path)
        nav = doc.xpath('//nav[@aria-label="Administration"]')
        assert len(nav) == 1, path
        links = {text(a): a.get("href") for a in nav[0].xpath(".//a")}
        assert links == {"Categories": "/admin/categories", "Background jobs": "/admin/jobs"}
        marked = [text(a) for a in nav[0].xpath('.//a[@aria-current="page"]')]
        assert marked == ([current] if current else []), path
    assert "See also:" not in text(page(client, "/admin/categories"))


def test_moderators_see_no_admin_navigation(client):
    login(client, make_moderator())
    assert not page(client, "/moderation/reports").xpath('//nav[@aria-label="Administration"]')


# -- breadcrumbs: one component, a trail that makes sense -------------------------------------

def test_a_question_trail_runs_forum_questions_category_question(member_client, accepted_question):
    doc = page(member_client, f"/questions/{accepted_question.id}")
    assert trail(doc) == ["Forum", "Questions", "Workplace culture", "How did you word it?"]
    hrefs = [a.get("href") for a in doc.xpath('//nav[@aria-label="Breadcrumb"]//a')]
    assert hrefs == ["/forum", "/questions", f"/questions?category={accepted_question.category_id}"]


def test_question_pages_below_the_question_keep_the_same_trail(app, member_client,
                                                              accepted_question):
    asker = app.test_client()
    login(asker, accepted_question.author)
    doc = page(asker, f"/threads/{accepted_question.id}/tags")
    assert trail(doc) == ["Forum", "Questions", "Workplace culture", "How did you word it?",
                          "Tags"]
    assert trail(page(member_client, "/questions")) == ["Forum", "Questions"]
    assert trail(page(member_client, "/questions/ask")) == ["Forum", "Questions",
                                                            "Ask a question"]


def test_discussion_trails_run_forum_category_thread(member_client, member):
    category = make_category(name="Data and reporting")
    thread = make_thread(author=member, category=category, title="Pay gap reporting", replies=1)
    assert trail(page(member_client, f"/categories/{category.id}")) == [
        "Forum", "Data and reporting"]
    assert trail(page(member_client, f"/threads/{thread.id}")) == [
        "Forum", "Data and reporting", "Pay gap reporting"]
    assert trail(page(member_client, f"/threads/{thread.id}/reply")) == [
        "Forum", "Data and reporting", "Pay gap reporting", "Reply"]
    assert trail(page(member_client, f"/categories/{category.id}/new")) == [
        "Forum", "Data and reporting", "Start a discussion"]


def test_library_collection_tag_and_profile_trails(member_client, member):
    resource = make_resource(title="Model policy")
    assert trail(page(member_client, f"/resources/{resource.id}")) == ["Library", "Model policy"]
    assert trail(page(member_client, "/resources/new")) == ["Library", "Share a resource"]
    assert trail(page(member_client, "/tags")) == ["Forum", "Tags"]
    assert trail(page(member_client, "/tags/policy")) == ["Forum", "Tags", "“policy”"]
    assert trail(page(member_client, f"/members/{member.id}")) == ["Members", "Fiona Member"]


def test_every_breadcrumb_comes_from_the_one_macro():
    """No template writes its own trail: only _macros/breadcrumbs.html says Breadcrumb."""
    writers = [str(path) for path in Path("templates").rglob("*.html")
               if 'aria-label="Breadcrumb"' in path.read_text(encoding="utf-8")]
    assert writers == ["templates/_macros/breadcrumbs.html"]


# -- badges and tag pills: the same words and class on every page -----------------------------

def test_accepted_answers_carry_one_badge_everywhere(member_client, accepted_question):
    pages = {
        "list": page(member_client, "/questions"),
        "question": page(member_client, f"/questions/{accepted_question.id}"),
        "category": page(member_client, f"/categories/{accepted_question.category_id}"),
        "tag": page(member_client, "/tags/policy"),
    }
    for name, doc in pages.items():
        badges = doc.xpath('//*[contains(concat(" ", @class, " "), " badge-accepted ")]')
        assert badges, name
        for badge in badges:
            assert badge.tag == "span" and badge.get("class") == "badge badge-accepted", name
            assert text(badge) == "✓ Accepted answer", name
        source = lxml_html.tostring(doc, encoding="unicode")
        assert "Answer accepted" not in source and "accepted-badge" not in source, name
        assert "tag-accepted" not in source, name
    # The question page marks the answer itself too, inside the accepted answer's article.
    assert pages["question"].xpath('//article[contains(@class, "qa-accepted")]'
                                   '/span[@class="badge badge-accepted"]')


def test_pinned_and_locked_use_the_badge_on_lists_and_pages(member_client, member):
    from forum.discussions import services as discussions
    thread = make_thread(author=member, title="Pinned one")
    discussions.set_thread_flags(make_moderator(), thread, pinned=True, locked=True)
    for path in [f"/threads/{thread.id}", f"/categories/{thread.category_id}"]:
        doc = page(member_client, path)
        assert [text(b) for b in doc.xpath('//span[@class="badge badge-pinned"]')] == ["Pinned"]
        assert [text(b) for b in doc.xpath('//span[@class="badge badge-locked"]')] == ["Locked"]


def test_tag_pills_are_the_same_component_on_every_page(member_client, member, accepted_question):
    thread = make_thread(author=member, title="Tagged discussion")
    login(member_client, member)
    member_client.post(f"/threads/{thread.id}/tags", data={"tags": "policy"})
    resource = make_resource(title="Tagged resource", tags="policy")
    for path, href in [(f"/threads/{thread.id}", "/tags/policy"),
                       (f"/questions/{accepted_question.id}", "/tags/policy"),
                       ("/questions", "/tags/policy"), ("/tags", "/tags/policy"),
                       (f"/resources/{resource.id}", "/resources?tag=policy"),
                       ("/resources", "/resources?tag=policy")]:
        doc = page(member_client, path)
        pills = doc.xpath('//a[@class="tag-pill"][normalize-space()="policy"]')
        assert pills, path
        assert {pill.get("href") for pill in pills} == {href}, path
        assert not doc.xpath('//a[contains(@class, "tag-link")]'), path


def test_no_template_hand_writes_a_badge_or_a_tag_pill():
    """Badges and pills come from _macros/badges.html (moderation pages are another
    engineer's and keep the old class until they move)."""
    offenders = []
    for path in Path("templates").rglob("*.html"):
        if path.parts[1] in ("moderation", "meetings") or path.name == "badges.html":
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r'class="(tag|badge)[ "]|accepted-badge|class="tag-pill"', source):
            offenders.append(str(path))
    assert offenders == []


# -- filter bars: one macro on Questions, the library and search -------------------------------

@pytest.mark.parametrize("path", ["/questions", "/resources", "/search?q=policy"])
def test_filter_bars_are_one_component(member_client, path):
    make_resource(title="Model policy")
    run_jobs()  # indexed, so search shows results and its filters
    doc = page(member_client, path)
    bars = doc.xpath('//form[contains(concat(" ", @class, " "), " filter-bar ")]')
    assert len(bars) == 1, path
    bar = bars[0]
    assert bar.get("method") == "get" and bar.get("aria-label")
    fields = bar.xpath('.//div[contains(@class, "filter-bar-field")]')
    assert fields, path
    for field in fields:
        control = field.xpath(".//select|.//input[not(@type='hidden')]")[0]
        assert field.xpath(f'.//label[@for="{control.get("id")}"]'), (path, control.get("id"))
    buttons = bar.xpath('./div[@class="filter-bar-actions"]/button[@type="submit"]')
    assert [text(b) for b in buttons] == ["Apply filters"]
    assert not doc.xpath('//form[contains(@class, "filter-form") or @class="filters"]')


# -- meta lines: "0 downloads · version 2", never "0 downloads· version 2" ---------------------

def test_library_meta_line_separates_its_facts(member_client, member):
    from forum.resources import services as resources
    resource = make_resource(author=member, title="Survey template")
    resources.add_version(member, resource, upload("survey.pdf", files.pdf("Second")))
    for path in ["/resources", f"/resources/{resource.id}"]:
        doc = page(member_client, path)
        line = doc.xpath('//p[contains(@class, "meta-line")]')[0]
        items = [text(item) for item in line.xpath('./span[@class="meta-item"]')]
        assert items[-2:] == ["0 downloads", "version 2"], path
        assert "0 downloads · version 2" in text(line), path


# -- the reply form names its parts once each ------------------------------------------------

def test_reply_form_heading_label_and_button_differ(member_client, member):
    thread = make_thread(author=member)
    doc = page(member_client, f"/threads/{thread.id}")
    panel = doc.xpath('//section[@aria-labelledby="reply-heading"]')[0]
    heading = text(panel.xpath(".//h2")[0])
    label = text(panel.xpath('.//label[@for="body"]')[0])
    button = text(panel.xpath('.//button[@type="submit"]')[0])
    assert (heading, label, button) == ("Join the discussion", "Your reply", "Post reply")
    standalone = page(member_client, f"/threads/{thread.id}/reply")
    assert text(standalone.xpath('//label[@for="body"]')[0]) == "Your reply"


# -- the editor toolbar: one component, one row -----------------------------------------------

def test_every_editor_uses_the_one_toolbar(client):
    login(client, make_moderator())
    for path in ["/collections/new", "/questions/ask", "/resources/new"]:
        doc = page(client, path)
        toolbar = doc.xpath('//div[@role="toolbar"][@aria-label="Formatting"]')[0]
        scroller = toolbar.xpath('./div[@class="editor-formats"]')
        assert len(scroller) == 1, path
        assert [b.get("aria-label") for b in scroller[0].xpath("./button")] == [
            "Bold", "Italic", "Heading", "Link", "Bulleted list", "Numbered list", "Quote"]
        assert toolbar.xpath('./button[@data-preview][normalize-space()="Preview"]'), path


# -- the favicon ----------------------------------------------------------------------------------

def test_every_page_links_a_favicon_that_is_served(client, member):
    for path in ["/", "/login"]:
        doc = page(client, path)
        icons = {link.get("type"): link.get("href") for link in doc.xpath('//link[@rel="icon"]')}
        assert set(icons) == {"image/svg+xml", "image/png"}, path
    with client.get(icons["image/svg+xml"]) as svg:
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        assert b"<svg" in svg.data
    with client.get(icons["image/png"]) as png:
        assert png.status_code == 200 and png.mimetype == "image/png"
        assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    touch = doc.xpath('//link[@rel="apple-touch-icon"]')[0].get("href")
    with client.get(touch) as response:
        assert response.status_code == 200 and response.mimetype == "image/png"


# -- category positions shown from 1 -------------------------------------------------------------

def test_admins_see_and_type_category_positions_from_one(client):
    login(client, make_admin())
    first = make_category(name="First", position=0)
    make_category(name="Second", position=1)
    doc = page(client, "/admin/categories")
    rows = [(text(tr.xpath("./td")[0]), text(tr.xpath("./th")[0]))
            for tr in doc.xpath("//table//tbody/tr")]
    assert rows == [("1", "First"), ("2", "Second")]
    form = page(client, f"/admin/categories/{first.id}")
    assert form.xpath('//input[@name="position"]')[0].get("value") == "1"
    response = client.post(f"/admin/categories/{first.id}", data={
        "name": "First", "description": "", "position": "3"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Category, first.id).position == 2  # stored from 0, as before
    refused = client.post(f"/admin/categories/{first.id}", data={
        "name": "First", "description": "", "position": "0"})
    assert refused.status_code == 422
    assert "Position must be between 1 and 1000." in refused.get_data(as_text=True)
