"""A notification is its recipient's alone, and only while they may see what it is about:
the rule and its query twin agree for every role, over the whole policy matrix world
(removed, hidden and live posts in live, hidden, removed and anonymous threads, draft and
published collections, meetings)."""
import pytest

from forum.extensions import db
from forum.notifications.models import Notification
from forum.permissions import Action, can, visible
from tests.test_policy_twin import VIEWERS, viewer_for, world  # noqa: F401  (the fixture)

from .factories import policy_matrix_rows


@pytest.mark.parametrize("n,role,status", [(n, r, s) for n, (r, s) in enumerate(VIEWERS)
                                           if r != "anonymous"],
                         ids=[f"{r}-{s}" for r, s in VIEWERS if r != "anonymous"])
def test_the_twin_agrees_for_the_recipient(world, n, role, status):  # noqa: F811
    viewer = viewer_for(role, status, n)
    db.session.add_all(policy_matrix_rows(viewer))
    db.session.commit()
    rows = list(db.session.scalars(db.select(Notification)))
    allowed = {row.id for row in rows if can(viewer, Action.VIEW, row)}
    found = set(db.session.scalars(db.select(Notification.id).where(
        visible(viewer, Notification))))
    assert found == allowed
    mine = {row.id for row in rows if row.user_id == viewer.id}
    if status == "active":
        assert allowed < mine  # some of their own are about what they may not see
        assert allowed  # and some they may
        if role == "member":
            hidden = [row for row in rows if row.id in mine and row.post is not None
                      and row.post.is_hidden and row.post.author_id != viewer.id]
            assert hidden and not any(row.id in allowed for row in hidden)
    else:
        assert allowed == set()
