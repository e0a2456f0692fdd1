"""Routes (filled in by the writing work)."""
urlpatterns: list = []
