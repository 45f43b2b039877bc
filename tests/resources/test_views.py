"""The library, resource pages and downloads through real HTTP requests."""
import re

import pytest

from forum.discussions.models import Post
from forum.extensions import db
from forum.discussions.models import Attachment
from forum.files.models import StoredFile
from forum.resources.models import Resource
from forum.files.storage import get_storage

from ..factories import login, make_member, make_moderator, make_thread
from . import files
from .helpers import form_file, make_resource, run_jobs, upload


def share(client, category, *, title="Model harassment policy", file=None, url="", tags="",
          description="Our template, adapted from ACAS guidance.", **extra):
    data = {"title": title, "description": description, "category": category.id,
            "tags": tags, "url": url, **extra}
    if file is not None:
        data["file"] = form_file(*file)
    return client.post("/resources/new", data=data, content_type="multipart/form-data")


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def stored_keys(app) -> list:
    return [p.name for p in get_storage().root.rglob("*") if p.is_file() and ".tmp" not in p.parts]


# -- sharing --------------------------------------------------------------------------------

def test_member_shares_a_pdf_and_sees_its_page(member_client, member, category):
    assert member_client.get("/resources/new").status_code == 200
    response = share(member_client, category, file=("policy.pdf", files.pdf("Policy text")),
                     tags="policy, template")
    assert response.status_code == 302
    page = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Model harassment policy" in page
    assert member.display_name in page and member.organisation.name in page
    assert "Our template, adapted from ACAS guidance." in page
    assert "policy.pdf" in page and "Download" in page
    assert "Versions" in page and "Discussion" in page
    assert 'href="/resources?tag=template"' in page


def test_sharing_a_link(member_client, category):
    response = share(member_client, category, url="https://www.example.org/guidance")
    assert response.status_code == 302
    page = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'href="https://www.example.org/guidance"' in page and "Open the link" in page
    assert 'rel="nofollow noopener noreferrer ugc"' in page


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x",
                                 "data:text/html,hi"])
def test_only_web_links_are_accepted(member_client, category, url):
    response = share(member_client, category, url=url)
    assert response.status_code == 422 and count(Resource) == 0


HOSTILE_UPLOADS = [
    ("invoice.pdf", files.HTML, "not a type of file we accept"),
    ("logo.svg", files.SVG, "not a type of file we accept"),
    ("logo.png", files.SVG, "not a type of file we accept"),
    ("report.pdf", files.executable(), "not a type of file we accept"),
    ("policy.docx", files.zip_bomb_docx(), "expands to far more data"),
    ("empty.pdf", b"", "is empty"),
    ("bomb.png", files.png_bomb(), "too many pixels"),
]


@pytest.mark.parametrize("name,data,message", HOSTILE_UPLOADS,
                         ids=[h[0] for h in HOSTILE_UPLOADS])
def test_hostile_file_gives_a_form_error_and_writes_nothing(app, member_client, category, name,
                                                            data, message):
    response = share(member_client, category, file=(name, data))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert 'href="#file"' in page  # the error summary links to the file field
    assert count(Resource) == 0 and count(StoredFile) == 0
    assert stored_keys(app) == []


def test_oversized_file_is_refused_with_the_limit(app, member_client, category):
    app.config["MAX_UPLOAD_MB"] = 1
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    response = share(member_client, category, file=("big.txt", b"a" * (1024 * 1024 + 10)))
    assert response.status_code == 422
    assert "larger than 1 MB" in response.get_data(as_text=True)
    assert count(Resource) == 0


def test_body_over_the_request_limit_gets_the_413_page_with_the_limit(app, member_client,
                                                                       category):
    app.config["MAX_UPLOAD_MB"] = 1
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    response = share(member_client, category, file=("huge.txt", b"a" * (3 * 1024 * 1024)))
    assert response.status_code == 413
    assert "1 MB" in response.get_data(as_text=True)


def test_form_errors_do_not_lose_the_other_fields(member_client, category):
    response = share(member_client, category, title="", file=("policy.pdf", files.pdf("x")))
    assert response.status_code == 422
    assert "Enter a title." in response.get_data(as_text=True)
    assert count(Resource) == 0


