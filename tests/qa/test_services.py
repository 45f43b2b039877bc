"""Q&A domain rules, called directly (no HTTP)."""
import pytest
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden, NotFound

from forum.discussions import services as discussions
from forum.discussions.models import Post, Thread
from forum.extensions import db
from forum.qa import services as qa
from forum.qa.models import Comment, HelpfulVote
from forum.qa.tags import list_tags
from forum.tags import services as tags
from forum.tags.models import Tag
from forum.validation import DomainError

from ..factories import make_category, make_member, make_moderator, make_thread
from .factories import make_answer, make_question

pytestmark = pytest.mark.usefixtures("app")  # every test needs a fresh database


def opening_post(thread) -> Post:
    return db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def vote_count(post) -> int:
    return db.session.scalar(db.select(db.func.count(HelpfulVote.id))
                             .where(HelpfulVote.post_id == post.id))


# -- asking and answering ---------------------------------------------------------------

def test_ask_makes_a_question_thread_with_tags():
    asker = make_member()
    question = qa.ask(asker, make_category(), title="How did you word your menopause policy?",
                      body="Details", tags="Menopause,  Policy , menopause")
    assert question.kind == "question" and question.is_question
    assert [tag.name for tag in question.tags] == ["menopause", "policy"]
    assert question.author_id == asker.id and not question.is_anonymous


def test_discussions_stay_discussions():
    assert make_thread().kind == "discussion"


def test_asking_the_same_question_twice_returns_the_first():
    asker, category = make_member(), make_category()
    first = qa.ask(asker, category, title="Same title?", body="Body")
    with pytest.raises(qa.DuplicateSubmission) as caught:
        qa.ask(asker, category, title="Same title?", body="Body")
    assert caught.value.existing.id == first.id
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 1


def test_bad_tags_write_nothing():
    with pytest.raises(DomainError, match="up to 5 tags"):
        qa.ask(make_member(), make_category(), title="Too many tags?", body="Body",
               tags="a, b, c, d, e, f")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Tag.id))) == 0


def test_answers_are_replies_numbered_after_the_question():
    question = make_question()
    answer = make_answer(question)
    assert answer.thread_id == question.id and answer.number == 2


def test_empty_answer_is_refused():
    with pytest.raises(DomainError, match="Enter your answer"):
        qa.answer(make_member(), make_question(), body="   ")


def test_the_same_answer_twice_is_a_double_submit():
    question, member = make_question(), make_member()
    first = qa.answer(member, question, body="Protected time during shifts.")
    with pytest.raises(qa.DuplicateSubmission) as caught:
        qa.answer(member, question, body="Protected time during shifts.")
    assert caught.value.existing.id == first.id
    db.session.refresh(question)
    assert question.post_count == 2


def test_answering_a_discussion_through_qa_is_refused():
    with pytest.raises(DomainError, match="discussion"):
        qa.answer(make_member(), make_thread(), body="An answer")


# -- helpful votes ----------------------------------------------------------------------

def test_a_vote_counts_once_per_member():
    answer = make_answer(make_question())
    voter = make_member()
    qa.vote(voter, answer)
    qa.vote(voter, answer)  # a repeat (double submit) changes nothing
    assert answer.helpful_count == 1 and vote_count(answer) == 1
    qa.vote(make_member(), answer)
    assert answer.helpful_count == 2 and vote_count(answer) == 2


def test_the_database_refuses_a_second_vote_row():
    answer, voter = make_answer(make_question()), make_member()
    qa.vote(voter, answer)
    db.session.add(HelpfulVote(post_id=answer.id, user_id=voter.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_vote_can_be_withdrawn():
    answer, voter = make_answer(make_question()), make_member()
    qa.vote(voter, answer)
    qa.withdraw_vote(voter, answer)
    assert answer.helpful_count == 0 and vote_count(answer) == 0
    qa.withdraw_vote(voter, answer)  # withdrawing twice is harmless
    assert answer.helpful_count == 0
    assert not qa.has_voted(voter, answer)


def test_members_cannot_vote_for_their_own_posts():
    asker = make_member()
    question = make_question(author=asker)
    mine = make_answer(question, author=asker)
    for post in (opening_post(question), mine):
        with pytest.raises(DomainError, match="your own"):
            qa.vote(asker, post)
    assert vote_count(mine) == 0


def test_voting_on_a_removed_post_says_so():
    answer = make_answer(make_question())
    discussions.delete_post(make_moderator(), answer)
    with pytest.raises(DomainError, match="removed"):
        qa.vote(make_member(), answer)
    assert answer.helpful_count == 0


def test_discussion_replies_cannot_be_voted_on():
    thread = make_thread(replies=1)
    reply = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id,
                                                    Post.number == 2))
    with pytest.raises(DomainError, match="Only questions and answers"):
        qa.vote(make_member(), reply)


