"""One's own profile: time zone and avatar.

The time zone is an IANA name (`zoneinfo.available_timezones()`, the tz database the server has) or blank for the
browser's own. The avatar is an uploaded JPEG, PNG or WebP (judged by its content with Pillow,
apps.core.uploads.inspect_image), at most `SLATE_MAX_AVATAR_UPLOAD_BYTES`, re-encoded to an `AVATAR_SIZE_PX` square
WebP (centre crop; no metadata such as EXIF location survives) and stored under a generated name in `avatars/`.
It is served to the user and to people who share a production with them (apps.accounts.profile_api).
"""
from __future__ import annotations

import io
import zoneinfo
from functools import lru_cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps

from apps.accounts.models import User
from apps.core.errors import ApplicationError
from apps.core.uploads import check_upload_size, generated_name, inspect_image, stored_upload

AVATAR_SIZE_PX = 256


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    """Every IANA time zone name this server knows (`zoneinfo.available_timezones()`)."""
    return frozenset(zoneinfo.available_timezones())


def checked_time_zone(name: str) -> str:
    """`name` trimmed if it is an IANA time zone name (or blank); else `ApplicationError` 400 `invalid`
    (`extra.fields.time_zone`)."""
    name = (name or "").strip()
    if name and name not in time_zone_names():
        message = f"{name[:64]!r} is not a time zone name such as 'Europe/Madrid'."
        raise ApplicationError(message, code="invalid", extra={"fields": {"time_zone": [message]}})
    return name


@transaction.atomic
def user_set_time_zone(*, user: User, time_zone: str) -> User:
    """Set `user.time_zone` (an IANA name, blank: the browser's). Raises `ApplicationError` 400 `invalid`."""
    user.time_zone = checked_time_zone(time_zone)
    user.save(update_fields=["time_zone"])
    return user


def _square_webp(upload: UploadedFile) -> bytes:
    """The image cropped to its centre square, turned upright (EXIF orientation), scaled to AVATAR_SIZE_PX, as WebP."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image = ImageOps.fit(image.convert("RGBA"), (AVATAR_SIZE_PX, AVATAR_SIZE_PX), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="WEBP", quality=85)
    return out.getvalue()


@transaction.atomic
def user_set_avatar(*, user: User, upload: UploadedFile, limit_bytes: int) -> User:
    """Replace `user`'s avatar with `upload` re-encoded as a square WebP; the old file goes after commit.

    Raises `ApplicationError` 400 `empty_file` or `not_an_image` (not a JPEG, PNG or WebP by content, truncated, a
    decompression bomb), 413 `too_large` over `limit_bytes`. Nothing changes then.
    """
    check_upload_size(upload, limit_bytes=limit_bytes, what="picture")
    inspect_image(upload)
    old = user.avatar.name if user.avatar else ""
    with stored_upload(ContentFile(_square_webp(upload)), generated_name("avatars", "webp")) as name:
        user.avatar.name = name
        user.save(update_fields=["avatar"])
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return user


@transaction.atomic
def user_delete_avatar(*, user: User) -> User:
    """Remove `user`'s avatar (the file goes after commit); nothing happens when there is none."""
    old = user.avatar.name if user.avatar else ""
    if old:
        user.avatar.name = ""
        user.save(update_fields=["avatar"])
        transaction.on_commit(lambda: default_storage.delete(old))
    return user
