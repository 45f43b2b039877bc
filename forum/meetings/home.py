"""The home page's meetings section: the next meeting and any open topic round (at most
three queries: forum/meetings/reading.py)."""
from ..web.home import register_home_section
from .reading import home_section

register_home_section("meetings", 5, "meetings/_home.html", home_section)