def test_members_cannot_vote_in_a_locked_question():
    question = make_question()
    answer = make_answer(question)
    discussions.set_thread_flags(make_moderator(), question, locked=True)
    with pytest.raises(Forbidden):
        qa.vote(make_member(), answer)


# -- accepting --------------------------------------------------------------------------

def test_the_asker_accepts_changes_and_withdraws():
    asker = make_member()
    question = make_question(author=asker)
    first, second = make_answer(question), make_answer(question)
    qa.accept_answer(asker, first)
    assert question.accepted_post_id == first.id
    qa.accept_answer(asker, second)
    assert question.accepted_post_id == second.id
    qa.withdraw_acceptance(asker, question)
    assert question.accepted_post_id is None


def test_a_moderator_may_accept_for_the_asker():
    question = make_question()
    answer = make_answer(question)
    qa.accept_answer(make_moderator(), answer)
    assert question.accepted_post_id == answer.id


def test_other_members_cannot_accept_or_withdraw():
    asker = make_member()
    question = make_question(author=asker)
    answer = make_answer(question)
    other = make_member()
    with pytest.raises(Forbidden):
        qa.accept_answer(other, answer)
    qa.accept_answer(asker, answer)
    with pytest.raises(Forbidden):
        qa.withdraw_acceptance(other, question)
    assert question.accepted_post_id == answer.id


def test_the_question_itself_cannot_be_accepted():
    asker = make_member()
    question = make_question(author=asker)
    with pytest.raises(DomainError, match="Only an answer"):
        qa.accept_answer(asker, opening_post(question))


def test_removing_the_accepted_answer_unaccepts_it():
    asker = make_member()
    question = make_question(author=asker)
    answer = make_answer(question)
    qa.accept_answer(asker, answer)
    discussions.delete_post(answer.author, answer)
    assert question.accepted_post_id is None
    with pytest.raises(DomainError, match="removed"):
        qa.accept_answer(asker, answer)


def test_anonymous_asker_can_still_accept_and_edit():
    asker = make_member()
    question = make_question(author=asker, anonymous=True)
    answer = make_answer(question)
    qa.accept_answer(asker, answer)
    discussions.edit_post(asker, opening_post(question), body="Clarified details")
    assert question.accepted_post_id == answer.id
    assert opening_post(question).body_source == "Clarified details"


# -- ordering ---------------------------------------------------------------------------

def test_answers_order_accepted_then_helpful_then_oldest():
    asker = make_member()
    question = make_question(author=asker)
    oldest, popular, accepted, newest = (make_answer(question) for _ in range(4))
    for _ in range(2):
        qa.vote(make_member(), popular)
    qa.vote(make_member(), accepted)
    qa.accept_answer(asker, accepted)
    page = qa.question_page(question, asker)
    assert page.question_post.number == 1
    assert [a.id for a in page.answers] == [accepted.id, popular.id, oldest.id, newest.id]


def test_removed_answers_are_shown_to_moderators_only():
    question = make_question()
    kept, removed = make_answer(question), make_answer(question)
    discussions.delete_post(make_moderator(), removed)
    assert [a.id for a in qa.question_page(question, make_member()).answers] == [kept.id]
    staff_view = qa.question_page(question, make_moderator())
    assert [a.id for a in staff_view.answers] == [kept.id, removed.id]
    assert staff_view.answer_count == 1


# -- comments ---------------------------------------------------------------------------

def test_comment_text_is_escaped_and_links_are_nofollow():
    comment = qa.add_comment(make_member(), make_answer(make_question()),
                             body='<script>alert(1)</script> see https://example.org/a?b=1&c=2 '
                                  'and javascript:alert(1) or example.org')
    assert "<script>" not in comment.body_html
    assert "&lt;script&gt;" in comment.body_html
    assert ('<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener ugc">'
            in comment.body_html)
    assert comment.body_html.count("<a ") == 1


