"""Library and attachment rules, tested without HTTP."""
import pytest
from werkzeug.exceptions import Forbidden, NotFound

from forum.discussions import services as discussions
from forum.extensions import db
from forum.resources import services
from forum.discussions.models import Attachment
from forum.files.models import StoredFile
from forum.resources.models import Resource, ResourceVersion
from forum.files.storage import get_storage
from forum.validation import DomainError

from ..factories import make_category, make_member, make_moderator, make_thread
from . import files
from .helpers import make_resource, run_jobs, upload


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_sharing_a_file_records_who_and_which_organisation(app, member, category):
    resource = make_resource(author=member, category=category, title="Survey template",
                             tags="Survey, template, survey")
    assert resource.author == member
    assert resource.organisation_id == member.organisation_id
    assert resource.kind == "pdf" and resource.version_count == 1
    assert resource.tag_names == ["survey", "template"]
    version = resource.versions[0]
    assert version.number == 1 and version.uploader == member
    assert version.filename == "policy.pdf"


def test_sharing_opens_a_discussion_thread_linking_back(app, member, category):
    resource = make_resource(author=member, category=category, title="Survey template")
    thread = resource.thread
    assert thread.title == "Survey template" and thread.category == category
    first = discussions.thread_page(thread, 1)[0]
    assert f"/resources/{resource.id}" in first.body_html
    assert category.thread_count == 1


def test_sharing_a_link(app, member, category):
    resource = make_resource(author=member, category=category, url="https://example.org/guide")
    assert resource.is_link and resource.kind == "link" and resource.versions == []


@pytest.mark.parametrize("with_file,url", [(False, None), (True, "https://example.org")])
def test_a_resource_needs_a_file_or_a_link_not_both(app, member, category, with_file, url):
    the_upload = upload("a.pdf", files.pdf("x")) if with_file else None
    with pytest.raises(DomainError, match="file to upload or give a link"):
        services.share_resource(member, title="T", description="d", category=category,
                                upload=the_upload, url=url)
    assert count(Resource) == 0


@pytest.mark.parametrize("tags,message", [
    ("<script>", "letters, numbers, spaces and hyphens"),
    (",".join(f"t{n}" for n in range(11)), "up to 10 tags"),
])
def test_bad_tags_are_refused(app, tags, message):
    with pytest.raises(DomainError, match=message):
        services.clean_tags(tags)


def test_suspended_member_cannot_share(app, category):
    suspended = make_member(status="suspended")
    with pytest.raises((Forbidden, NotFound)):
        make_resource(author=suspended, category=category)


def test_identical_content_is_stored_once(app, member, category):
    data = files.pdf("Same file")
    first = make_resource(author=member, category=category, title="One", data=data)
    second = make_resource(author=member, category=category, title="Two", data=data)
    assert count(StoredFile) == 1
    assert first.versions[0].stored_file_id == second.versions[0].stored_file_id
    stored_files = [p for p in (get_storage().root).rglob("*") if p.is_file()
                    and ".tmp" not in p.parts]
    assert len(stored_files) == 1


def test_new_version_keeps_the_history(app, member, category):
    resource = make_resource(author=member, category=category)
    version = services.add_version(member, resource, upload("policy-v2.docx",
                                                            files.docx("Version two")),
                                   note="Updated for 2025")
    assert version.number == 2 and version.note == "Updated for 2025"
    assert resource.version_count == 2 and resource.kind == "docx"
    assert [v.number for v in services.versions(resource)] == [2, 1]
    assert services.version_of(resource, None) == version
    assert services.version_of(resource, 1).filename == "policy.pdf"


def test_links_have_no_versions(app, member, category):
    resource = make_resource(author=member, category=category, url="https://example.org")
    with pytest.raises(DomainError, match="A link has no file versions"):
        services.add_version(member, resource, upload("a.pdf", files.pdf("x")))


def test_only_owner_or_staff_may_edit(app, member, category):
    resource = make_resource(author=member, category=category)
    with pytest.raises(Forbidden):
        services.update_resource(make_member(), resource, title="Hijacked", description="x",
                                 category=category)
    moderator = make_moderator()
    services.update_resource(moderator, resource, title="Tidied title", description="Better",
                             category=category, tags="guidance")
    assert resource.title == "Tidied title" and resource.tag_names == ["guidance"]
    assert "<p>Better</p>" in resource.description_html


def test_deleting_a_resource_removes_its_files_once_nothing_uses_them(app, member, category):
    resource = make_resource(author=member, category=category, data=files.pdf("v1"))
    services.add_version(member, resource, upload("v2.pdf", files.pdf("v2")))
    keys = [v.stored_file.sha256 for v in resource.versions]
    run_jobs()
    services.delete_resource(member, resource)
    assert resource.is_deleted and resource.deleted_by_id == member.id
    assert count(StoredFile) == 0
    assert all(v.stored_file_id is None for v in resource.versions)
    assert all(get_storage().exists(key) for key in keys)  # until the job runs
    run_jobs()
    assert not any(get_storage().exists(key) for key in keys)
    assert db.session.get(Resource, resource.id) is not None  # soft delete: the record stays


