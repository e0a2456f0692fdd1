"""REST: shoot days, the stripboard's strips, day out of days, call sheets and their distribution.

The views: each checks who may do it (apps.callsheets.permissions), calls one service
(apps.callsheets.services) and answers with a serializer of apps.callsheets.serializers.
"""
from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit.services import audit_export
from apps.callsheets import services
from apps.callsheets.dood import dood_csv, production_dood
from apps.callsheets.models import CallSheetRevision, ShootDay
from apps.callsheets.permissions import require_scheduler
from apps.callsheets.selectors import attach_sheet_extras, call_sheet_queryset, recipient_queryset, shoot_day_queryset, strip_queryset
from apps.callsheets.serializers import (
    CallSheetRecipientSerializer,
    CallSheetRevisionSerializer,
    CallSheetSerializer,
    DoodSerializer,
    ShootDaySerializer,
    StripMoveSerializer,
    StripSerializer,
    VersionSerializer,
)
from apps.core.api import requested_version
from apps.core.errors import ApplicationError, NotFoundError
from apps.core.integers import parse_int
from apps.productions.permissions import require_member
from apps.productions.scoped import ProductionScopedViewSet
from apps.productions.selectors import scope_to_user


def _version_of(request) -> int:
    version = requested_version(request)
    if version is None:
        raise ApplicationError("Say which version this is based on: send `version`.", code="version_required", status=428)
    return version


class _ScheduleViewSet(ProductionScopedViewSet):
    """ProductionScopedViewSet whose writes need a scheduling role (owner, producer, assistant director)."""

    def _production_of(self, validated: dict):
        return validated.get("production") or validated["shoot_day"].production

    def perform_create(self, serializer):
        """Create through `create_service`; 403 for roles that do not schedule, 404 for non-members."""
        require_scheduler(user=self.request.user, production=self._production_of(serializer.validated_data))
        serializer.instance = type(self).create_service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        """Update through `update_service` based on `version` (428 without, 409 stale); 403 for roles that do not schedule."""
        require_scheduler(user=self.request.user, production=serializer.instance.production_id)
        serializer.instance = type(self).update_service(instance=serializer.instance, actor=self.request.user,
                                                        version=_version_of(self.request), **serializer.validated_data)

    def perform_destroy(self, instance):
        """Delete through `delete_service`; 403 for roles that do not schedule."""
        require_scheduler(user=self.request.user, production=instance.production_id)
        type(self).delete_service(instance=instance, actor=self.request.user)


# --- shoot days ------------------------------------------------------------------------------

class ShootDayViewSet(_ScheduleViewSet):
    """Shoot days of the user's productions, in day order; `?production=` filters."""

    serializer_class = ShootDaySerializer
    filterset_fields = ["production"]
    ordering_fields = ["date", "number"]
    queryset = shoot_day_queryset().order_by("production_id", "date", "id")
    create_service = services.shoot_day_create
    update_service = services.shoot_day_update
    delete_service = services.shoot_day_delete


# --- strips ----------------------------------------------------------------------------------

