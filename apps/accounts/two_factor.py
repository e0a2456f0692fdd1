"""Two-factor authentication (issue 18), optional per user: an authenticator app's time-based codes and one-time
recovery codes, on django-otp's models.

A user has two-factor authentication when they have a confirmed `TOTPDevice` (django_otp.plugins.otp_totp: RFC 6238
TOTP, SHA-1, 6 digits, 30-second steps, one step of tolerance either side; a code is accepted once — only a later
step's code after it, `TOTPDevice.last_t`). Their recovery codes are the tokens of one `StaticDevice`
(django_otp.plugins.otp_static): 10 random codes, each spent by its use. Both devices' own throttling (django-otp's
`ThrottlingMixin`: after each failure the device refuses every code for 2^(n-1) seconds, `OTP_*_THROTTLE_FACTOR`)
applies on top of Slate's per-address and per-account sign-in limits (apps.core.throttling), which count every wrong
code as a failed sign-in (`sign_in_second_factor`).

Enrolment: `enrolment_start` makes an unconfirmed device and answers its secret, otpauth:// URI and QR code; the first
right code from the app (`enrolment_confirm`) confirms it and makes the recovery codes, shown once. Turning it off
(`two_factor_disable`) needs the password and a code.
"""
from __future__ import annotations

import base64
import secrets

import qrcode
import qrcode.image.svg
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.services import AuditAction, audit_record
from apps.core.errors import ApplicationError

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper and typed again
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def has_two_factor(user) -> bool:
    """True when `user` has turned two-factor authentication on (a confirmed authenticator-app device)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    """How many unused recovery codes `user` has (0 without two-factor authentication)."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _qr_svg_data_uri(uri: str) -> str:
    """`uri` as a QR code: an SVG image (black on white, with the quiet zone) in a `data:image/svg+xml;base64,` URI,
    which the CSP's `img-src data:` allows."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


@transaction.atomic
def enrolment_start(*, user) -> dict:
    """Begin turning two-factor authentication on: a new, unconfirmed authenticator-app device for `user` (replacing
    any earlier unconfirmed one). Nothing changes at sign-in until `enrolment_confirm`.

    Answers `{"secret": base32 key (RFC 4648, no padding; typed by hand into the app), "otpauth_uri": Google's Key Uri
    Format (issuer settings.OTP_TOTP_ISSUER, label the username), "qr_svg": the URI as a QR code, a data: URI}`.
    Raises `ApplicationError` 400 `two_factor_enabled` when it is on already.
    """
    if has_two_factor(user):
        raise ApplicationError("Two-factor authentication is on already. Turn it off first to set up another app.",
                               code="two_factor_enabled")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    uri = device.config_url
    return {
        "secret": base64.b32encode(device.bin_key).decode("ascii").rstrip("="),
        "otpauth_uri": uri,
        "qr_svg": _qr_svg_data_uri(uri),
    }


def _clean(code: str) -> str:
    """A code as typed: spaces and dashes dropped, lower case (recovery codes are shown as `abcd-efgh`)."""
    return "".join(ch for ch in str(code) if ch not in " -\t").lower()


def _is_app_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def _taking_codes(devices: list) -> list:
    """`devices` that take a code now; raises `ApplicationError` 429 `code_throttled` when there are some and none
    does (django-otp's `ThrottlingMixin`: after n wrong codes a device refuses every code for 2^(n-1) seconds)."""
    allowed = [device for device in devices if device.verify_is_allowed()[0]]
    if devices and not allowed:
        raise ApplicationError("Too many wrong codes in a row: wait a few seconds, then enter the newest code.",
                               code="code_throttled", status=429)
    return allowed


def _verify_app_code(devices, code: str) -> bool:
    """Whether `code` (6 digits) is the current code of one of `devices` (TOTPDevice rows, locked by the caller);
    django-otp counts a failure against each device's own throttle (429 `code_throttled` while it refuses codes)."""
    if not _is_app_code(code):
        return False
    return any(device.verify_token(code) for device in _taking_codes(devices))


@transaction.atomic
def enrolment_confirm(*, user, code: str) -> list[str]:
    """Finish turning two-factor authentication on with the first `code` the app shows; answers the new recovery
    codes (`RECOVERY_CODE_COUNT`, `xxxx-xxxx`), which are shown this once.

    Raises `ApplicationError` 400 `no_enrolment` without a started enrolment (or when it is on already), 400
    `invalid_code` (`extra.fields.code`) for a wrong or throttled code.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
    if device is None or has_two_factor(user):
        raise ApplicationError("Start setting up two-factor authentication first.", code="no_enrolment")
    if not _verify_app_code([device], _clean(code)):
        raise _invalid_code("That code is not right. Check the app shows Slate's code and try the next one.")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action=AuditAction.TWO_FACTOR_ENABLED, actor=user, target_user=user)
    return _new_recovery_codes(user)


def _invalid_code(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_code", extra={"fields": {"code": [message]}})


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(8)) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def _check_password(user, password: str) -> None:
    if not user.check_password(password):
        message = "Your current password is not right."
        raise ApplicationError(message, code="wrong_password", extra={"fields": {"password": [message]}})


@transaction.atomic
def recovery_codes_regenerate(*, user, password: str) -> list[str]:
    """New recovery codes for `user` (the old ones stop working), after checking their password; shown this once.

    Raises `ApplicationError` 400 `wrong_password` (`extra.fields.password`), 400 `two_factor_disabled` when
    two-factor authentication is off.
    """
    _check_password(user, password)
    if not has_two_factor(user):
        raise ApplicationError("Two-factor authentication is off: there are no recovery codes.", code="two_factor_disabled")
    return _new_recovery_codes(user)


@transaction.atomic
def verify_code(*, user, code: str) -> bool:
    """Whether `code` is `user`'s authenticator code or one of their unused recovery codes; a recovery code is then
    spent (deleted), so it works once even for two requests at the same moment (the delete decides). The devices are
    locked for the check, so one app code is not accepted twice either. Raises `ApplicationError` 429
    `code_throttled` while django-otp's throttle makes the devices refuse every code (after wrong ones)."""
    code = _clean(code)
    if not code:
        return False
    if _is_app_code(code):
        return _verify_app_code(list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)), code)
    for device in _taking_codes(list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))):
        spent, _ = StaticToken.objects.filter(device=device, token=code).delete()
        if spent:
            device.throttle_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save()
            return True
        device.throttle_increment()
    return False


