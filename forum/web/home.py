"""The members' home page is made of sections that domains contribute.

The page itself (`/forum`, in forum/discussions) cannot import the domains above it
(collections, Q&A, the library), so each domain registers a section here: a loader that
returns what its template needs for a viewer (or None to leave the section out), and the
template that shows it as `section`. Sections are shown by `order`. Each loader runs a
fixed number of queries, so the page does too.
"""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class HomeSection:
    """One part of the home page."""

    name: str
    order: int
    template: str  # rendered with `section` = what `load` returned
    load: Callable[[object], object]  # viewer -> context, or None to leave it out


_SECTIONS: dict[str, HomeSection] = {}


def register_home_section(name: str, order: int, template: str,
                          load: Callable[[object], object]) -> None:
    """Add (or replace, by name) a home page section."""
    _SECTIONS[name] = HomeSection(name, order, template, load)


def home_sections(viewer) -> list[tuple[str, object]]:
    """(template, context) of every section with something to show `viewer`, in order."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name)):
        context = section.load(viewer)
        if context:
            shown.append((section.template, context))
    return shown
