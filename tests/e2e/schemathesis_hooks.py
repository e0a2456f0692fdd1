"""schemathesis hooks for tests/e2e/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

A tus chunk (`PATCH /api/uploads/{id}/`) is sent as `application/offset+octet-stream`: raw bytes, like
`application/octet-stream`, for which schemathesis has a serializer.
"""
import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
