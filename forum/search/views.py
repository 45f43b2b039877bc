"""The search page: one box (also in every page's header), filters with counts, results."""
from datetime import date

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user, login_required

from ..permissions import Action, require
from ..web.toolkit import QueryArgs, page_number
from . import services
from .query import KINDS, SORTS, SearchQuery

bp = Blueprint("search", __name__)


FILTERS = ("q", "type", "category", "tag", "organisation", "from", "to", "accepted", "file",
           "official", "sort")


def _date(args: QueryArgs, name: str) -> date | None:
    try:
        return date.fromisoformat(args.text(name, 10))
    except ValueError:
        return None


def query_from_args(args: QueryArgs) -> SearchQuery:
    """The whole search as the URL carries it (so it can be bookmarked and shared)."""
    kinds = tuple(kind for kind in args.args.getlist("type")[:5] if kind in KINDS)
    return SearchQuery(
        text=args.args.get("q", "")[:10_000], kinds=kinds, category_id=args.id("category"),
        tag=args.text("tag", 40).lower(), organisation_id=args.id("organisation"),
        date_from=_date(args, "from"), date_to=_date(args, "to"),
        accepted_only=args.args.get("accepted") == "1", file_kind=args.text("file", 10),
        official_only=args.args.get("official") == "1",
        sort=args.choice("sort", SORTS, "relevance"), page=page_number(),
        per_page=current_app.config["SEARCH_RESULTS_PER_PAGE"])


@bp.get("/search")
@login_required
def search():
    """Search threads, questions, answers, replies and the library (files' text included)."""
    require(current_user, Action.VIEW)
    args = QueryArgs()
    query = query_from_args(args)
    results = services.search(current_user, query)
    if query.page > 1 and query.page > results.pages and not results.unavailable:
        abort(404)
    kept = {name: args.args.getlist(name) if name == "type" else args.args.get(name)
            for name in FILTERS if args.args.get(name)}
    without = {name: {k: v for k, v in kept.items() if k != name} for name in FILTERS}
    return render_template("search/results.html", query=query, results=results, kept=kept,
                           without=without, kinds=KINDS, sorts=SORTS)
