"""Reads of the audit log: a production's for its owners, and one's own sign-ins."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.audit.models import AuditEntry


def audit_production_list(*, production_id: int) -> QuerySet[AuditEntry]:
    """The production's entries, newest first, with their users (the caller has checked the reader is an owner)."""
    return AuditEntry.objects.filter(production_id=production_id).select_related("actor", "target_user").order_by("-at", "-id")


def audit_account_list(*, user) -> QuerySet[AuditEntry]:
    """`user`'s own account entries, newest first: their sign-ins and sign-outs, password and two-factor changes, and
    the failed or refused sign-ins that named their account (from wherever they came). No production's entries."""
    return (AuditEntry.objects.filter(Q(actor=user) | Q(target_user=user), production__isnull=True)
            .select_related("actor", "target_user").order_by("-at", "-id"))
