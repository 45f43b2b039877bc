"""Membership rules, called directly (no HTTP)."""
import time

import pytest
from itsdangerous import TimestampSigner

from forum.accounts import services, tokens
from forum.accounts.models import User
from forum.extensions import db
from forum.validation import DomainError

from ..factories import make_member, make_moderator, make_organisation, make_user
from ..mailbox import links_in, text_of


def apply(**overrides):
    values = dict(name="Aileen Smith", email="aileen@council.example", job_role="HR adviser",
                  reason="We are starting our accreditation.", new_organisation="Fife Council",
                  sector="public")
    values.update(overrides)
    return services.apply_to_join(**values)


def test_application_is_pending_with_consent_and_moderators_are_emailed(app, mailbox):
    moderator = make_moderator()
    applicant = apply()
    assert applicant.status == "pending"
    assert applicant.consented_at is not None
    assert applicant.organisation.name == "Fife Council"
    message = mailbox.last_to(moderator.email)
    assert "Aileen Smith" in text_of(message)
    assert "/moderation/applications" in text_of(message)


def test_second_application_from_same_email_updates_instead_of_duplicating(app):
    apply()
    apply(email="AILEEN@council.example", job_role="Policy officer")
    rows = db.session.scalars(db.select(User).where(db.func.lower(User.email) ==
                                                    "aileen@council.example")).all()
    assert len(rows) == 1
    assert rows[0].job_role == "Policy officer"


def test_application_from_existing_member_changes_nothing_and_emails_the_member(app, mailbox):
    member = make_member(email="fiona@council.example", display_name="Fiona")
    assert apply(email="fiona@council.example", name="Someone Else") is None
    db.session.refresh(member)
    assert member.status == "active" and member.display_name == "Fiona"
    assert "already have an account" in text_of(mailbox.last_to("fiona@council.example"))


def test_choosing_an_existing_organisation_reuses_it(app):
    organisation = make_organisation(name="NHS Kingsmuir")
    applicant = apply(new_organisation="", organisation_id=organisation.id)
    assert applicant.organisation_id == organisation.id
    again = apply(email="b@x.example", new_organisation="nhs kingsmuir")
    assert again.organisation_id == organisation.id


def test_approval_activates_and_emails_a_single_use_set_password_link(app, mailbox):
    moderator = make_moderator()
    applicant = apply()
    services.approve_application(moderator, applicant)
    assert applicant.status == "active" and applicant.reviewed_by_id == moderator.id
    link = [l for l in links_in(mailbox.last_to(applicant.email)) if "/password/set/" in l][0]
    token = link.rsplit("/", 1)[1]
    services.set_password_from_token(token, "a long new password", "a long new password")
    assert services.authenticate(applicant.email, "a long new password") == applicant
    with pytest.raises(DomainError, match="already been used"):
        services.set_password_from_token(token, "another password!!", "another password!!")


def test_set_password_link_expires_after_72_hours(app, monkeypatch):
    user = make_member()
    token = tokens.make_token(tokens.SET_PASSWORD, user)
    later = time.time() + 72 * 3600 + 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(later))
    with pytest.raises(DomainError, match="expired"):
        services.set_password_from_token(token, "a long new password", "a long new password")


def test_tampered_token_is_refused(app):
    user = make_member()
    token = tokens.make_token(tokens.SET_PASSWORD, user)
    with pytest.raises(DomainError):
        services.set_password_from_token(token[:-2] + "xx", "a long new password",
                                         "a long new password")


def test_decided_application_cannot_be_decided_again(app):
    moderator = make_moderator()
    applicant = apply()
    services.decline_application(moderator, applicant, "Not an employer in Scotland.")
    with pytest.raises(DomainError):
        services.approve_application(moderator, applicant)


def test_declined_applicant_is_emailed_the_reason_and_may_apply_again(app, mailbox):
    moderator = make_moderator()
    applicant = apply()
    services.decline_application(moderator, applicant, "Please apply with your work email.")
    assert "Please apply with your work email." in text_of(mailbox.last_to(applicant.email))
    again = apply()
    assert again.id == applicant.id and again.status == "pending"


