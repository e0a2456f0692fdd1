from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from apps.accounts.models import User


@admin.register(User)
class SlateUserAdmin(UserAdmin):
    """Django's user admin, also listing and editing Slate's `name` and `email_verified`."""

    list_display = ("username", "email", "name", "email_verified", "is_staff")
    fieldsets = UserAdmin.fieldsets + (("Slate", {"fields": ("name", "email_verified")}),)
