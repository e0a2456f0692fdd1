"""Admin: shoot days, strips, call sheets, their revisions and recipients (read mostly; edits go through the API)."""
from django.contrib import admin

from apps.callsheets.models import CallSheet, CallSheetRecipient, CallSheetRevision, ShootDay, Strip


@admin.register(ShootDay)
class ShootDayAdmin(admin.ModelAdmin):
    list_display = ["id", "production", "number", "date", "unit"]
    list_filter = ["production"]


@admin.register(Strip)
class StripAdmin(admin.ModelAdmin):
    list_display = ["id", "production", "shoot_day", "position", "kind", "scene", "text"]
    list_filter = ["production", "kind"]


@admin.register(CallSheet)
class CallSheetAdmin(admin.ModelAdmin):
    list_display = ["id", "production", "shoot_day", "status", "revision", "crew_call", "published_at"]
    list_filter = ["production", "status"]


@admin.register(CallSheetRevision)
class CallSheetRevisionAdmin(admin.ModelAdmin):
    list_display = ["id", "call_sheet", "revision", "published_by", "published_at"]


@admin.register(CallSheetRecipient)
class CallSheetRecipientAdmin(admin.ModelAdmin):
    list_display = ["id", "call_sheet", "user", "revision", "seen_at", "confirmed_at", "confirmed_revision"]
