"""A pilot's progress page for the facilitators of its programme."""

from __future__ import annotations

from flask import render_template

from proeftuin.dashboard import progress as logic
from proeftuin.dashboard.blueprint import bp, load_pilot
from proeftuin.permissions import can_view_audit_trail


@bp.get("/proeftuinen/<slug:slug>/voortgang")
def progress(slug: str):
    """Show the pilot's timeline and its framework mapping against what it worked on."""
    # Who did what to the pilot's records, and when: the audit trail's audience.
    pilot = load_pilot(slug, need=can_view_audit_trail)
    return render_template("dashboard/progress.html", pilot=pilot, progress=logic.progress(pilot))
