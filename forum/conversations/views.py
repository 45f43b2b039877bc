"""Conversation pages: the inbox, starting a conversation, one conversation (reply, add
people, leave), and the messaging settings (who may write to me, whom I block).

Every conversation URL is a 404 for anyone but its active participants (moderators read
one only through an open report: forum/moderation)."""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required

from ..accounts.models import User
from ..extensions import db, limiter
from ..permissions import Action, can, require
from ..validation import DomainError
from ..web.forms import ActionForm, add_form_error
from ..web.toolkit import load_or_404, page_number, post_limit, require_action_form
from . import services
from .forms import AddPeopleForm, ReplyForm, SettingsForm, StartForm
from .models import Conversation
from .policy import may_message

bp = Blueprint("conversations", __name__)


@bp.app_template_global("may_message")
def may_message_global(viewer, member) -> bool:
    """Show a "Message" link to `member` (from rows already loaded: no query)."""
    return may_message(viewer, member)


def _rate_limit() -> str:
    return current_app.config["CONVERSATION_RATE_LIMIT"]


def _per_member() -> str:
    return f"member:{getattr(current_user, 'id', None) or request.remote_addr}"


def _conversation_or_404(conversation_id: int) -> Conversation:
    conversation = services.conversation_page(conversation_id)
    if conversation is None:
        abort(404)
    return load_or_404(Conversation, conversation.id)


@bp.get("/messages")
@login_required
def inbox():
    """My conversations, newest activity first, with how many messages I have not read."""
    require(current_user, Action.START_CONVERSATION)
    rows, pages = services.inbox(current_user, page_number())
    return render_template("conversations/inbox.html", rows=rows, pages=pages,
                           page=min(page_number(), pages))


def _start_page(form: StartForm, status: int = 200):
    chosen = services.members_by_id(form.chosen_ids())
    return render_template("conversations/start.html", form=form, chosen=chosen,
                           max_people=services.max_participants()), status


@bp.get("/messages/new")
@login_required
def start():
    """The form to start a conversation (?to=<member id> from a "Message" link)."""
    require(current_user, Action.START_CONVERSATION)
    form = StartForm()
    to = request.args.get("to", "")
    if to.isdigit() and len(to) < 10:
        form.to.data = to
    return _start_page(form)


@bp.post("/messages/new")
@login_required
@limiter.limit(_rate_limit, key_func=_per_member)
def start_conversation():
    """Start the conversation and go to it."""
    require(current_user, Action.START_CONVERSATION)
    form = StartForm()
    if not form.validate_on_submit():
        return _start_page(form, 422)
    try:
        people = services.members_by_id(form.chosen_ids()) + services.members_named(
            form.recipients.data)
        conversation = services.start_conversation(current_user, people,
                                                   subject=form.subject.data,
                                                   body=form.body.data)
    except DomainError as error:
        add_form_error(form, error, "recipients")
        return _start_page(form, 422)
    flash("Your message is sent.", "success")
    return redirect(url_for("conversations.conversation", conversation_id=conversation.id))


def _conversation_page(conversation: Conversation, reply_form=None, add_form=None,
                       status: int = 200, unread_from: int | None = None):
    return render_template("conversations/conversation.html", conversation=conversation,
                           reply_form=reply_form or ReplyForm(),
                           add_form=add_form or AddPeopleForm(), action_form=ActionForm(),
                           unread_from=unread_from,
                           max_people=services.max_participants()), status


@bp.get("/messages/<int:conversation_id>")
@login_required
def conversation(conversation_id):
    """One conversation, its messages oldest first (reading it marks them read)."""
    conversation = _conversation_or_404(conversation_id)
    unread_from = conversation.participant(current_user).last_read_number
    services.mark_read(current_user, conversation)
    return _conversation_page(conversation, unread_from=unread_from)


