"""What the web layer shares across domains: app-wide hooks (template helpers, security
headers, error pages) in `hooks`, the view toolkit in `toolkit`, shared form pieces in
`forms`."""
from .hooks import register_errors, register_request_hooks, register_template_helpers

__all__ = ["register_errors", "register_request_hooks", "register_template_helpers"]
