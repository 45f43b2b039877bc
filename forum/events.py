"""Change events: how one domain hears that something changed in another.

A service announces what happened, after making the change and before its use case
commits:

    events.post_created.send(post, actor=author)

Any domain may listen, without the announcing domain knowing it exists:

    @events.post_created.connect
    def _index_new_post(post, actor, **extra):
        enqueue("search.index", kind="post", id=post.id)

Rules for listeners, enforced where they can be:
- they run inside the announcing use case's transaction, so what they add commits with
  the change, and an exception in a listener rolls the whole use case back;
- they only add rows (a job, an audit entry, a notification); they never commit
  (committing raises `NestedCommitError`) and never do I/O (send email, write files,
  call out): they queue a job that does it instead;
- the sender is the main object; keyword arguments are documented beside each signal;
  every signal carries `actor`, the user who made the change (None for the system).

A lower domain never imports a higher one: it announces, and the higher one listens.
"""
from blinker import NamedSignal, Namespace

from .extensions import db
from .transactions import LISTENING


class ChangeEvent(NamedSignal):
    """A blinker signal whose receivers run under the listener guard."""

    def send(self, *sender, **kwargs):
        info = db.session.info
        outer = info.get(LISTENING, False)
        info[LISTENING] = True
        try:
            return super().send(*sender, **kwargs)
        finally:
            info[LISTENING] = outer


class _Events(Namespace):
    def signal(self, name: str, doc: str | None = None) -> ChangeEvent:
        try:
            return self[name]
        except KeyError:
            return self.setdefault(name, ChangeEvent(name, doc))


_events = _Events()


def _signal(name: str, doc: str) -> ChangeEvent:
    return _events.signal(name, doc)


def all_events() -> dict[str, ChangeEvent]:
    """Every change event by name (for documentation and tests)."""
    return dict(_events)


# -- membership (forum/accounts) --------------------------------------------------------
member_applied = _signal("member.applied", "sender: the applicant User")
member_approved = _signal("member.approved", "sender: the User; actor: the moderator")
member_declined = _signal("member.declined", "sender: the User; actor; reason")
member_invited = _signal("member.invited", "sender: the new User; actor: the moderator")
member_suspended = _signal("member.suspended", "sender: the User; actor")
member_reinstated = _signal("member.reinstated", "sender: the User; actor")
member_role_changed = _signal("member.role_changed", "sender: the User; actor; old_role")
profile_updated = _signal("profile.updated", "sender: the User; actor")
organisation_updated = _signal("organisation.updated", "sender: the Organisation; actor")

# -- discussions ------------------------------------------------------------------------
category_saved = _signal("category.saved", "sender: the Category; actor; created: bool")
thread_created = _signal("thread.created", "sender: the Thread; actor; post: its first Post")
thread_edited = _signal("thread.edited", "sender: the Thread; actor (title changed)")
thread_flags_changed = _signal(
    "thread.flags_changed",
    "sender: the Thread; actor; locked, pinned: new values or None (unchanged); for a pin, "
    "scope ('category' or 'forum') and until (a datetime, or None: no end); old_locked, "
    "old_pinned, old_scope, old_until: the values before, for what changed")
thread_converted = _signal("thread.converted", "sender: the Thread; actor; kind: the new kind")
thread_tags_changed = _signal("thread.tags_changed", "sender: the Thread; actor")
post_created = _signal("post.created", "sender: the Post; actor (also for a thread's first post)")
post_edited = _signal("post.edited", "sender: the Post; actor; reason")
post_deleted = _signal("post.deleted", "sender: the Post; actor")
attachment_removed = _signal("attachment.removed", "sender: the Attachment; actor")

# -- questions and answers --------------------------------------------------------------
answer_accepted = _signal("answer.accepted", "sender: the answer Post; actor")
acceptance_withdrawn = _signal("answer.acceptance_withdrawn", "sender: the question Thread; actor")
vote_changed = _signal("vote.changed", "sender: the Post; actor; helpful: bool")
comment_added = _signal("comment.added", "sender: the Comment; actor")
comment_deleted = _signal("comment.deleted", "sender: the Comment; actor")
tag_renamed = _signal("tag.renamed", "sender: the Tag; actor; old_name")
tags_merged = _signal("tag.merged", "sender: the target Tag; actor; source_name")

# -- resources and files ----------------------------------------------------------------
resource_shared = _signal("resource.shared", "sender: the Resource; actor")
resource_updated = _signal("resource.updated", "sender: the Resource; actor")
resource_version_added = _signal("resource.version_added",
                                 "sender: the ResourceVersion; actor")
resource_deleted = _signal("resource.deleted", "sender: the Resource; actor")
file_text_extracted = _signal("file.text_extracted",
                              "sender: the StoredFile; actor: None (a background job)")

# -- moderation (forum/moderation) -------------------------------------------------------
post_hidden = _signal("post.hidden", "sender: the Post; actor: the moderator; reason")
post_unhidden = _signal("post.unhidden", "sender: the Post; actor: the moderator; reason")
report_filed = _signal("report.filed", "sender: the Report; actor: the reporting member")
report_resolved = _signal("report.resolved", "sender: the Report; actor; reason: the note")
thread_merged = _signal("thread.merged", "sender: the Thread merged into; actor; reason; "
                        "source: the Thread merged (now removed)")
thread_split = _signal("thread.split", "sender: the new Thread; actor; reason; source: the "
                       "Thread its posts came from; moved: how many posts")
