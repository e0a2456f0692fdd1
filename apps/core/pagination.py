"""Slate's API pagination."""
from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    """Page-number pagination: `?page=N&page_size=M` (M at most 500, 50 by default)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
