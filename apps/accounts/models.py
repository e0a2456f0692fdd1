"""Slate's users: crew members who sign in."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person on one or more productions' crews; signs in with username or email."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True, help_text="Name as the crew knows it, e.g. 'Ana Ruiz'.")
    email_verified = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]

    @property
    def display_name(self) -> str:
        """The name shown to the crew: `name`, else first + last name, else the username."""
        return self.name or self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        """Save with the email trimmed and lower-cased."""
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)
