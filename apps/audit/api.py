"""REST: a production's audit log for its owners, and one's own sign-in history."""
from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import generics

from apps.audit.models import AuditAction, AuditEntry
from apps.audit.selectors import audit_account_list, audit_production_list
from apps.audit.serializers import AuditEntrySerializer
from apps.core.errors import PermissionDeniedError
from apps.productions.models import Role
from apps.productions.permissions import require_member


class AuditFilter(filters.FilterSet):
    """`?action=role_changed` (repeatable: `?action=sign_in&action=sign_in_failed`)."""

    action = filters.MultipleChoiceFilter(choices=AuditAction.choices)

    class Meta:
        model = AuditEntry
        fields = ["action"]


class _AuditListView(generics.ListAPIView):
    """A page of audit entries (`entries()`), newest first, `?action=` to filter."""

    serializer_class = AuditEntrySerializer
    filterset_class = AuditFilter
    filter_backends = [filters.DjangoFilterBackend]

    def get_queryset(self):
        """`entries()`; none while drf-spectacular builds the schema (no user, no production)."""
        return AuditEntry.objects.none() if getattr(self, "swagger_fake_view", False) else self.entries()


class ProductionAuditView(_AuditListView):
    """`GET /api/productions/{id}/audit/`: the production's audit log — role changes, members added, invited and
    removed, ownership transfers, exports — newest first, paginated, `?action=` to filter.

    Owners only: 403 for the production's other members, 404 for anyone not on it.
    """

    def entries(self):
        """The production's entries once the reader is known to be one of its owners."""
        production_id = self.kwargs["pk"]
        if require_member(user=self.request.user, production=production_id) != Role.OWNER:
            raise PermissionDeniedError("Only the production's owners can read its audit log.")
        return audit_production_list(production_id=production_id)


class MyAuditView(_AuditListView):
    """`GET /api/me/audit/`: one's own sign-in history — sign-ins and sign-outs, failed and refused sign-ins that named
    one's account, password and two-factor changes — with when and from where, newest first, paginated,
    `?action=` to filter. A sign-in one does not recognise is someone else's: change the password."""

    def entries(self):
        """The signed-in user's account entries."""
        return audit_account_list(user=self.request.user)
