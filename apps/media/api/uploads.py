"""REST: resumable uploads from set, tus 1.0.0 (https://tus.io/protocols/resumable-upload) at /api/uploads/.

Core protocol plus the creation, termination, checksum (sha1, md5, sha256) and expiration
extensions. These views speak the protocol (headers, status codes, X-HTTP-Method-Override, OPTIONS
discovery; the header codecs are apps.media.tus); the Upload row and its bytes are written by
apps.media.services.uploads. The PATCH that completes the file answers `Slate-Media-Asset: <id>`
for a clip or still, `Slate-Job: <uuid>` for a camera-card ZIP, `Slate-Continuity-Photo: <id>` for a
continuity note's photo. Slate's additions: Upload-Metadata keys `production` (required), `take`,
`replaces`, `continuity_note`, `sha256` (whole file, hex), `fingerprint`; header
`Slate-Upload-Fingerprint` on any request (409 `different_file` when it is not the one given at
creation); `GET` answers the upload as JSON.
"""
from __future__ import annotations

from django.conf import settings
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.core.integers import parse_int
from apps.core.uploads import too_large
from apps.media.models import Upload, UploadState
from apps.media.serializers import UploadSerializer
from apps.media.services import upload_append, upload_check_open, upload_create, upload_get, upload_terminate
from apps.media.tus import (
    CHECKSUM_ALGORITHMS,
    CHUNK_CONTENT_TYPE,
    FINGERPRINT_HEADER,
    TUS_EXTENSIONS,
    TUS_VERSION,
    checksum_decode,
    metadata_decode,
    metadata_encode,
)
from apps.productions.permissions import require_write


def _header_int(request, name: str) -> int:
    """A byte count or offset header (Upload-Length, Upload-Offset): 0 to 2**63 - 1, else 400 `invalid`."""
    return parse_int(request.headers.get(name), name=name, minimum=0)


def _tus_headers(upload: Upload) -> dict[str, str]:
    headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length), "Cache-Control": "no-store"}
    if upload.state == UploadState.RECEIVING:
        headers["Upload-Expires"] = http_date(upload.expires_at.timestamp())
    return headers


class TusView(APIView):
    """What both tus endpoints share: Tus-Resumable on every response, the version check (412, tus §Core
    Tus-Resumable), X-HTTP-Method-Override, OPTIONS open to anyone (tus §Core OPTIONS), auth as the rest of the API."""

    TUS_METHODS = ("POST", "HEAD", "PATCH", "DELETE")
    # apps.core.schema: what the protocol answers besides the API's shared errors (the headers are the input).
    error_statuses = {"post": (400, 412, 413, 507), "patch": (400, 410, 412, 413, 415, 423, 460), "delete": (412, 423)}

    def get_permissions(self):
        if self.request.method == "OPTIONS":
            return [permissions.AllowAny()]
        return super().get_permissions()

    def initialize_request(self, request, *args, **kwargs):
        # tus §Core X-HTTP-Method-Override: only on a POST, and only to PATCH/DELETE (both CSRF-checked as unsafe methods).
        override = request.headers.get("X-HTTP-Method-Override", "").upper()
        if request.method == "POST" and override in ("PATCH", "DELETE"):
            request.method = override
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Only a method this URL answers is a tus request; any other is 405 (with Allow), whatever its headers.
        answered = request.method.lower() in self.http_method_names and hasattr(self, request.method.lower())
        if answered and request.method in self.TUS_METHODS and request.headers.get("Tus-Resumable") != TUS_VERSION:
            raise ApplicationError(f"This server speaks tus {TUS_VERSION}; send Tus-Resumable: {TUS_VERSION}.",
                                   code="tus_version", status=412)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = TUS_VERSION
        if response.status_code == 412:
            response["Tus-Version"] = TUS_VERSION
        if response.status_code == 460:
            response.reason_phrase = "Checksum Mismatch"
        if request.method == "HEAD" and isinstance(response, Response):
            response.data = None  # HEAD answers carry headers only (RFC 9110 §9.3.2)
        return response

    def options(self, request, *args, **kwargs):
        """tus §Core OPTIONS: version, extensions, Tus-Max-Size (bytes) and checksum algorithms."""
        return Response(status=204, headers={
            "Tus-Version": TUS_VERSION, "Tus-Extension": ",".join(TUS_EXTENSIONS),
            "Tus-Max-Size": str(settings.SLATE_MAX_RESUMABLE_UPLOAD_BYTES),
            "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS),
        })

    def _upload(self, request, upload_id) -> Upload:
        upload = upload_get(user=request.user, upload_id=upload_id)
        given = request.headers.get(FINGERPRINT_HEADER, "")
        if given and upload.fingerprint and given[:200] != upload.fingerprint:
            raise ApplicationError("This upload is of another file; start a new upload.", code="different_file", status=409)
        return upload

    def _writable(self, request, upload_id) -> Upload:
        upload = self._upload(request, upload_id)
        require_write(user=request.user, production=upload.production_id)
        if upload.created_by_id != request.user.pk:
            raise PermissionDeniedError("Only the person who started this upload can send or delete its bytes.")
        return upload


