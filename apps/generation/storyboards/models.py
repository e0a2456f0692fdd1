"""Storyboard models (fal.ai images): filled in by the storyboards work."""
