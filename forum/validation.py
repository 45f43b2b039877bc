"""Shape checks shared by every form: clean, bounded, human-readable text."""
import unicodedata

from wtforms.validators import ValidationError

# Bidirectional overrides and isolates can make text display differently from what it is.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


class DomainError(Exception):
    """A rule was broken; the message is safe and meant for the user.

    `field` names the form field the message belongs to, when the service knows it.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def clean_line(value: str | None) -> str:
    """Normalise a single-line field: NFC, trimmed, inner whitespace collapsed."""
    value = unicodedata.normalize("NFC", value or "")
    return " ".join(value.split())


def clean_multiline(value: str | None) -> str:
    """Normalise a multi-line field: NFC, Windows newlines folded, NULs dropped, trimmed."""
    value = unicodedata.normalize("NFC", value or "")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()


def _has_visible_text(value: str) -> bool:
    return any(not ch.isspace() and ch not in _INVISIBLE and unicodedata.category(ch)[0] != "C"
               for ch in value)


class PlainText:
    """WTForms validator: rejects control characters, bidi overrides and invisible-only text."""

    def __init__(self, label: str, multiline: bool = False):
        self.label = label
        self.multiline = multiline

    def __call__(self, form, field):
        value = field.data or ""
        allowed = {"\n", "\t"} if self.multiline else set()
        if any(ch in _BIDI_CONTROLS for ch in value):
            raise ValidationError(f"{self.label} contains hidden text-direction characters; "
                                  "please remove them.")
        if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
            raise ValidationError(f"{self.label} contains control characters; please remove them.")
        if value and not _has_visible_text(value):
            raise ValidationError(f"Enter {self.label.lower()} using visible characters.")


class BoundedNesting:
    """WTForms validator: Markdown must not nest quotes/lists/emphasis absurdly deep."""

    def __call__(self, form, field):
        from .rendering import MAX_NESTING, too_deeply_nested
        if field.data and too_deeply_nested(field.data):
            raise ValidationError(f"Your text nests quotes, lists or emphasis more than "
                                  f"{MAX_NESTING} levels deep. Flatten it and try again.")


class RendersVisibly:
    """WTForms validator: Markdown that would show as an empty post (only link definitions,
    a rule, empty links) is refused with a message instead of being stored."""

    def __init__(self, label: str = "Message"):
        self.label = label

    def __call__(self, form, field):
        from .rendering import has_visible_content
        if field.data and not has_visible_content(field.data):
            raise ValidationError(f"Your {self.label.lower()} would show as empty: add some "
                                  "text (or an image) that readers can see.")
