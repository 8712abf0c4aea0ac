"""Redirect targets that stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, request, url_for

from proeftuin.permissions import can_facilitate, has_assessments, is_admin


def is_safe_url(target: str | None) -> bool:
    """Accept only a local path: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not isinstance(target, str):
        return False
    if any(ch in target for ch in ("\\", "\r", "\n", "\t")) or any(ord(c) < 32 for c in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(default_endpoint: str = "main.index", **values) -> str:
    """Return the `next` parameter if it is local, otherwise the default page."""
    target = request.values.get("next")
    return target if is_safe_url(target) else url_for(default_endpoint, **values)


def redirect_next(default_endpoint: str = "main.index", **values):
    """Redirect to a safe `next` or the default page."""
    return redirect(safe_next(default_endpoint, **values))


def start_page(user) -> str:
    """Where a person goes after signing in: the pages their role works on most."""
    if is_admin(user):
        return url_for("admin.index")
    if can_facilitate(user):
        return url_for("dashboard.index")
    if not user.memberships and has_assessments(user):
        # An external assessor has no pilot; their work is the call they assess.
        return url_for("assessment.index")
    return url_for("workspace.mine")
