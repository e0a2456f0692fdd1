"""The OpenAPI schema says which errors each operation answers, with Slate's one error body.

drf-spectacular documents the success answers a view declares. Every operation also answers errors
the API's shared machinery produces, decided here once from what the view is (its authentication,
method, parameters, body, throttles): DRF's validation and parsing (400, 415), authentication and
CSRF (401, 403; 401 also where anyone may call but a Bearer token sent is refused), scoping to the user's productions (404), the version an update is based on (409
stale, 428 missing), rate limits (429) and an aborted write transaction (503 `busy`,
apps.core.exceptions). What only some views answer (412, 413, 416, 423…) they name themselves in
`error_statuses = {"<action or method>": (code, ...)}`; `"*"` applies to every operation of the view.

Every write (POST, PUT, PATCH, DELETE) also declares the optional `Idempotency-Key` request header
(apps.core.idempotency) and what it may answer: 400 for a key Slate does not take, 409 while a request
with the same key still runs, 422 for a key used with another request.
"""
from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers
from rest_framework_simplejwt.authentication import JWTAuthentication

ERROR_DESCRIPTIONS = {
    400: "Bad input (`invalid` with `extra.fields`, `parse_error`, `invalid_idempotency_key`, or a code naming the rule).",
    401: "Not signed in, the token expired, or its sign-in has ended (`not_authenticated`, `token_not_valid`, "
         "`device_signed_out`).",
    403: "Signed in, but the role does not allow it, or the CSRF check failed (`forbidden`, `permission_denied`).",
    404: "No such object in the user's productions (`not_found`).",
    409: "Based on a stale `version` (`conflict`, `extra.current` is the object now), or a conflicting change; or a request "
         "with the same `Idempotency-Key` is still running (`idempotency_in_progress`, `Retry-After`).",
    410: "Gone: the upload failed or expired.",
    412: "Precondition failed: another tus version (`tus_version`).",
    413: "Too large (`too_large`, `extra.limit_bytes`).",
    414: "The address is longer than the server reads (`too_long`, `extra.limit_bytes`).",
    415: "A content type this operation does not take.",
    416: "The requested byte range is not in the file.",
    422: "This `Idempotency-Key` was used for a different request: method, address or body (`idempotency_key_reused`).",
    423: "Locked: another request is writing this upload (`upload_locked`).",
    428: "An update must say which `version` it is based on (`version_required`).",
    429: "Too many requests (`throttled`; `Retry-After`).",
    460: "Checksum mismatch (`checksum_mismatch`): the chunk was not kept.",
    503: "Not done, try again: the database aborted the write (`busy`, `Retry-After`), or a feature is not configured (`not_configured`).",
    507: "The server has no room for the file (`insufficient_storage`).",
}

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"}, OpenApiParameter.HEADER,
    description="A key of the client's own (a UUID) for this one write: sent again with the same request, within a day, "
                "the write is not done twice and the first answer comes back, with `Idempotent-Replayed: true`. "
                "Keys belong to the signed-in user; an RFC 8941 string (`\"…\"`) or the bare key "
                "(draft-ietf-httpapi-idempotency-key-header). Not used by tus chunks (`PATCH` with `Tus-Resumable`).",
)


class ErrorSerializer(serializers.Serializer):
    """Every error of the API: `{"message": str, "code": str, "extra": {...}}`; clients switch on `code`."""

    message = serializers.CharField(help_text="For people; never parse it.")
    code = serializers.CharField(help_text="For programs: `invalid`, `not_found`, `conflict`, `version_required`, `busy`…")
    extra = serializers.DictField(help_text="Details: `fields` (per-field messages), `current` (the object now, on 409)…")


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, adding to each operation the error responses it can answer, and to each
    write the `Idempotency-Key` header (see the module)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return [*parameters, IDEMPOTENCY_KEY] if self.method.upper() in UNSAFE else parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in sorted(self.error_statuses()):
            responses.setdefault(str(code), self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS.get(code, "")), str(code), direction=direction))
        return responses

    def error_statuses(self) -> set[int]:
        """The error statuses this operation can answer: the shared machinery's, plus the view's `error_statuses`."""
        method = self.method.upper()
        unsafe = method in UNSAFE
        anonymous = any(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        path_parameters = "{" in self.path
        query_parameters = bool(self._get_filter_parameters() or self._get_pagination_parameters()
                                or any(location == "query" for _name, location in self._process_override_parameters()))
        has_body = unsafe and method != "DELETE" and self.get_request_serializer() is not None
        codes: set[int] = set()
        if unsafe or query_parameters:
            codes |= {400}  # bad input, or a rule of the service (ApplicationError's default status)
        if has_body:
            codes |= {413, 415}  # a body past DATA_UPLOAD_MAX_MEMORY_SIZE or a file past its limit; a type no parser takes
        if not anonymous:
            codes |= {401, 403}
            if path_parameters or query_parameters or unsafe:
                codes |= {404}
        elif any(isinstance(authenticator, JWTAuthentication) for authenticator in self.view.get_authenticators()):
            codes |= {401}  # open to anyone, but a Bearer token that is sent is checked: expired or signed out → 401
        if unsafe:
            codes |= {403, 503}  # CSRF for a browser session; a write the database aborted
            codes |= {400, 409, 422}  # Idempotency-Key: not a key Slate takes, its request still running, another request's
        if path_parameters:
            codes |= {404}
        if path_parameters or query_parameters:
            codes |= {414}  # an address past the server's 16 KiB line (project/asgi.py)
        if method in ("PUT", "PATCH") and getattr(self.view, "update_service", None) is not None:
            codes |= {428}  # ProductionScopedViewSet: an update names its version
        if self.view.get_throttles():
            codes |= {429}
        declared = getattr(self.view, "error_statuses", {})
        codes |= set(declared.get("*", ()))
        codes |= set(declared.get(getattr(self.view, "action", None) or method.lower(), ()))
        return codes
