"""@mentions: who a post's Markdown source mentions.

The rule (also shown beside the editor):
- A mention is `@` at the start of a line or after a space or punctuation (so an email
  address such as a@b.org is never one), followed by a member's display name as written
  (`@Fiona MacLeod`, any letter case) or their handle: the display name in lower case
  with spaces removed (`@fionamacleod`). The longest name that matches wins, so
  `@Fiona MacLeod thanks` mentions Fiona MacLeod, not a member called "Fiona".
- Names are matched up to five words after the `@`; trailing punctuation is ignored
  (`@Fiona MacLeod,`).
- Nothing inside code (fenced ``` or ~~~ blocks, indented code, `inline code`) or inside
  a quotation (lines starting with `>`) counts: quoting someone's post does not notify
  the people it mentioned again.
- Only active members can be mentioned; at most MAX_MENTIONS people per post.
"""
import re

from sqlalchemy import func, or_, select

from ..accounts.models import User
from ..extensions import db

MAX_MENTIONS = 20
MAX_WORDS = 5
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+\1")
_MENTION = re.compile(r"(?<![\w@.+-])@([^\s@][^\n@]{0,120})")
_WORD_END = re.compile(r"[\s,.;:!?)\]}'\"’”]+$")


def handle_of(display_name: str) -> str:
    """A member's handle: their display name in lower case, without spaces."""
    return "".join(display_name.split()).lower()


def _prose(source: str) -> str:
    """`source` without code blocks, inline code and quoted lines."""
    kept, fenced = [], None
    for line in (source or "").splitlines():
        fence = _FENCE.match(line)
        if fenced:
            if fence and fence.group(1) == fenced:
                fenced = None
            continue
        if fence:
            fenced = fence.group(1)
            continue
        if line.lstrip().startswith(">") or line.startswith(("    ", "\t")):
            continue
        kept.append(_INLINE_CODE.sub(" ", line))
    return "\n".join(kept)


def candidates(source: str) -> list[list[str]]:
    """For each `@` in the prose, the names it might start, longest first."""
    found = []
    for match in _MENTION.finditer(_prose(source)):
        words = match.group(1).split()[:MAX_WORDS]
        options = []
        for count in range(len(words), 0, -1):
            name = _WORD_END.sub("", " ".join(words[:count]))
            if name:
                options.append(name.lower())
        if options:
            found.append(options)
        if len(found) >= MAX_MENTIONS * 2:
            break
    return found


def mentioned_users(source: str) -> list[User]:
    """The active members `source` mentions (one query, none if there is no `@`)."""
    groups = candidates(source)
    if not groups:
        return []
    names = {name for group in groups for name in group}
    handle = func.lower(func.replace(User.display_name, " ", ""))
    rows = db.session.scalars(select(User).where(
        User.status == "active",
        or_(func.lower(User.display_name).in_(names), handle.in_(names))))
    by_name = {}
    for user in rows:
        by_name.setdefault(user.display_name.lower(), user)
        by_name.setdefault(handle_of(user.display_name), user)
    chosen: dict[int, User] = {}
    for group in groups:
        for name in group:  # longest first
            if name in by_name:
                chosen.setdefault(by_name[name].id, by_name[name])
                break
    return list(chosen.values())[:MAX_MENTIONS]


def suggestions(query: str, limit: int = 8) -> list[dict]:
    """Active members whose name or handle starts with `query` (for the autocomplete)."""
    query = " ".join((query or "").split())[:80].lower()
    if not query:
        return []
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = db.session.scalars(
        select(User).where(User.status == "active",
                           or_(func.lower(User.display_name).like(f"{escaped}%", escape="\\"),
                               func.lower(User.display_name).like(f"% {escaped}%",
                                                                  escape="\\")))
        .order_by(func.lower(User.display_name)).limit(limit))
    return [{"name": user.display_name, "handle": handle_of(user.display_name)}
            for user in rows]
