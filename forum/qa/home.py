"""The home page's "Questions waiting for an answer" section (three queries, the list
page's own: forum/qa/services.question_list)."""
from ..web.home import register_home_section
from .services import question_list

WAITING = 5


def unanswered_questions(viewer):
    """The newest questions with no live answer that `viewer` may see, and how many."""
    rows, total, _ = question_list(viewer, show="unanswered", sort="newest", per_page=WAITING)
    return {"rows": rows, "total": total} if rows else None


register_home_section("unanswered-questions", 30, "qa/_home_unanswered.html",
                      unanswered_questions)
