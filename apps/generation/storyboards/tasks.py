"""Storyboard job handlers (filled in by the storyboards work)."""
