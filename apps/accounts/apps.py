from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The accounts app: Slate's users, registration, email verification and sign-in."""

    name = "apps.accounts"
    label = "accounts"
