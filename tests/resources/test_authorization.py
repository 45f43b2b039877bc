"""Nobody downloads a file they may not see: not the public, not suspended members, not
members guessing ids, and nobody at all once a resource is deleted."""
import pytest

from forum.database import utcnow
from forum.discussions import services as discussions
from forum.extensions import db
from forum.resources import services
from forum.discussions.models import Attachment

from ..factories import login, make_member, make_moderator, make_thread
from . import files
from .helpers import make_resource, upload

SECRET = b"Confidential case notes about a named colleague"


@pytest.fixture
def shared(app, member, category):
    """A resource and an attachment (a PNG, so it has an inline URL too)."""
    resource = make_resource(author=member, category=category, name="notes.txt", data=SECRET)
    thread = make_thread(author=member, category=category)
    post = discussions.reply(member, thread, body="See attached",
                             attachments=[upload("notes.txt", SECRET + b" (post)"),
                                          upload("photo.png", files.png())])
    text, image = post.attachments
    return {"resource": resource, "post": post, "thread": thread,
            "urls": [f"/resources/{resource.id}", f"/resources/{resource.id}/download",
                     f"/resources/{resource.id}/versions/1/download",
                     f"/attachments/{text.id}/download", f"/attachments/{image.id}/image",
                     f"/attachments/{image.id}/download"]}


def assert_refused(response, statuses=(302, 403, 404)):
    assert response.status_code in statuses, response.status_code
    assert SECRET not in response.data and b"\x89PNG" not in response.data


def test_the_public_is_sent_to_log_in(client, shared):
    for url in shared["urls"] + ["/resources", "/resources/new"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert_refused(response)


def test_a_member_suspended_mid_session_loses_access(client, shared):
    member = make_member()
    login(client, member)
    assert client.get(shared["urls"][1]).status_code == 200
    member.status = "suspended"
    db.session.commit()
    for url in shared["urls"]:
        assert_refused(client.get(url))


def test_a_suspended_member_cannot_log_in(client, shared):
    from ..factories import PASSWORD
    suspended = make_member(status="suspended")
    response = client.post("/login", data={"email": suspended.email, "password": PASSWORD})
    assert response.status_code != 302
    for url in shared["urls"]:
        assert_refused(client.get(url))


def test_members_download_what_they_can_see(member_client, shared):
    for url in shared["urls"]:
        assert member_client.get(url).status_code == 200


def test_guessing_ids_that_do_not_exist_gives_404(member_client, shared):
    resource_id = shared["resource"].id
    for url in (f"/resources/{resource_id + 100}", f"/resources/{resource_id + 100}/download",
                f"/resources/{resource_id}/versions/2/download",
                f"/resources/{resource_id}/versions/0/download", "/attachments/999/download",
                "/attachments/999/image"):
        assert member_client.get(url).status_code == 404


def test_nobody_downloads_a_deleted_resource(client, shared, member):
    services.delete_resource(member, shared["resource"])
    resource_id = shared["resource"].id
    for user in (member, make_member(), make_moderator()):
        login(client, user)
        for url in (f"/resources/{resource_id}/download",
                    f"/resources/{resource_id}/versions/1/download"):
            assert_refused(client.get(url), statuses=(404,))
        client.post("/logout")


def test_only_staff_open_a_deleted_resource_record(client, shared, member):
    services.delete_resource(member, shared["resource"])
    url = f"/resources/{shared['resource'].id}"
    login(client, member)
    assert client.get(url).status_code == 404
    assert client.get(url + "/edit").status_code == 404
    client.post("/logout")
    login(client, make_moderator())
    assert client.get(url).status_code == 200


def test_attachments_of_a_deleted_post_are_hidden_from_members(client, shared, member):
    discussions.delete_post(member, shared["post"])
    attachment_urls = [u for u in shared["urls"] if u.startswith("/attachments/")]
    login(client, make_member())
    for url in attachment_urls:
        assert_refused(client.get(url), statuses=(404,))
    client.post("/logout")
    login(client, make_moderator())  # moderators can still check what was posted
    for url in attachment_urls:
        assert client.get(url).status_code == 200


def test_attachments_in_a_deleted_thread_are_hidden_from_members(client, shared):
    shared["thread"].deleted_at = utcnow()
    db.session.commit()
    login(client, make_member())
    for url in [u for u in shared["urls"] if u.startswith("/attachments/")]:
        assert_refused(client.get(url), statuses=(404,))


def test_removing_someone_elses_attachment_is_refused(client, shared):
    attachment = db.session.scalar(db.select(Attachment))
    login(client, make_member())
    assert client.get(f"/attachments/{attachment.id}/delete").status_code == 403
    assert client.post(f"/attachments/{attachment.id}/delete").status_code == 403
    assert db.session.get(Attachment, attachment.id) is not None


def test_jobs_page_is_for_admins_only(client, app):
    from ..factories import make_admin
    login(client, make_moderator())
    assert client.get("/admin/jobs").status_code == 403
    client.post("/logout")
    login(client, make_admin())
    assert client.get("/admin/jobs").status_code == 200
