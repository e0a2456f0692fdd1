"""Writing and breakdown job handlers (filled in by the writing work)."""