thread_moved = _signal("thread.moved", "sender: the Thread; actor; reason; old_category: its "
                       "name before")

# -- Collections (forum/collections) ----------------------------------------------------
collection_created = _signal("collection.created", "sender: the Collection; actor")
collection_updated = _signal("collection.updated",
                             "sender: the Collection; actor (title or description changed)")
collection_deleted = _signal("collection.deleted",
                             "sender: the Collection, before its row goes; actor")
collection_published = _signal("collection.published",
                               "sender: the Collection; actor; published: bool (False: a draft again)")
collection_official_changed = _signal("collection.official_changed",
                                      "sender: the Collection; actor; official: bool")
collection_item_added = _signal("collection.item_added", "sender: the CollectionItem; actor")
collection_item_removed = _signal("collection.item_removed",
                                  "sender: the CollectionItem, before its row goes; actor")
collection_items_reordered = _signal("collection.items_reordered",
                                     "sender: the Collection; actor; moved: the CollectionItem")
collection_pinned = _signal("collection.pinned",
                            "sender: the Collection; actor; position: int, or None when unpinned")
collection_start_here_chosen = _signal(
    "collection.start_here_chosen",
    "sender: the Collection; actor; chosen: True if it is Start here now, False if no more")
collection_followed = _signal("collection.followed",
                              "sender: the Collection; actor: the member; following: bool")
start_here_dismissed = _signal("collection.start_here_dismissed",
                               "sender: the Collection; actor: the member")
resource_official_changed = _signal("resource.official_changed",
                                    "sender: the Resource; actor; official: bool")
thread_official_changed = _signal("thread.official_changed",
                                  "sender: the Thread; actor; official: bool")

# -- Meetings and topic votes (forum/meetings) -------------------------------------------
meeting_scheduled = _signal("meeting.scheduled",
                            "sender: the Meeting; actor; topic: the TopicProposal it was "
                            "created from, or None")
meeting_updated = _signal("meeting.updated",
                          "sender: the Meeting; actor; changed: the names of what changed "
                          "(title, start, duration, joining_url, agenda, presenters, notes)")
meeting_cancelled = _signal("meeting.cancelled", "sender: the Meeting; actor; reason")
meeting_slide_added = _signal("meeting.slide_added",
                              "sender: the MeetingSlide (its resource: the library entry); "
                              "actor")
meeting_slide_removed = _signal("meeting.slide_removed",
                                "sender: the MeetingSlide, before its row goes; actor")
meeting_recap_started = _signal("meeting.recap_started",
                                "sender: the Meeting; actor; thread: the recap Thread")
attendance_changed = _signal("attendance.changed",
                             "sender: the MeetingAttendance; actor: the member; going: bool")
calendar_feed_reset = _signal("calendar_feed.reset",
                              "sender: the User whose private feed address changed; actor")
round_opened = _signal("round.opened", "sender: the TopicRound; actor")
round_closed = _signal("round.closed",
                       "sender: the TopicRound; actor: the moderator who closed it early. A "
                       "round that reaches its closing time closes then without an event "
                       "(no job runs at that moment): compare `closes_at` instead")
topic_proposed = _signal("topic.proposed", "sender: the TopicProposal; actor: its author")
topic_merged = _signal("topic.merged",
                       "sender: the TopicRound; actor; kept: the TopicProposal kept; merged: "
                       "the one merged into it; moved: votes moved; returned: votes given "
                       "back to members who had voted for both")
topic_linked = _signal("topic.linked",
                       "sender: the TopicProposal; actor; meeting: the Meeting it is linked "
                       "to (None: unlinked)")
topic_vote_cast = _signal("vote.cast", "sender: the TopicVote; actor: the voter")
topic_vote_withdrawn = _signal("vote.withdrawn",
                               "sender: the TopicVote, before its row goes; actor: the voter")

# -- private conversations (forum/conversations) ----------------------------------------
conversation_started = _signal("conversation.started",
                               "sender: the Conversation; actor: its starter; message: the "
                               "first ConversationMessage")
message_sent = _signal("message.sent",
                       "sender: the ConversationMessage (also the first one); actor: its "
                       "author")
conversation_participant_added = _signal(
    "conversation.participant_added",
    "sender: the Conversation; actor: the participant who added them; added: the Users")
conversation_left = _signal("conversation.left", "sender: the Conversation; actor: who left")
member_blocked = _signal("member.blocked",
                         "sender: the blocked User; actor: the member blocking; "
                         "blocked: bool (False: unblocked)")
conversation_read_by_moderator = _signal(
    "conversation.read_by_moderator",
    "sender: the Conversation; actor: the moderator; report: the open Report of one of its "
    "messages that let them read it; reason: why (the report's reason)")

# -- polls (forum/polls) ----------------------------------------------------------------
poll_created = _signal("poll.created", "sender: the Poll; actor: who added it")
poll_edited = _signal("poll.edited", "sender: the Poll; actor; old_question; old_closes_at; "
                     "old_results_mode")
poll_closed = _signal("poll.closed", "sender: the Poll; actor: the moderator who closed it")
poll_vote_cast = _signal("poll.vote_cast",
                         "sender: the PollBallot (a member's, or an organisation's); actor: "
                         "the voter; option_ids: what they chose")
poll_vote_changed = _signal("poll.vote_changed",
                            "sender: the PollBallot; actor: the voter; option_ids: the new "
                            "choice; old_option_ids: the one it replaced")