class UploadCollectionView(TusView):
    """`/api/uploads/`: OPTIONS (tus discovery) and POST (tus §Creation) of a resumable upload."""

    @extend_schema(request=None, responses={201: OpenApiResponse(description="Created; Location: /api/uploads/{id}/, Upload-Expires.")})
    def post(self, request):
        """Start an upload: headers Tus-Resumable, Upload-Length (bytes), Upload-Metadata (base64 pairs:
        production (required), filename, filetype, take, replaces, continuity_note (a photo of that note), sha256,
        fingerprint).

        201 with `Location: /api/uploads/{id}/` and `Upload-Expires`. 400 `invalid` / `empty_file`,
        403 viewer, 404 other production, 412 tus version, 413 `too_large`, 507 `insufficient_storage`.
        """
        if request.headers.get("Upload-Defer-Length"):
            raise ApplicationError("Upload-Defer-Length is not supported: send Upload-Length.", code="invalid")
        length = _header_int(request, "Upload-Length")
        metadata = metadata_decode(request.headers.get("Upload-Metadata", ""))
        upload = upload_create(actor=request.user, length=length, metadata=metadata,
                               fingerprint=request.headers.get(FINGERPRINT_HEADER, ""))
        return Response(status=201, headers={"Location": f"/api/uploads/{upload.pk}/", **_tus_headers(upload)})


class UploadView(TusView):
    """`/api/uploads/{id}/`: HEAD (offset), PATCH (a chunk), DELETE (termination), GET (JSON) of one upload."""

    @extend_schema(responses={200: UploadSerializer})
    def get(self, request, upload_id):
        """The upload as JSON (`UploadSerializer`); 404 when it is not in one of your productions."""
        return Response(UploadSerializer(self._upload(request, upload_id)).data, headers={"Cache-Control": "no-store"})

    def head(self, request, upload_id):
        """tus §Core HEAD: 200 with Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires; 410 once failed or expired."""
        upload = self._upload(request, upload_id)
        if upload.state != UploadState.COMPLETE:
            upload_check_open(upload)
        return Response(status=200, headers={**_tus_headers(upload), "Upload-Metadata": metadata_encode(upload.metadata)})

    @extend_schema(request={CHUNK_CONTENT_TYPE: bytes}, responses={204: OpenApiResponse(
        description="Upload-Offset; Slate-Media-Asset, Slate-Job or Slate-Continuity-Photo when complete.")})
    def patch(self, request, upload_id):
        """tus §Core PATCH: append the body at Upload-Offset (Content-Type application/offset+octet-stream,
        optional Upload-Checksum). 204 with the new Upload-Offset; the request that completes the file
        also carries `Slate-Media-Asset: <id>`, `Slate-Job: <uuid>` or `Slate-Continuity-Photo: <id>`. 409 `offset_mismatch` /
        `different_file`, 410, 413, 415, 423, 460 `checksum_mismatch`; ingest errors 4xx (upload failed).
        """
        upload = self._writable(request, upload_id)
        if request.content_type != CHUNK_CONTENT_TYPE:
            raise ApplicationError(f"A chunk is sent as {CHUNK_CONTENT_TYPE}.", code="unsupported_media_type", status=415)
        offset = _header_int(request, "Upload-Offset")
        content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        if content_length > settings.SLATE_UPLOAD_MAX_CHUNK_BYTES:
            raise too_large("chunk", settings.SLATE_UPLOAD_MAX_CHUNK_BYTES)
        raw_checksum = request.headers.get("Upload-Checksum")
        checksum = checksum_decode(raw_checksum) if raw_checksum else None
        upload = upload_append(upload=upload, offset=offset, stream=request._request, content_length=content_length,
                               checksum=checksum)
        headers = _tus_headers(upload)
        if upload.asset_id:
            headers["Slate-Media-Asset"] = str(upload.asset_id)
        elif upload.job_id:
            headers["Slate-Job"] = str(upload.job_id)
        elif upload.continuity_photo_id:
            headers["Slate-Continuity-Photo"] = str(upload.continuity_photo_id)
        return Response(status=204, headers=headers)

    @extend_schema(responses={204: None})
    def delete(self, request, upload_id):
        """tus §Termination: 204, the upload and its bytes removed (an asset or job it became stays)."""
        upload_terminate(upload=self._writable(request, upload_id))
        return Response(status=204)
