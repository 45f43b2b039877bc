"""Who may see tags: every member (rules for tagging belong to what is tagged)."""
from ..permissions import public_to_members
from .models import Tag

public_to_members(Tag)