def test_comments_longer_than_600_characters_are_refused():
    post = make_answer(make_question())
    qa.add_comment(make_member(), post, body="x" * 600)
    with pytest.raises(DomainError, match="600 characters or fewer"):
        qa.add_comment(make_member(), post, body="x" * 601)


def test_empty_and_duplicate_comments_are_refused():
    post, member = make_answer(make_question()), make_member()
    with pytest.raises(DomainError, match="Enter your comment"):
        qa.add_comment(member, post, body="  \n ")
    qa.add_comment(member, post, body="Which survey tool?")
    with pytest.raises(qa.DuplicateSubmission):
        qa.add_comment(member, post, body="Which survey tool?")
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


def test_comments_on_removed_posts_are_refused():
    post = make_answer(make_question())
    discussions.delete_post(make_moderator(), post)
    with pytest.raises(DomainError, match="removed"):
        qa.add_comment(make_member(), post, body="Hello?")


def test_comment_authors_and_moderators_delete_comments():
    author = make_member()
    post = make_answer(make_question())
    comment = qa.add_comment(author, post, body="First")
    with pytest.raises(Forbidden):
        qa.delete_comment(make_member(), comment)
    qa.delete_comment(author, comment)
    assert comment.is_deleted
    other = qa.add_comment(make_member(), post, body="Second")
    qa.delete_comment(make_moderator(), other)
    assert qa.question_page(post.thread, author).comments == {}


# -- converting -------------------------------------------------------------------------

def test_moderators_convert_questions_and_discussions():
    moderator, asker = make_moderator(), make_member()
    question = make_question(author=asker)
    answer = make_answer(question)
    qa.accept_answer(asker, answer)
    qa.convert_thread(moderator, question, "discussion")
    assert question.kind == "discussion" and question.accepted_post_id is None
    qa.convert_thread(moderator, question, "question")
    assert question.is_question
    with pytest.raises(DomainError, match="already"):
        qa.convert_thread(moderator, question, "question")


def test_members_cannot_convert():
    asker = make_member()
    question = make_question(author=asker)
    with pytest.raises(Forbidden):
        qa.convert_thread(asker, question, "discussion")


# -- tags -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,name", [
    ("  Menopause ", "menopause"), ("Staff   Survey", "staff survey"),
    ("risk - assessment", "risk-assessment"), ("Ñandú 2026", "ñandú 2026"),
])
def test_tag_names_are_normalised(raw, name):
    assert tags.normalise_tag(raw) == name


@pytest.mark.parametrize("raw", ["c++", "<b>", "a_b", "x" * 41, "-start", "what?"])
def test_bad_tag_names_are_refused(raw):
    with pytest.raises(DomainError):
        tags.normalise_tag(raw)


def test_existing_tags_are_reused():
    first = make_question(tags="menopause")
    second = make_question(tags="Menopause, policy")
    assert first.tags[0].id == second.tags[0].id
    assert db.session.scalar(db.select(db.func.count(Tag.id))) == 2


def test_only_the_starter_or_a_moderator_edits_tags():
    asker = make_member()
    question = make_question(author=asker, tags="one")
    discussions.set_thread_tags(asker, question, "two, three")
    assert [t.name for t in question.tags] == ["three", "two"]
    with pytest.raises(Forbidden):
        discussions.set_thread_tags(make_member(), question, "four")
    discussions.set_thread_tags(make_moderator(), question, "")
    assert question.tags == []


def test_moderators_rename_and_merge_tags():
    moderator = make_moderator()
    a = make_question(tags="menopause policy")
    b = make_question(tags="menopause, menopause policy")
    c = make_question(tags="menopause")
    old = tags.find_tag("menopause policy")
    target = tags.find_tag("menopause")
    tags.merge_tags(moderator, old, target)
    for thread in (a, b, c):
        db.session.refresh(thread)
        assert [t.name for t in thread.tags] == ["menopause"]
    assert tags.find_tag("menopause policy") is None
    tags.rename_tag(moderator, target, "Menopause at work")
    assert [t.name for t in a.tags] == ["menopause at work"]
    with pytest.raises(Forbidden):
        tags.rename_tag(make_member(), target, "other")


def test_renaming_onto_an_existing_tag_asks_for_a_merge():
    make_question(tags="survey, surveys")
    with pytest.raises(DomainError, match="Merge"):
        tags.rename_tag(make_moderator(), tags.find_tag("surveys"), "survey")


# -- lists ------------------------------------------------------------------------------

def titles(rows):
    return [row.thread.title for row in rows]