@bp.post("/messages/<int:conversation_id>/reply")
@login_required
@limiter.limit(post_limit)
def reply(conversation_id):
    """Send a message in the conversation."""
    conversation = _conversation_or_404(conversation_id)
    require(current_user, Action.SEND_MESSAGE, conversation)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            message = services.reply(current_user, conversation, body=form.body.data)
        except DomainError as error:
            add_form_error(form, error, "body")
        else:
            return redirect(url_for("conversations.conversation",
                                    conversation_id=conversation.id,
                                    _anchor=f"message-{message.number}"))
    return _conversation_page(conversation, reply_form=form, status=422)


@bp.post("/messages/<int:conversation_id>/people")
@login_required
@limiter.limit(post_limit)
def add_people(conversation_id):
    """Bring more members into the conversation."""
    conversation = _conversation_or_404(conversation_id)
    require(current_user, Action.ADD_PARTICIPANT, conversation)
    form = AddPeopleForm()
    if form.validate_on_submit():
        try:
            added = services.add_participants(current_user, conversation,
                                              services.members_named(form.recipients.data))
        except DomainError as error:
            add_form_error(form, error, "recipients")
        else:
            flash("Added " + ", ".join(user.display_name for user in added) + ".", "success")
            return redirect(url_for("conversations.conversation",
                                    conversation_id=conversation.id))
    return _conversation_page(conversation, add_form=form, status=422)


@bp.post("/messages/<int:conversation_id>/leave")
@login_required
def leave(conversation_id):
    """Leave the conversation (it goes from my inbox)."""
    conversation = _conversation_or_404(conversation_id)
    require_action_form()
    services.leave(current_user, conversation)
    flash(f"You have left “{conversation.subject}”.", "success")
    return redirect(url_for("conversations.inbox"))


# -- settings and blocking -------------------------------------------------------------------

def _settings_page(form: SettingsForm, status: int = 200):
    return render_template("conversations/settings.html", form=form,
                           blocked=services.blocked_members(current_user),
                           action_form=ActionForm()), status


@bp.get("/messages/settings")
@login_required
def settings():
    """Who may start conversations with me, and the members I block."""
    require(current_user, Action.START_CONVERSATION)
    form = SettingsForm(known_only=services.settings_for(current_user).known_only)
    return _settings_page(form)


@bp.post("/messages/settings")
@login_required
def save_settings():
    """Save who may start conversations with me."""
    require(current_user, Action.START_CONVERSATION)
    form = SettingsForm()
    if not form.validate_on_submit():
        return _settings_page(form, 422)
    services.save_settings(current_user, known_only=form.known_only.data)
    flash("Your messaging setting is saved.", "success")
    return redirect(url_for("conversations.settings"))


def _member_or_404(user_id: int) -> User:
    member = db.session.get(User, user_id)
    if member is None or not can(current_user, Action.VIEW, member):
        abort(404)
    return member


@bp.get("/messages/block/<int:user_id>")
@login_required
def block(user_id):
    """Confirm blocking a member (what it does, and a button)."""
    member = _member_or_404(user_id)
    require(current_user, Action.BLOCK_MEMBER, member)
    return render_template("conversations/block.html", member=member, form=ActionForm())


@bp.post("/messages/block/<int:user_id>")
@login_required
def block_member(user_id):
    """Block the member."""
    member = _member_or_404(user_id)
    require_action_form()
    services.set_blocked(current_user, member, True)
    flash(f"You have blocked {member.display_name}. They cannot start conversations with "
          "you, and your conversations with them are out of your inbox.", "success")
    return redirect(url_for("conversations.settings"))


@bp.post("/messages/unblock/<int:user_id>")
@login_required
def unblock_member(user_id):
    """Unblock the member."""
    member = db.session.get(User, user_id)
    if member is None:
        abort(404)
    require_action_form()
    services.set_blocked(current_user, member, False)
    flash(f"You no longer block {member.display_name}.", "success")
    return redirect(url_for("conversations.settings"))
