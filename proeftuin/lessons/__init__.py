"""Lessons learned: writing, review and publication."""
