"""Fictional demo data for `make run` (filled in by the demo-data work)."""


def seed_demo() -> None:
    """Load the demo data."""


def accounts_text() -> str:
    """Describe the demo accounts."""
    return ""