@transaction.atomic
def two_factor_disable(*, user, password: str, code: str) -> None:
    """Turn two-factor authentication off for `user` (every app device and recovery code deleted), after checking
    their password and a code (app or recovery).

    Raises `ApplicationError` 400 `wrong_password` or `invalid_code` (details in `extra.fields`), 400
    `two_factor_disabled` when it is off already.
    """
    _check_password(user, password)
    if not has_two_factor(user):
        raise ApplicationError("Two-factor authentication is off already.", code="two_factor_disabled")
    if not verify_code(user=user, code=code):
        raise _invalid_code("That code is not right.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(action=AuditAction.TWO_FACTOR_DISABLED, actor=user, target_user=user)


def sign_in_second_factor(request, *, user, login: str, code: str | None) -> None:
    """The second step of a sign-in whose password was right: nothing for a user without two-factor authentication;
    otherwise `code` must be their app's code or an unused recovery code (spent then).

    Raises `ApplicationError` 401 `two_factor_required` when no code came (the client asks for one and sends the
    login, password and code again), 400 `invalid_code` for a wrong one, 429 `code_throttled` right after wrong ones
    (`verify_code`; that attempt checks no code). A wrong code is a failed sign-in for the
    per-account lock-out (Django's `user_login_failed` signal with `login`, as `authenticate` sends for a wrong
    password: apps.core.throttling.record_failed_sign_in).
    """
    if not has_two_factor(user):
        return
    if not code or not str(code).strip():
        raise ApplicationError("Enter the code from your authenticator app, or one of your recovery codes.",
                               code="two_factor_required", status=401)
    if not verify_code(user=user, code=code):
        user_login_failed.send(sender=__name__, credentials={"username": login}, request=request)
        raise _invalid_code("That code is not right. Enter the app's current code or an unused recovery code.")
