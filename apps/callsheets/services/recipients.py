"""The distribution of a published call sheet: each crew member on it marks it seen and confirms the
current revision. Both publish the recipient's row and the sheet (its `distribution` counts).

The rows themselves are made by `call_sheet_publish` (apps.callsheets.services.sheets).
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.callsheets.models import CallSheet, CallSheetRecipient
from apps.callsheets.selectors import forget_sheet_extras
from apps.core.errors import ApplicationError
from apps.realtime.services import publish_entity


def _recipient_row(*, sheet: CallSheet, user) -> CallSheetRecipient:
    """`user`'s distribution row of `sheet`, locked; 400 `not_published` or `not_a_recipient`."""
    if sheet.revision == 0:
        raise ApplicationError("This call sheet has not been published yet.", code="not_published")
    row = CallSheetRecipient.objects.select_for_update().select_related("user").filter(call_sheet=sheet, user=user).first()
    if row is None:
        raise ApplicationError("You are not on this call sheet's distribution list.", code="not_a_recipient")
    return row


def _distribution_changed(*, row: CallSheetRecipient, sheet: CallSheet, actor) -> None:
    """Publish `callsheet_recipient.updated` for `row` and `callsheet.updated` for its sheet."""
    publish_entity(row, "updated", actor=actor)
    publish_entity(forget_sheet_extras(sheet), "updated", actor=actor)  # its `distribution` counts


@transaction.atomic
def call_sheet_mark_seen(*, sheet: CallSheet, user) -> CallSheetRecipient:
    """Record that `user` opened the published sheet (once per revision); publishes `callsheet_recipient.updated`.

    Raises 400 `not_published` for a never-published sheet, 400 `not_a_recipient` for someone not on its distribution.
    """
    row = _recipient_row(sheet=sheet, user=user)
    if row.seen_at is None:
        row.seen_at = timezone.now()
        row.save(update_fields=["seen_at", "updated_at"])
        _distribution_changed(row=row, sheet=sheet, actor=user)
    return row


@transaction.atomic
def call_sheet_confirm(*, sheet: CallSheet, user) -> CallSheetRecipient:
    """Record that `user` confirms receipt of the current revision (implies seen); publishes `callsheet_recipient.updated`.

    Confirming again the same revision changes nothing. Raises 400 `not_published` / `not_a_recipient`.
    """
    row = _recipient_row(sheet=sheet, user=user)
    if row.confirmed_at is not None and row.confirmed_revision == row.revision:
        return row
    now = timezone.now()
    row.seen_at = row.seen_at or now
    row.confirmed_at, row.confirmed_revision = now, row.revision
    row.save(update_fields=["seen_at", "confirmed_at", "confirmed_revision", "updated_at"])
    _distribution_changed(row=row, sheet=sheet, actor=user)
    return row