def test_question_list_filters():
    me, other = make_member(), make_member()
    category = make_category()
    unanswered = make_question(author=other, title="Unanswered?", category=category)
    answered_by_me = make_question(author=other, title="Answered by me?")
    make_answer(answered_by_me, author=me)
    accepted = make_question(author=me, title="Mine, accepted?", tags="policy")
    qa.accept_answer(me, make_answer(accepted, author=other))
    removed_only = make_question(author=other, title="Only a removed answer?")
    discussions.delete_post(make_moderator(), make_answer(removed_only))
    make_thread(title="A discussion")

    def shown(**kwargs):
        return set(titles(qa.question_list(me, **kwargs)[0]))

    assert shown() == {"Unanswered?", "Answered by me?", "Mine, accepted?",
                       "Only a removed answer?"}
    assert shown(show="unanswered") == {"Unanswered?", "Only a removed answer?"}
    assert shown(show="unaccepted") == {"Unanswered?", "Answered by me?",
                                        "Only a removed answer?"}
    assert shown(show="mine") == {"Mine, accepted?"}
    assert shown(show="answered-by-me") == {"Answered by me?"}
    assert shown(category_id=category.id) == {"Unanswered?"}
    assert shown(tag=tags.find_tag("policy")) == {"Mine, accepted?"}
    rows = {row.thread.title: row for row in qa.question_list(me)[0]}
    assert rows["Answered by me?"].answer_count == 1
    assert rows["Only a removed answer?"].answer_count == 0
    assert unanswered.id in {row.thread.id for row in qa.question_list(me)[0]}


def test_question_list_sorts():
    member = make_member()
    old = make_question(title="Old but helpful?")
    new = make_question(title="New?")
    for _ in range(2):
        qa.vote(make_member(), opening_post(old))
    make_answer(old)  # the latest activity
    assert titles(qa.question_list(member, sort="newest")[0]) == ["New?", "Old but helpful?"]
    assert titles(qa.question_list(member, sort="activity")[0]) == ["Old but helpful?", "New?"]
    assert titles(qa.question_list(member, sort="helpful")[0])[0] == "Old but helpful?"
    rows, total, pages = qa.question_list(member, per_page=1, page=2)
    assert total == 2 and pages == 2 and len(rows) == 1
    assert new.id


def test_tag_pages_list_questions_and_discussions():
    question = make_question(tags="survey")
    discussion = make_thread(title="Survey chat")
    discussions.set_thread_tags(discussion.author, discussion, "survey")
    rows, total, _ = qa.tagged_threads(question.author, tags.find_tag("survey"))
    assert total == 2 and {row.thread.id for row in rows} == {question.id, discussion.id}
    assert dict((tag.name, n) for tag, n in list_tags(question.author)) == {"survey": 2}


# -- similar questions ------------------------------------------------------------------

def test_similar_questions_match_title_words():
    make_question(title="How did you word your menopause policy?")
    make_question(title="Getting good response rates on a VAW staff survey")
    make_question(title="Menopause policies: what adjustments do you offer?")
    make_thread(title="Menopause policy discussion")  # discussions are not offered
    found = titles(qa.similar_questions(make_member(), "menopause policy wording"))
    assert set(found) == {"How did you word your menopause policy?",
                          "Menopause policies: what adjustments do you offer?"}
    assert titles(qa.similar_questions(make_member(), "staff surveys")) == [
        "Getting good response rates on a VAW staff survey"]


def test_similar_questions_cope_with_odd_input():
    make_question(title="100% sure about the policy_v2 wording?")
    assert qa.similar_questions(make_member(), "") == []
    assert qa.similar_questions(make_member(), "how do you?") == []  # only stop words
    assert qa.similar_questions(make_member(), "%%% ___ \\") == []
    assert len(qa.similar_questions(make_member(), "policy " * 100)) == 1


def test_similar_questions_offer_at_most_five():
    for n in range(8):
        make_question(title=f"Flexible working request number {n}")
    assert len(qa.similar_questions(make_member(), "flexible working")) == 5


def test_removed_questions_are_not_offered():
    question = make_question(title="Flexible working for senior roles?")
    question.deleted_at = question.created_at
    db.session.commit()
    assert qa.similar_questions(make_member(), "flexible working") == []


def test_hidden_objects_are_not_found():
    with pytest.raises(NotFound):
        question = make_question()
        question.deleted_at = question.created_at
        db.session.commit()
        qa.vote(make_member(), opening_post(question))
