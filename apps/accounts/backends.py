"""Sign in with a username or an email address."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    """Django's `ModelBackend`, also accepting the email address (case-insensitive) as the login."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        """The user with this login and `password`, or None; a `username` containing "@" is first looked up as an email."""
        if username and "@" in username:
            user = get_user_model().objects.filter(email__iexact=username.strip()).first()
            if user is not None:
                username = user.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
