"""Q&A test data, made through the real services (each commits)."""
from forum.qa import services as qa

from ..factories import make_category, make_member


def make_question(author=None, category=None, title=None, body="What worked for you?",
                  tags="", anonymous=False, answers=0, answer_author=None):
    """A question asked through `qa.ask`, with `answers` answers by `answer_author`."""
    from ..factories import _counter
    author = author or make_member()
    question = qa.ask(author, category or make_category(),
                      title=title or f"Question number {next(_counter)}?", body=body,
                      tags=tags, anonymous=anonymous)
    for i in range(answers):
        qa.answer(answer_author or make_member(), question, body=f"Answer number {i + 1}.")
    return question


def make_answer(question, author=None, body=None):
    from ..factories import _counter
    return qa.answer(author or make_member(), question,
                     body=body or f"Here is what we did, take {next(_counter)}.")
