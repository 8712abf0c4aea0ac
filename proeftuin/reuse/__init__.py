"""Reuse of published lessons: reports from pilots elsewhere, and the trail each lesson shows."""
