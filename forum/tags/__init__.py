"""Tags: one model and one set of naming rules for everything that can be tagged
(threads, resources, and collections later). Domains that tag things keep their own link
table (`thread_tag`, ...) pointing at `tag.id`; this package never imports them."""

from . import policy  # noqa: E402,F401  (registers the tag rules)
