"""`make bench`: Proeftuin under load at national scale (see bench/run.py)."""