def test_shared_content_survives_deleting_one_user_of_it(app, member, category):
    data = files.pdf("Shared")
    first = make_resource(author=member, category=category, title="First", data=data)
    second = make_resource(author=member, category=category, title="Second", data=data)
    key = first.versions[0].stored_file.sha256
    services.delete_resource(member, first)
    run_jobs()
    assert get_storage().exists(key)
    assert second.versions[0].stored_file is not None


def test_a_reupload_after_release_is_not_deleted_by_the_old_job(app, member, category):
    data = files.pdf("Back again")
    first = make_resource(author=member, category=category, title="First", data=data)
    key = first.versions[0].stored_file.sha256
    services.delete_resource(member, first)  # queues removal of the file
    make_resource(author=member, category=category, title="Again", data=data)
    run_jobs()
    assert get_storage().exists(key)


def test_attachments_are_added_with_the_post(app, member):
    thread = make_thread(author=member)
    post = discussions.reply(member, thread, body="Files attached",
                             attachments=[upload("a.pdf", files.pdf("a")),
                                          upload("b.png", files.png())])
    assert [a.filename for a in post.attachments] == ["a.pdf", "b.png"]
    assert [a.position for a in post.attachments] == [0, 1]
    assert post.attachments[1].is_image


def test_starting_a_thread_with_attachments(app, member):
    category = make_category()
    thread = discussions.start_thread(member, category, title="With a file", body="See file",
                                      attachments=[upload("notes.txt", b"plain notes")])
    first = discussions.thread_page(thread, 1)[0]
    assert first.attachments[0].filename == "notes.txt"


def test_removing_an_attachment_releases_the_file(app, member):
    thread = make_thread(author=member)
    post = discussions.reply(member, thread, body="x",
                             attachments=[upload("a.pdf", files.pdf("gone soon"))])
    attachment = post.attachments[0]
    key = attachment.stored_file.sha256
    with pytest.raises(Forbidden):
        discussions.delete_attachment(make_member(), attachment)
    discussions.delete_attachment(member, attachment)
    run_jobs()
    assert count(Attachment) == 0 and count(StoredFile) == 0
    assert not get_storage().exists(key)


def test_downloads_are_counted_per_version_and_per_resource(app, member, category):
    resource = make_resource(author=member, category=category)
    version = resource.versions[0]
    services.record_download(version)
    services.record_download(version)
    db.session.refresh(resource)
    db.session.refresh(version)
    assert version.download_count == 2 and resource.download_count == 2


def test_library_filters_and_sorts(app, category):
    fiona, raj = make_member(), make_member()
    other = make_category(name="Data")
    policy = make_resource(author=fiona, category=category, title="Policy", tags="policy")
    sheet = make_resource(author=raj, category=other, title="Survey data", name="data.xlsx",
                          data=files.xlsx([["a"]]), tags="survey")
    link = make_resource(author=raj, category=other, title="Guide", url="https://example.org")
    gone = make_resource(author=raj, category=other, title="Deleted")
    services.delete_resource(raj, gone)
    services.record_download(sheet.versions[0])

    def titles(**filters):
        resources, total, _ = services.library_page(fiona, services.LibraryQuery(**filters))
        assert total == len(resources)
        return [r.title for r in resources]

    assert titles() == ["Guide", "Survey data", "Policy"]
    assert titles(sort="downloads")[0] == "Survey data"
    assert titles(group="pdf") == ["Policy"]
    assert titles(group="spreadsheet") == ["Survey data"]
    assert titles(group="link") == ["Guide"]
    assert titles(tag="survey") == ["Survey data"]
    assert titles(category_id=category.id) == ["Policy"]
    assert titles(organisation_id=fiona.organisation_id) == ["Policy"]
    choices = services.library_choices(fiona)
    assert choices["tags"] == ["policy", "survey"]
    assert {name for _, name in choices["organisations"]} == {
        fiona.organisation.name, raj.organisation.name}
    assert policy.id and link.id


def test_version_numbers_are_unique(app, member, category):
    resource = make_resource(author=member, category=category)
    for n in range(3):
        services.add_version(member, resource, upload(f"v{n}.txt", f"version {n}".encode()))
    numbers = db.session.scalars(db.select(ResourceVersion.number)
                                 .where(ResourceVersion.resource_id == resource.id)).all()
    assert sorted(numbers) == [1, 2, 3, 4]


def test_the_same_new_file_uploaded_twice_at_once_is_stored_once(app):
    import threading

    from forum.jobs.models import Job
    data = files.pdf("Uploaded by two people at the same moment")
    uploads = [upload("a.pdf", data), upload("b.pdf", data)]
    barrier, errors = threading.Barrier(2), []

    def store(the_upload):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                services.store_upload(the_upload)
                db.session.commit()
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=store, args=(u,)) for u in uploads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert count(StoredFile) == 1
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 1
