"""Where a poll lives: its thread's page (a question's page for a question)."""
from flask import url_for


def thread_url(thread, anchor: str | None = None) -> str:
    """The thread's page, or the question's page for a question."""
    if thread.kind == "question":
        return url_for("qa.question", question_id=thread.id, _anchor=anchor)
    return url_for("discussions.thread", thread_id=thread.id, _anchor=anchor)