class StripViewSet(_ScheduleViewSet):
    """Strips of the user's productions, in board order; `?production=`, `?shoot_day=` filter. `POST .../{id}/move/` moves one."""

    serializer_class = StripSerializer
    filterset_fields = ["production", "shoot_day", "kind"]
    queryset = strip_queryset().order_by("production_id", "shoot_day__date", "shoot_day_id", "position", "id")
    create_service = services.strip_create
    update_service = services.strip_update
    delete_service = services.strip_delete

    @extend_schema(request=StripMoveSerializer, responses={200: StripSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the strip to `position` on `shoot_day` (left out: its end); both days' strips are renumbered 0..n-1.

        200 with the strip (version+1). 400 for a day of another production, 403 for roles that do
        not schedule, 404 for a strip the user cannot see, 409 when `version` is stale.
        """
        strip = self.get_object()
        require_scheduler(user=request.user, production=strip.production_id)
        body = StripMoveSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        strip = services.strip_move(strip=strip, actor=request.user, version=body.validated_data["version"],
                                    shoot_day=body.validated_data["shoot_day"], position=body.validated_data.get("position"))
        return Response(StripSerializer(strip_queryset().get(pk=strip.pk)).data)


# --- day out of days ------------------------------------------------------------------------

def _require_dood_reader(user, pk: int) -> None:
    """404 unless `user` is on production `pk` (the `<id:pk>` path converter has bounded it to the database's range)."""
    require_member(user=user, production=pk)


class DoodView(APIView):
    """`GET /api/productions/{id}/dood/`: day out of days for the cast (apps.callsheets.dood); 404 for non-members."""

    @extend_schema(responses={200: DoodSerializer})
    def get(self, request, pk: int):
        _require_dood_reader(request.user, pk)
        return Response(production_dood(production_id=pk))


class DoodCsvView(APIView):
    """`GET /api/productions/{id}/dood.csv`: the day out of days as CSV (one row per cast member); 404 for non-members."""

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request, pk: int):
        _require_dood_reader(request.user, pk)
        response = HttpResponse(dood_csv(production_dood(production_id=pk)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, f"dood-{pk}.csv")
        response["Cache-Control"] = "private, no-store"
        audit_export(request, response, production=pk, export="dood_csv")
        return response


class ContactListCsvView(APIView):
    """`GET /api/productions/{id}/contacts.csv`: the cast and crew list as CSV, with the phones and emails the reader may see; 404 for non-members."""

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request, pk: int):
        from apps.callsheets.contacts import contact_list_csv

        require_member(user=request.user, production=pk)
        response = HttpResponse(contact_list_csv(user=request.user, production_id=pk), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, f"contacts-{pk}.csv")
        response["Cache-Control"] = "private, no-store"
        audit_export(request, response, production=pk, export="contacts_csv")
        return response


# --- daily reports ---------------------------------------------------------------------------

def _report_of(request, pk: int) -> dict:
    """The day's reports (apps.callsheets.reports) for a member of its production; 404 otherwise."""
    from apps.callsheets.reports import shoot_day_report

    day = scope_to_user(ShootDay.objects.select_related("production"), user=request.user).filter(pk=pk).first()
    if day is None:
        raise NotFoundError("No such shoot day.")
    return shoot_day_report(shoot_day=day)


class ShootDayReportView(APIView):
    """`GET /api/shoot-days/{id}/report/`: the script supervisor's and the production report of a shoot day (JSON,
    apps.callsheets.reports.shoot_day_report); 404 for non-members."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        return Response(_report_of(request, pk))


class ShootDayReportFileView(APIView):
    """`GET /api/shoot-days/{id}/report/{script|production}.{csv|pdf}`: one report as a file (apps.callsheets.report_files)."""

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int, kind: str, fmt: str):
        from apps.callsheets import report_files

        writers = {("script", "csv"): report_files.script_report_csv, ("script", "pdf"): report_files.script_report_pdf,
                   ("production", "csv"): report_files.production_report_csv, ("production", "pdf"): report_files.production_report_pdf}
        if (kind, fmt) not in writers:
            raise NotFoundError("Reports are script or production, as csv or pdf.")
        report = _report_of(request, pk)
        content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/pdf"
        response = HttpResponse(writers[kind, fmt](report), content_type=content_type)
        name = f"{kind}-report-day-{report['shoot_day']['number']}-{report['shoot_day']['date']}.{fmt}"
        response["Content-Disposition"] = content_disposition_header(fmt == "csv", name)
        response["Cache-Control"] = "private, no-store"
        audit_export(request, response, production=report["production"]["id"], export=f"{kind}_report_{fmt}", shoot_day=pk)
        return response


# --- call sheets -----------------------------------------------------------------------------

class CallSheetViewSet(_ScheduleViewSet):
    """Call sheets of the user's productions; `?production=`, `?shoot_day=`, `?status=` filter.

    Actions: `publish`, `revisions`, `recipients`, `seen`, `confirm`, `pdf`.
    """

    serializer_class = CallSheetSerializer
    filterset_fields = ["production", "shoot_day", "status"]
    queryset = call_sheet_queryset()
    create_service = services.call_sheet_create
    update_service = services.call_sheet_update
    delete_service = services.call_sheet_delete

    def list(self, request, *args, **kwargs):
        """The page of sheets, their derived fields computed for the whole page at once."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        attach_sheet_extras(rows)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=VersionSerializer, responses={200: CallSheetSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish (or republish) the sheet to every member: a new revision, recipients, notifications.

        400 `no_scenes`, `crew_call_required` or a validation code; 403 for roles that do not
        schedule; 409 when `version` is stale.
        """
        sheet = self.get_object()
        require_scheduler(user=request.user, production=sheet.production_id)
        body = VersionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sheet = services.call_sheet_publish(sheet=sheet, actor=request.user, version=body.validated_data["version"])
        return Response(CallSheetSerializer(call_sheet_queryset().get(pk=sheet.pk)).data)

    @extend_schema(responses={200: CallSheetRevisionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def revisions(self, request, pk=None):
        """Published revisions, newest first."""
        sheet = self.get_object()
        rows = CallSheetRevision.objects.filter(call_sheet=sheet).select_related("published_by").order_by("-revision")
        return Response(CallSheetRevisionSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: CallSheetRecipientSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def recipients(self, request, pk=None):
        """The distribution list: who was sent it, who has seen it, who confirmed it."""
        sheet = self.get_object()
        return Response(CallSheetRecipientSerializer(recipient_queryset().filter(call_sheet=sheet), many=True).data)

    @extend_schema(request=None, responses={200: CallSheetRecipientSerializer})
    @action(detail=True, methods=["post"])
    def seen(self, request, pk=None):
        """Mark the sheet seen by the current user. 400 `not_published` (a draft) or `not_a_recipient`."""
        row = services.call_sheet_mark_seen(sheet=self.get_object(), user=request.user)
        return Response(CallSheetRecipientSerializer(row).data)

    @extend_schema(request=None, responses={200: CallSheetRecipientSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm receipt of the current revision by the current user. 400 `not_published` or `not_a_recipient`."""
        row = services.call_sheet_confirm(sheet=self.get_object(), user=request.user)
        return Response(CallSheetRecipientSerializer(row).data)

    @extend_schema(parameters=[OpenApiParameter("revision", int, description="A published revision (default: the latest; a draft: the draft).")],
                   responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def pdf(self, request, pk=None):
        """The call sheet as a PDF: revision `?revision=n`, else the latest published one, else the draft (watermarked DRAFT).

        The cast and crew tables show a Contact column with the phones and emails the reader may see
        (`apps.callsheets.contacts.sheet_contacts`), none for a reader who may see nobody's; so do the key
        contacts (`apps.callsheets.printing.print_extras`). A published revision carries its banner: number,
        date and time, change list, changed values marked (`printing.revision_banner`).
        400 `invalid` for a revision that is not a whole number; 404 for one that does not exist.
        """
        from apps.callsheets.contacts import sheet_contacts
        from apps.callsheets.pdf import call_sheet_pdf
        from apps.callsheets.printing import print_extras, revision_banner

        sheet = self.get_object()
        raw = request.query_params.get("revision")
        if raw not in (None, ""):
            number = parse_int(raw, name="revision", minimum=0)
            revision = CallSheetRevision.objects.filter(call_sheet=sheet, revision=number).first()
            if revision is None:
                raise NotFoundError(f"This call sheet has no revision {number}.")
        else:
            revision = CallSheetRevision.objects.filter(call_sheet=sheet).order_by("-revision").first()
        if revision is not None:
            data, draft, label = revision.snapshot, False, f"rev{revision.revision}"
        else:
            data, draft, label = CallSheetSerializer(sheet).data, True, "draft"
        contacts = sheet_contacts(user=request.user, production_id=sheet.production_id, sheet=data)
        banner = revision_banner(revision, production=sheet.production) if revision is not None else None
        extras = print_extras(user=request.user, production_id=sheet.production_id, shoot_day_id=sheet.shoot_day_id, sheet=data)
        body = call_sheet_pdf(data, production_title=sheet.production.title, draft=draft, revision=revision.revision if revision else 0,
                              contacts=contacts, banner=banner, extras=extras)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, f"call-sheet-day-{data.get('shoot_day_number')}-{label}.pdf")
        response["Cache-Control"] = "private, no-store"
        audit_export(request, response, production=sheet.production_id, export="call_sheet_pdf", call_sheet=sheet.pk, revision=label)
        return response