@pytest.mark.parametrize("raw,shown", [
    ("../../etc/policy.txt", "policy.txt"),
    ("nul\x00byte.txt", "nul byte.txt"),
    ("rtl\u202efdp.txt", "rtlfdp.txt"),
    ("x" * 300 + ".txt", "x" * 146 + ".txt"),
])
def test_hostile_names_are_cleaned_for_display_and_download(member_client, category, raw,
                                                            shown):
    response = share(member_client, category, file=(raw, b"plain text"))
    assert response.status_code == 302
    resource = db.session.scalar(db.select(Resource))
    assert resource.versions[0].filename == shown
    download = member_client.get(f"/resources/{resource.id}/download")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition and "\x00" not in disposition and "\u202e" not in disposition


# -- downloads ------------------------------------------------------------------------------

def test_download_is_an_attachment_with_safe_headers(member_client, member, category):
    data = files.pdf("Download me")
    resource = make_resource(author=member, category=category, data=data)
    response = member_client.get(f"/resources/{resource.id}/download")
    assert response.status_code == 200
    assert response.data == files.as_stored(data)
    assert response.headers["Content-Disposition"] == "attachment; filename=policy.pdf"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    # Private files are never kept by a browser or proxy cache (issue 18, item 13).
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("name,data", [("notes.txt", files.HTML.replace(b"<!DOCTYPE", b"x <!D")),
                                       ("data.csv", b"=cmd|' /C calc'!A0,<script>\n")])
def test_text_files_are_never_served_inline(member_client, member, category, name, data):
    resource = make_resource(author=member, category=category, name=name, data=data)
    response = member_client.get(f"/resources/{resource.id}/download")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert member_client.get(f"/resources/{resource.id}/versions/1/image").status_code == 404


def test_range_and_conditional_requests(member_client, member, category):
    resource = make_resource(author=member, category=category, data=files.pdf("Ranges work"))
    data = files.as_stored(files.pdf("Ranges work"))
    url = f"/resources/{resource.id}/download"
    first = member_client.get(url, headers={"Range": "bytes=0-9"})
    assert first.status_code == 206 and first.data == data[:10]
    assert first.headers["Content-Range"] == f"bytes 0-9/{len(data)}"
    rest = member_client.get(url, headers={"Range": "bytes=10-"})
    assert rest.status_code == 206 and rest.data == data[10:]
    etag = first.headers["ETag"]
    assert member_client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # The start of a download counts once; its continuation and revalidation do not.
    db.session.refresh(resource)
    assert resource.download_count == 1
    assert member_client.get(url).status_code == 200
    db.session.refresh(resource)
    assert resource.download_count == 2


