"""Routes (filled in by the storyboards work)."""
urlpatterns: list = []
