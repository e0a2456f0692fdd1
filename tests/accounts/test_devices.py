"""Signed-in devices: the list, "this device", signing one out and signing out everywhere, through the real API."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts import devices
from apps.accounts.devices import device_label
from apps.accounts.models import SignedInDevice
from tests.accounts.clients import bearer, jwt_pair, refresh, session_client

pytestmark = pytest.mark.django_db
ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
MAC_SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
WINDOWS_EDGE = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0"


@pytest.mark.parametrize(("ua", "label"), [
    (ANDROID_CHROME, "Chrome on Android"),
    (MAC_SAFARI, "Safari on macOS"),
    (WINDOWS_EDGE, "Edge on Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox on Linux"),
    ("python-requests/2.32.3", "python-requests"),
    ("", "Unknown device"),
])
def test_a_user_agent_is_summarised_for_people(ua, label):
    assert device_label(ua) == label


def test_each_sign_in_is_listed_with_this_device_marked(make_user):
    make_user(username="marco")
    phone = session_client("marco", user_agent=ANDROID_CHROME)
    session_client("marco", user_agent=MAC_SAFARI)
    pair = jwt_pair("marco", user_agent="SlateTablet/1.2")

    from_phone = phone.get("/api/me/devices/").json()
    from_token = bearer(pair["access"]).get("/api/me/devices/").json()

    assert sorted((d["kind"], d["label"]) for d in from_phone) == [
        ("jwt", "SlateTablet"), ("session", "Chrome on Android"), ("session", "Safari on macOS")]
    assert [d["label"] for d in from_phone if d["this_device"]] == ["Chrome on Android"]
    assert [d["label"] for d in from_token if d["this_device"]] == ["SlateTablet"]
    assert {d["ip"] for d in from_phone} == {"127.0.0.1"}


def test_nobody_sees_another_users_devices(make_user):
    make_user(username="marco")
    make_user(username="ana")
    marco = session_client("marco")
    ana = session_client("ana")
    anas_device = ana.get("/api/me/devices/").json()[0]["id"]

    assert anas_device not in [d["id"] for d in marco.get("/api/me/devices/").json()]
    assert marco.delete(f"/api/me/devices/{anas_device}/").status_code == 404
    assert ana.get("/api/auth/me/").status_code == 200


def test_signing_out_a_session_device_ends_that_session_only(make_user):
    make_user(username="marco")
    laptop = session_client("marco", user_agent=MAC_SAFARI)
    phone = session_client("marco", user_agent=ANDROID_CHROME)
    phone_id = next(d["id"] for d in laptop.get("/api/me/devices/").json() if d["label"] == "Chrome on Android")

    assert laptop.delete(f"/api/me/devices/{phone_id}/").status_code == 204

    assert phone.get("/api/auth/me/").status_code in (401, 403)
    assert laptop.get("/api/auth/me/").status_code == 200
    assert [d["label"] for d in laptop.get("/api/me/devices/").json()] == ["Safari on macOS"]


def test_signing_out_a_token_device_refuses_its_refresh_token(make_user):
    make_user(username="marco")
    laptop = session_client("marco")
    tablet = jwt_pair("marco", user_agent="SlateTablet/1.2")
    other = jwt_pair("marco", user_agent="SlateScript/0.1")
    tablet_id = next(d["id"] for d in laptop.get("/api/me/devices/").json() if d["label"] == "SlateTablet")
    assert refresh(tablet["refresh"]).status_code == 200

    assert laptop.delete(f"/api/me/devices/{tablet_id}/").status_code == 204

    assert refresh(tablet["refresh"]).status_code == 401
    assert refresh(other["refresh"]).status_code == 200
    assert not SignedInDevice.objects.filter(pk=tablet_id).exists()


def test_a_signed_out_devices_access_token_is_refused_at_once_and_the_others_still_work(make_user):
    make_user(username="marco")
    laptop = session_client("marco")
    tablet = jwt_pair("marco", user_agent="SlateTablet/1.2")
    other = jwt_pair("marco", user_agent="SlateScript/0.1")
    refreshed = refresh(other["refresh"]).json()["access"]  # a later access token of a device still signed in
    tablet_id = next(d["id"] for d in laptop.get("/api/me/devices/").json() if d["label"] == "SlateTablet")
    assert bearer(tablet["access"]).get("/api/auth/me/").status_code == 200

    assert laptop.delete(f"/api/me/devices/{tablet_id}/").status_code == 204

    refused = bearer(tablet["access"]).get("/api/auth/me/")
    assert refused.status_code == 401 and "sign in again" in refused.json()["message"]
    assert bearer(other["access"]).get("/api/auth/me/").status_code == 200
    assert bearer(refreshed).get("/api/auth/me/").status_code == 200


def test_sign_out_everywhere_refuses_every_earlier_access_token(make_user):
    make_user(username="marco")
    laptop = session_client("marco")
    tablet, script = jwt_pair("marco", user_agent="SlateTablet/1.2"), jwt_pair("marco", user_agent="SlateScript/0.1")
    assert bearer(tablet["access"]).get("/api/auth/me/").status_code == 200

    assert laptop.post("/api/me/sign-out-everywhere/", {}, format="json").status_code == 200

    for pair in (tablet, script):
        assert bearer(pair["access"]).get("/api/auth/me/").status_code == 401
    assert laptop.get("/api/auth/me/").status_code == 200


def test_sign_out_everywhere_keeps_this_browser_and_ends_the_rest(make_user):
    make_user(username="marco")
    laptop = session_client("marco", user_agent=MAC_SAFARI)
    phone = session_client("marco", user_agent=ANDROID_CHROME)
    pair = jwt_pair("marco")

    answer = laptop.post("/api/me/sign-out-everywhere/", {}, format="json")

    assert (answer.status_code, answer.json()) == (200, {})
    assert laptop.get("/api/auth/me/").status_code == 200
    assert phone.get("/api/auth/me/").status_code in (401, 403)
    assert refresh(pair["refresh"]).status_code == 401
    assert [d["label"] for d in laptop.get("/api/me/devices/").json()] == ["Safari on macOS"]


def test_sign_out_everywhere_also_ends_a_session_that_was_never_listed(make_user):
    make_user(username="marco")
    laptop = session_client("marco")
    forgotten = session_client("marco")
    SignedInDevice.objects.filter(session_key=forgotten.cookies["sessionid"].value).delete()  # e.g. from before the list existed

    laptop.post("/api/me/sign-out-everywhere/", {}, format="json")

    assert forgotten.get("/api/auth/me/").status_code in (401, 403)
    assert laptop.get("/api/auth/me/").status_code == 200


def test_a_token_client_signing_out_everywhere_gets_a_new_pair_that_works(make_user):
    make_user(username="marco")
    phone = session_client("marco")
    pair = jwt_pair("marco", user_agent="SlateTablet/1.2")

    answer = bearer(pair["access"]).post("/api/me/sign-out-everywhere/", {}, format="json").json()

    assert refresh(pair["refresh"]).status_code == 401
    assert refresh(answer["refresh"]).status_code == 200
    assert phone.get("/api/auth/me/").status_code in (401, 403)
    assert [(d["label"], d["this_device"]) for d in bearer(answer["access"]).get("/api/me/devices/").json()] == [("SlateTablet", True)]


def test_sign_out_everywhere_with_this_device_signs_out_the_caller_too(make_user):
    make_user(username="marco")
    laptop = session_client("marco")

    laptop.post("/api/me/sign-out-everywhere/", {"include_this_device": True}, format="json")

    assert laptop.get("/api/auth/me/").status_code in (401, 403)
    assert not SignedInDevice.objects.exists()


def test_a_changed_password_lists_only_this_device(make_user):
    make_user(username="marco")
    laptop = session_client("marco", user_agent=MAC_SAFARI)
    session_client("marco", user_agent=ANDROID_CHROME)

    laptop.post("/api/auth/password/", {"current_password": "correct horse battery", "new_password": "a brand new crew password 77"}, format="json")

    assert [(d["label"], d["this_device"]) for d in laptop.get("/api/me/devices/").json()] == [("Safari on macOS", True)]


def test_last_seen_is_written_at_most_once_a_minute(make_user, monkeypatch):
    make_user(username="marco")
    laptop = session_client("marco")
    assert SignedInDevice.objects.count() == 1
    laptop.get("/api/me/devices/")
    unchanged = SignedInDevice.objects.get().last_seen_at

    laptop.get("/api/me/devices/")
    assert SignedInDevice.objects.get().last_seen_at == unchanged
    monkeypatch.setattr(devices, "SEEN_EVERY_S", 0)  # as if the minute had passed
    laptop.get("/api/me/devices/")

    assert SignedInDevice.objects.get().last_seen_at > unchanged


def test_a_session_whose_key_changed_is_still_signed_out_by_its_device(make_user):
    make_user(username="marco")
    laptop = session_client("marco", user_agent=MAC_SAFARI)
    new_password = "a brand new crew password 77"
    laptop.post("/api/auth/password/", {"current_password": "correct horse battery", "new_password": new_password}, format="json")
    assert laptop.get("/api/auth/me/").status_code == 200  # the password change gave this session a new key
    phone = session_client("marco", new_password, user_agent=ANDROID_CHROME)
    laptop_id = next(d["id"] for d in phone.get("/api/me/devices/").json() if d["label"] == "Safari on macOS")

    assert phone.delete(f"/api/me/devices/{laptop_id}/").status_code == 204

    assert laptop.get("/api/auth/me/").status_code in (401, 403)
    assert phone.get("/api/auth/me/").status_code == 200


def test_signing_out_removes_the_device_and_expired_sign_ins_are_not_listed(make_user):
    make_user(username="marco")
    laptop = session_client("marco", user_agent=MAC_SAFARI)
    phone = session_client("marco", user_agent=ANDROID_CHROME)
    jwt_pair("marco", user_agent="SlateTablet/1.2")

    phone.post("/api/auth/logout/")
    listed = [d["label"] for d in laptop.get("/api/me/devices/").json()]
    SignedInDevice.objects.filter(kind="jwt").update(created_at=timezone.now() - timedelta(days=15))  # JWT_REFRESH_DAYS: 14

    assert sorted(listed) == ["Safari on macOS", "SlateTablet"]
    assert [d["label"] for d in laptop.get("/api/me/devices/").json()] == ["Safari on macOS"]
