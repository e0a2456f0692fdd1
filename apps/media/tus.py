"""The tus 1.0.0 protocol's vocabulary (https://tus.io/protocols/resumable-upload): versions, extensions, header codecs.

Pure: no database, no HTTP framework. The views that speak the protocol are apps.media.api.uploads;
the Upload row and its bytes are written by apps.media.services.uploads. Slate offers the core
protocol plus the creation, termination, checksum (sha1, md5, sha256) and expiration extensions,
and its own header `Slate-Upload-Fingerprint`.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re

from apps.core.errors import ApplicationError

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = ("creation", "termination", "checksum", "expiration")
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1, "md5": hashlib.md5, "sha256": hashlib.sha256}
CHUNK_CONTENT_TYPE = "application/offset+octet-stream"
FINGERPRINT_HEADER = "Slate-Upload-Fingerprint"
_METADATA_KEY = re.compile(r"^[!#-+\--~]+$")  # printable ASCII without space and comma (tus §Upload-Metadata)


def metadata_decode(header: str) -> dict[str, str]:
    """Decode `Upload-Metadata` (tus §Creation, Upload-Metadata): comma-separated `key base64value` pairs.

    Keys are ASCII without spaces or commas and unique; a value may be missing (empty string).
    Values must be UTF-8 text here. Raises `ApplicationError` 400 `invalid` otherwise.
    """
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in header.split(","))):
        key, _, encoded = item.partition(" ")
        if not _METADATA_KEY.match(key) or key in pairs or " " in encoded.strip():
            raise ApplicationError(f"Upload-Metadata has a bad or repeated key {key[:40]!r}.", code="invalid")
        try:
            pairs[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ApplicationError(f"Upload-Metadata value of {key!r} is not base64 of UTF-8 text.", code="invalid") from None
    return pairs


def metadata_encode(metadata: dict[str, str]) -> str:
    """`Upload-Metadata` for HEAD responses (tus §Core, HEAD: the metadata as the client gave it)."""
    return ",".join(f"{key} {base64.b64encode(str(value).encode()).decode()}" if value != "" else key
                    for key, value in metadata.items())


def checksum_decode(header: str) -> tuple[str, bytes]:
    """Decode `Upload-Checksum: <algorithm> <base64 digest>` (tus §Checksum).

    Raises `ApplicationError` 400 `invalid` for an algorithm not in Tus-Checksum-Algorithm or a bad digest.
    """
    name, _, encoded = header.strip().partition(" ")
    algorithm = CHECKSUM_ALGORITHMS.get(name.lower())
    if algorithm is None:
        raise ApplicationError(f"Checksum algorithm {name[:20]!r} is not supported; use {', '.join(CHECKSUM_ALGORITHMS)}.",
                               code="invalid")
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        digest = b""
    if len(digest) != algorithm().digest_size:
        raise ApplicationError("Upload-Checksum does not hold a base64 digest of that algorithm.", code="invalid")
    return name.lower(), digest