def test_new_version_and_both_downloads(member_client, member, category):
    first, second = files.pdf("Version one"), files.docx("Version two")
    resource = make_resource(author=member, category=category, data=first)
    assert member_client.get(f"/resources/{resource.id}/versions/new").status_code == 200
    response = member_client.post(
        f"/resources/{resource.id}/versions/new",
        data={"file": form_file("policy-2025.docx", second), "note": "Updated for 2025"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = member_client.get(f"/resources/{resource.id}").get_data(as_text=True)
    assert "policy-2025.docx" in page and "Updated for 2025" in page and "2 (latest)" in page
    first, second = files.as_stored(first), files.as_stored(second, "policy-2025.docx")
    assert member_client.get(f"/resources/{resource.id}/versions/1/download").data == first
    assert member_client.get(f"/resources/{resource.id}/versions/2/download").data == second
    assert member_client.get(f"/resources/{resource.id}/download").data == second
    assert member_client.get(f"/resources/{resource.id}/versions/3/download").status_code == 404


def test_new_version_needs_a_file(member_client, member, category):
    resource = make_resource(author=member, category=category)
    response = member_client.post(f"/resources/{resource.id}/versions/new", data={},
                                  content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose the file to upload." in response.get_data(as_text=True)


# -- editing and deleting -------------------------------------------------------------------

def test_owner_edits_details(member_client, member, category):
    resource = make_resource(author=member, category=category)
    assert member_client.get(f"/resources/{resource.id}/edit").status_code == 200
    response = member_client.post(f"/resources/{resource.id}/edit", data={
        "title": "Renamed policy", "description": "New *words*", "category": category.id,
        "tags": "renamed"})
    assert response.status_code == 302
    db.session.refresh(resource)
    assert resource.title == "Renamed policy" and resource.tag_names == ["renamed"]


def test_another_member_cannot_edit_or_delete(client, member, category):
    resource = make_resource(author=member, category=category)
    login(client, make_member())
    for path in ("edit", "delete", "versions/new"):
        assert client.get(f"/resources/{resource.id}/{path}").status_code == 403
    assert client.post(f"/resources/{resource.id}/delete").status_code == 403
    page = client.get(f"/resources/{resource.id}").get_data(as_text=True)
    assert "Edit details" not in page and "Upload a new version" not in page


def test_owner_deletes_and_it_leaves_the_library(app, member_client, member, category):
    resource = make_resource(author=member, category=category, title="Short-lived")
    assert member_client.get(f"/resources/{resource.id}/delete").status_code == 200
    response = member_client.post(f"/resources/{resource.id}/delete")
    assert response.status_code == 302
    library = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Short-lived” was removed from the library." in library
    assert f'href="/resources/{resource.id}"' not in library
    assert member_client.get(f"/resources/{resource.id}").status_code == 404
    run_jobs()
    assert stored_keys(app) == []


def test_moderator_sees_a_deleted_resource_record_but_no_file(client, member, category):
    resource = make_resource(author=member, category=category, title="Removed policy")
    moderator = make_moderator()
    login(client, moderator)
    assert client.post(f"/resources/{resource.id}/delete").status_code == 302
    page = client.get(f"/resources/{resource.id}").get_data(as_text=True)
    assert "This resource was deleted" in page
    assert client.get(f"/resources/{resource.id}/download").status_code == 404


# -- the library ----------------------------------------------------------------------------

def test_library_filters_by_query_string(member_client, member, category):
    make_resource(author=member, category=category, title="A PDF policy", tags="policy")
    make_resource(author=member, category=category, title="A spreadsheet", name="s.xlsx",
                  data=files.xlsx([["x"]]), tags="data")
    page = member_client.get("/resources?type=spreadsheet").get_data(as_text=True)
    assert "A spreadsheet" in page and "A PDF policy" not in page
    page = member_client.get("/resources?tag=policy").get_data(as_text=True)
    assert "A PDF policy" in page and "A spreadsheet" not in page
    assert "match your filters" in page and "Clear filters" in page
    page = member_client.get("/resources?type=nonsense&category=x&sort=evil").get_data(
        as_text=True)
    assert "A PDF policy" in page and "A spreadsheet" in page
    assert member_client.get("/resources?page=9").status_code == 404


def test_library_shows_download_counts(member_client, member, category):
    resource = make_resource(author=member, category=category, title="Popular")
    member_client.get(f"/resources/{resource.id}/download")
    assert "1 download" in member_client.get("/resources").get_data(as_text=True)


def test_library_pages_keep_their_filters(app, member_client, member, category):
    app.config["RESOURCES_PER_PAGE"] = 2
    for n in range(5):
        make_resource(author=member, category=category, title=f"Policy {n}", tags="policy")
    page = member_client.get("/resources?tag=policy&sort=downloads").get_data(as_text=True)
    assert re.search(r'href="/resources\?[^"]*page=2[^"]*"', page)
    assert "tag=policy" in re.search(r'href="(/resources\?[^"]*page=2[^"]*)"', page).group(1)


def test_library_is_in_the_main_navigation(member_client):
    page = member_client.get("/forum").get_data(as_text=True)
    assert 'href="/resources">Library</a>' in page


# -- attachments ----------------------------------------------------------------------------

def reply(client, thread, body="Here are the files", attachments=()):
    return client.post(f"/threads/{thread.id}/reply", data={
        "body": body, "attachments": [form_file(n, d) for n, d in attachments]},
        content_type="multipart/form-data")


def test_reply_with_several_files(member_client, member):
    thread = make_thread(author=member)
    response = reply(member_client, thread, attachments=[("policy.pdf", files.pdf("x")),
                                                          ("chart.png", files.png())])
    assert response.status_code == 302
    page = member_client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "policy.pdf" in page and "(PDF," in page
    assert "chart.png" in page and "(PNG image," in page
    image = db.session.scalar(db.select(Attachment).where(Attachment.kind == "png"))
    assert f'src="/attachments/{image.id}/image"' in page
    assert 'enctype="multipart/form-data"' in page


def test_new_thread_with_a_file(member_client, category):
    response = member_client.post(f"/categories/{category.id}/new", data={
        "title": "Our menopause policy", "body": "Attached.",
        "attachments": [form_file("menopause-policy.docx", files.docx("Menopause"))]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "menopause-policy.docx" in page and "Word document" in page


def test_reply_with_a_hostile_file_writes_nothing(app, member_client, member):
    thread = make_thread(author=member)
    response = reply(member_client, thread, attachments=[("ok.pdf", files.pdf("fine")),
                                                          ("evil.pdf", files.HTML)])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "evil.pdf" in page and 'href="#attachments"' in page
    assert count(Post) == 1 and count(Attachment) == 0 and stored_keys(app) == []


def test_images_are_shown_inline_only_as_reencoded_copies(member_client, member):
    thread = make_thread(author=member)
    original = files.jpeg_with_gps()
    reply(member_client, thread, attachments=[("photo.jpg", original), ("doc.pdf", files.pdf("x"))])
    image, pdf = db.session.scalars(db.select(Attachment).order_by(Attachment.position)).all()
    inline = member_client.get(f"/attachments/{image.id}/image")
    assert inline.status_code == 200 and inline.headers["Content-Type"] == "image/jpeg"
    assert inline.headers["Content-Disposition"].startswith("inline")
    assert inline.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"SecretCam" not in inline.data and inline.data != original
    assert member_client.get(f"/attachments/{pdf.id}/image").status_code == 404
    download = member_client.get(f"/attachments/{pdf.id}/download")
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_attachment_is_removed_by_its_uploader(member_client, member):
    thread = make_thread(author=member)
    reply(member_client, thread, attachments=[("a.pdf", files.pdf("x"))])
    attachment_id = db.session.scalar(db.select(Attachment.id))
    assert member_client.get(f"/attachments/{attachment_id}/delete").status_code == 200
    assert member_client.post(f"/attachments/{attachment_id}/delete").status_code == 302
    assert count(Attachment) == 0
    page = member_client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f"/attachments/{attachment_id}/download" not in page


def test_failed_extraction_is_shown_to_uploader_and_moderators_only(client, member,
                                                                   monkeypatch):
    thread = make_thread(author=member)
    login(client, member)
    reply(client, thread, attachments=[("policy.pdf", files.pdf("Readable"))])
    from forum.files import extraction

    # (A damaged or locked PDF is now refused at upload, issue 18 item 5: make a readable
    # one fail to read instead.)
    monkeypatch.setattr(extraction, "extract", lambda *args, **kwargs: extraction.Extraction(
        False, reason="the reader stopped unexpectedly"))
    run_jobs()
    message = "Text could not be extracted"
    assert message in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    client.post("/logout")
    login(client, make_member())
    assert message not in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    client.post("/logout")
    login(client, make_moderator())
    assert message in client.get(f"/threads/{thread.id}").get_data(as_text=True)


def test_failed_extraction_on_a_resource_page(member_client, member, category):
    resource = make_resource(author=member, category=category, name="xxe.docx",
                             data=files.xxe_docx())
    run_jobs()
    page = member_client.get(f"/resources/{resource.id}").get_data(as_text=True)
    assert "Text could not be extracted" in page and "DTDs or entities" in page


def test_thread_page_query_count_is_constant_with_attachments(app, member_client, member,
                                                              count_queries):
    def thread_with(posts):
        thread = make_thread(author=member)
        for n in range(posts):
            from forum.discussions import services as discussions
            discussions.reply(member, thread, body=f"Post {n}",
                              attachments=[upload(f"f{n}.txt", f"file {n}".encode()),
                                           upload(f"i{n}.png", files.png(color=(n, 9, 9)))])
        return thread

    small, large = thread_with(2), thread_with(12)
    counts = []
    for thread in (small, large):
        member_client.get(f"/threads/{thread.id}")  # warm up
        with count_queries() as statements:
            response = member_client.get(f"/threads/{thread.id}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_resource_page_query_count_is_constant(app, member_client, member, category,
                                               count_queries):
    from forum.discussions import services as discussions
    from forum.resources import services

    def resource_with(versions, replies):
        resource = make_resource(author=member, category=category)
        for n in range(versions):
            services.add_version(member, resource, upload(f"v{n}.txt", f"v{n}".encode()))
        for n in range(replies):
            discussions.reply(make_member(), resource.thread, body=f"Reply {n}")
        return resource

    counts = []
    for resource in (resource_with(1, 1), resource_with(8, 7)):
        with count_queries() as statements:
            assert member_client.get(f"/resources/{resource.id}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_library_query_count_is_constant(app, member_client, category, count_queries):
    counts = []
    for total in (2, 12):
        while db.session.scalar(db.select(db.func.count(Resource.id))) < total:
            make_resource(author=make_member(), category=category, tags="a, b")
        with count_queries() as statements:
            assert member_client.get("/resources").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
