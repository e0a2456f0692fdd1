"""Selects reels: a shoot day's circled takes concatenated with a burnt-in slate line."""
