"""The home page's collection sections: "Start here" for newcomers and the pinned
collections (at most four queries: forum/collections/reading.py)."""
from ..web.home import register_home_section
from .services import pinned_collections, start_here_for


def collection_sections(viewer):
    """What templates/collections/_home_sections.html needs, or None if nothing to show."""
    start_here, pinned = start_here_for(viewer), pinned_collections(viewer)
    if start_here is None and not pinned:
        return None
    return {"start_here": start_here, "pinned_collections": pinned}


register_home_section("collections", 10, "collections/_home.html", collection_sections)