def test_members_cannot_approve(app):
    member = make_member()
    applicant = apply()
    with pytest.raises(Exception) as raised:
        services.approve_application(member, applicant)
    assert getattr(raised.value, "code", None) == 403
    assert applicant.status == "pending"


def test_pending_and_suspended_accounts_cannot_log_in(app):
    pending = make_user(status="pending")
    suspended = make_member(status="suspended")
    with pytest.raises(DomainError, match="not right"):
        services.authenticate(pending.email, "anything at all")
    from ..factories import PASSWORD
    with pytest.raises(DomainError, match="suspended"):
        services.authenticate(suspended.email, PASSWORD)


def test_wrong_password_and_unknown_email_give_the_same_message(app):
    member = make_member()
    with pytest.raises(DomainError) as wrong:
        services.authenticate(member.email, "not the password")
    with pytest.raises(DomainError) as unknown:
        services.authenticate("nobody@example.org", "not the password")
    assert str(wrong.value) == str(unknown.value)


def test_password_rules(app):
    with pytest.raises(DomainError, match="at least 10"):
        services.check_new_password("short", "short")
    with pytest.raises(DomainError, match="do not match"):
        services.check_new_password("long enough one", "long enough two")


def test_invite_creates_active_account_and_refuses_existing_addresses(app, mailbox):
    moderator = make_moderator()
    organisation = make_organisation()
    user = services.invite_member(moderator, email="new@org.example", name="New Person",
                                  organisation_id=organisation.id)
    assert user.status == "active" and user.password_hash is None
    assert any("/password/set/" in l for l in links_in(mailbox.last_to("new@org.example")))
    with pytest.raises(DomainError, match="already has an account"):
        services.invite_member(moderator, email="NEW@org.example", name="Again",
                               organisation_id=organisation.id)


def test_only_admins_invite_moderators(app):
    moderator = make_moderator()
    organisation = make_organisation()
    with pytest.raises(Exception) as raised:
        services.invite_member(moderator, email="boss@org.example", name="Boss",
                               organisation_id=organisation.id, role="admin")
    assert getattr(raised.value, "code", None) == 403


def test_email_change_applies_only_after_confirmation(app, mailbox):
    from ..factories import PASSWORD
    member = make_member(email="old@org.example")
    services.request_email_change(member, "new@org.example", PASSWORD)
    assert member.email == "old@org.example"
    link = links_in(mailbox.last_to("new@org.example"))[0]
    services.confirm_email_change(link.rsplit("/", 1)[1])
    assert member.email == "new@org.example"
    with pytest.raises(DomainError):
        services.confirm_email_change(link.rsplit("/", 1)[1])


def test_email_change_to_an_address_in_use_sends_nothing(app, mailbox):
    from ..factories import PASSWORD
    member = make_member()
    other = make_member()
    services.request_email_change(member, other.email, PASSWORD)
    assert mailbox.to(other.email) == []


def test_suspension_rules(app):
    moderator = make_moderator()
    admin = make_user("admin")
    member = make_member()
    services.set_suspended(moderator, member, True)
    assert member.status == "suspended"
    with pytest.raises(DomainError):
        services.set_suspended(moderator, moderator, True)
    with pytest.raises(DomainError):
        services.set_suspended(moderator, admin, True)


def test_emails_have_text_and_html_parts(app, mailbox):
    moderator = make_moderator()
    apply(name="Ann <b>Bold</b>")
    message = mailbox.last_to(moderator.email)
    assert message.get_content_type() == "multipart/alternative"
    from ..mailbox import html_of
    assert "Ann <b>Bold</b>" in text_of(message)
    html = html_of(message)
    assert "Ann &lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html


def test_a_dead_mail_server_does_not_undo_the_application(app, mailbox, caplog):
    app.config["MAIL_PORT"] = 1  # nothing listens there
    make_moderator()
    applicant = apply()
    assert mailbox.messages == []  # runs the queued email job: it fails and will retry
    db.session.expire_all()
    assert db.session.get(User, applicant.id).status == "pending"
    assert "Could not send" in caplog.text
