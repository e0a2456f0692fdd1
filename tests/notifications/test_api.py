"""The notifications API: own rows only, read state, preferences, push subscriptions (and their bad input), /sw.js."""
from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from apps.notifications.models import Notification, PushSubscription
from apps.notifications.services import notify

pytestmark = pytest.mark.django_db


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def good_keys() -> dict:
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(serialization.Encoding.X962,
                                                                              serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": b64u(point), "auth": b64u(os.urandom(16))}


FCM = "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b"


def tell(crew, user, n=1, production=None, kind="mention"):
    return [notify(recipients=[user], production=production or crew.production, kind=kind, title=f"Note {i}", actor=crew.ana)[0]
            for i in range(n)]


# --- notifications ------------------------------------------------------------------------------------

def test_list_is_own_only_newest_first_with_the_contract_shape(crew, api_for):
    mine = tell(crew, crew.bo, 2)
    tell(crew, crew.di)

    body = api_for(crew.bo).get("/api/notifications/").json()

    assert body["count"] == 2
    assert [r["id"] for r in body["results"]] == [mine[1].pk, mine[0].pk]
    assert set(body["results"][0]) == {"id", "production", "production_title", "kind", "title", "body", "url", "entity", "entity_id",
                                       "actor", "created_at", "read_at"}
    assert body["results"][0]["actor"] == {"id": crew.ana.pk, "name": "Ana Ruiz"}


def test_list_filters_and_rejects_a_bad_production(crew, api_for):
    from apps.productions.models import Membership

    Membership.objects.create(production=crew.elsewhere, user=crew.bo, role="crew")
    [read, unread] = tell(crew, crew.bo, 2)
    [other] = tell(crew, crew.bo, production=crew.elsewhere)
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00:00Z")
    client = api_for(crew.bo)

    assert [r["id"] for r in client.get("/api/notifications/?unread=true").json()["results"]] == [other.pk, unread.pk]
    assert [r["id"] for r in client.get(f"/api/notifications/?production={crew.elsewhere.pk}").json()["results"]] == [other.pk]
    assert client.get("/api/notifications/?production=abc").status_code == 400


def test_someone_elses_notification_is_a_404(crew, api_for):
    [theirs] = tell(crew, crew.di)

    assert api_for(crew.bo).get(f"/api/notifications/{theirs.pk}/").status_code == 404
    assert api_for(crew.bo).post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unread_count_read_and_read_all(crew, api_for, django_capture_on_commit_callbacks, sent_envelopes):
    rows = tell(crew, crew.bo, 3)
    client = api_for(crew.bo)
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 3}

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/api/notifications/{rows[0].pk}/read/")
        again = client.post(f"/api/notifications/{rows[0].pk}/read/")
    assert first.status_code == again.status_code == 200 and first.json()["read_at"] == again.json()["read_at"]
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 2}

    with django_capture_on_commit_callbacks(execute=True):
        marked = client.post("/api/notifications/read-all/", {}, format="json")
    assert marked.json() == {"marked": 2}
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 0}
    updated = [f for f in sent_envelopes if f["type"] == "notification.updated"]
    assert [f["_group"] for f in updated] == [f"user.{crew.bo.pk}"] * 3  # one for the single read, two for read-all
    assert client.post("/api/notifications/read-all/", {"production": "x"}, format="json").status_code == 400


def test_notifications_of_a_production_one_left_are_hidden(crew, api_for):
    from apps.productions.models import Membership

    tell(crew, crew.bo)
    Membership.objects.filter(user=crew.bo, production=crew.production).delete()

    assert api_for(crew.bo).get("/api/notifications/").json()["count"] == 0


def test_notify_skips_non_members_silently(crew):
    assert notify(recipients=[crew.cy, crew.cy.pk, 424242], production=crew.production, kind="mention", title="x") == []
    with pytest.raises(ValueError):
        notify(recipients=[crew.bo], production=crew.production, kind="gossip", title="x")


def test_list_queries_do_not_grow_with_rows(crew, api_for, django_assert_max_num_queries):
    tell(crew, crew.bo, 40)
    with django_assert_max_num_queries(4):
        assert api_for(crew.bo).get("/api/notifications/").json()["count"] == 40


def test_an_id_past_the_databases_range_is_a_400_not_a_500(crew, api_for):
    tell(crew, crew.bo, 1)
    client = api_for(crew.bo)
    huge = 2**64

    listed = client.get("/api/notifications/", {"production": huge})
    marked = client.post("/api/notifications/read-all/", {"production": huge}, format="json")

    assert (listed.status_code, listed.json()["code"]) == (400, "invalid")
    assert marked.status_code == 400
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 1}


def test_requires_sign_in(client):
    assert client.get("/api/notifications/").status_code in (401, 403)
    assert client.get("/api/push-subscriptions/vapid-public-key/").status_code in (401, 403)


# --- preferences -----------------------------------------------------------------------------------------

def test_preferences_default_and_update(crew, api_for):
    client = api_for(crew.bo)
    prefs = client.get("/api/notifications/preferences/").json()
    assert prefs["kinds"]["scene_status"] == {"in_app": True, "email": False, "push": True}
    assert prefs["kinds"]["job_succeeded"] == {"in_app": True, "email": False, "push": False}
    assert len(prefs["kinds"]) == 6
    assert prefs["quiet_hours"] == {"enabled": False, "start": "22:00", "end": "07:00", "timezone": "Europe/Madrid"}

    changed = client.put("/api/notifications/preferences/", {"kinds": {"mention": {"email": False}},
                                                             "quiet_hours": {"enabled": True, "start": "23:30", "timezone": "America/New_York"}},
                         format="json").json()

    assert changed["kinds"]["mention"] == {"in_app": True, "email": False, "push": True}
    assert changed["quiet_hours"] == {"enabled": True, "start": "23:30", "end": "07:00", "timezone": "America/New_York"}
    assert client.get("/api/notifications/preferences/").json() == changed


@pytest.mark.parametrize("body", [
    {"kinds": {"gossip": {"email": True}}},
    {"kinds": {"mention": {"sms": True}}},
    {"kinds": {"mention": {"email": "yes"}}},
    {"kinds": {"mention": True}},
    {"kinds": []},
    {"quiet_hours": {"start": "25:00"}},
    {"quiet_hours": {"end": "7am"}},
    {"quiet_hours": {"timezone": "Mars/Olympus_Mons"}},
    {"quiet_hours": {"timezone": "../../etc/passwd"}},
    {"quiet_hours": {"enabled": "sometimes"}},
    {"quiet_hours": "always"},
])
def test_bad_preferences_are_a_400(crew, api_for, body):
    response = api_for(crew.bo).put("/api/notifications/preferences/", body, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["message"]


def test_options_on_preferences_describes_what_put_takes_and_changes_nothing(crew, api_for):
    client = api_for(crew.bo)
    before = client.get("/api/notifications/preferences/").json()

    response = client.options("/api/notifications/preferences/")

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Preferences"
    assert "PUT" in response.json()["actions"]
    assert client.get("/api/notifications/preferences/").json() == before


# --- push subscriptions ------------------------------------------------------------------------------------

def test_vapid_public_key_is_an_uncompressed_p256_point(crew, api_for):
    key = api_for(crew.bo).get("/api/push-subscriptions/vapid-public-key/").json()["public_key"]

    point = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    assert len(point) == 65 and "=" not in key


def test_vapid_key_from_the_environment_wins(crew, api_for, settings):
    from apps.notifications import vapid
    from apps.notifications.vapid import b64url_encode

    private = ec.generate_private_key(ec.SECP256R1())
    expected = b64url_encode(private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    for text in (private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode(),
                 b64url_encode(private.private_numbers().private_value.to_bytes(32, "big"))):
        settings.VAPID_PRIVATE_KEY = text
        vapid._cached = None
        assert api_for(crew.bo).get("/api/push-subscriptions/vapid-public-key/").json() == {"public_key": expected}


def test_subscribe_list_resubscribe_and_delete(crew, api_for):
    keys = good_keys()
    client = api_for(crew.bo)

    created = client.post("/api/push-subscriptions/", {"endpoint": FCM, "expirationTime": None, "keys": keys}, format="json")
    assert created.status_code == 201, created.content
    assert set(created.json()) == {"id", "endpoint", "expiration_time", "user_agent", "created_at", "last_success_at", "last_failure_at"}

    again = api_for(crew.di).post("/api/push-subscriptions/", {"endpoint": FCM, "expirationTime": 1893456000000, "keys": good_keys()},
                                  format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    sub = PushSubscription.objects.get()
    assert sub.user == crew.di and sub.expiration_time.year == 2030  # a shared device now signed in as Di
    assert client.get("/api/push-subscriptions/").json()["count"] == 0
    assert client.delete(f"/api/push-subscriptions/{sub.pk}/").status_code == 404  # not Bo's any more

    di = api_for(crew.di)
    assert [r["id"] for r in di.get("/api/push-subscriptions/").json()["results"]] == [sub.pk]
    assert di.delete(f"/api/push-subscriptions/{sub.pk}/").status_code == 204
    assert PushSubscription.objects.count() == 0


def test_unsubscribe_by_endpoint_touches_only_ones_own(crew, api_for):
    api_for(crew.di).post("/api/push-subscriptions/", {"endpoint": FCM, "keys": good_keys()}, format="json")

    assert api_for(crew.bo).post("/api/push-subscriptions/unsubscribe/", {"endpoint": FCM}, format="json").status_code == 204
    assert PushSubscription.objects.count() == 1
    assert api_for(crew.di).post("/api/push-subscriptions/unsubscribe/", {"endpoint": FCM}, format="json").status_code == 204
    assert PushSubscription.objects.count() == 0


def not_on_curve() -> str:
    point = bytearray(base64.urlsafe_b64decode(good_keys()["p256dh"] + "=="))
    point[-1] ^= 0x01  # y no longer matches x
    return b64u(bytes(point))


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"keys": {"p256dh": "not base64 !!", "auth": None}}, "keys.p256dh", "not base64url"),
    ({"keys": {"p256dh": b64u(b"\x04" + os.urandom(40)), "auth": None}}, "keys.p256dh", "65-byte"),
    ({"keys": {"p256dh": b64u(b"\x02" + os.urandom(64)), "auth": None}}, "keys.p256dh", "65-byte uncompressed"),
    ({"keys": {"p256dh": "ON_CURVE_PLACEHOLDER", "auth": None}}, "keys.p256dh", "not a point on the P-256 curve"),
    ({"keys": {"p256dh": None, "auth": b64u(os.urandom(8))}}, "keys.auth", "16-byte"),
    ({"keys": {"p256dh": None, "auth": "a+b/c=="}}, "keys.auth", "not base64url"),
    ({"endpoint": "http://fcm.googleapis.com/fcm/send/x"}, "endpoint", "https"),
    ({"endpoint": "https://evil.example.com/push"}, "endpoint", "not a known push service"),
    ({"endpoint": "https://169.254.169.254/latest/meta-data"}, "endpoint", "not a known push service"),
    ({"endpoint": "https://fcm.googleapis.com.evil.example/x"}, "endpoint", "not a known push service"),
    ({"endpoint": "https://push.apple.com/x"}, "endpoint", "not a known push service"),  # *.push.apple.com means a subdomain
    ({"endpoint": "https://user:pw@fcm.googleapis.com/x"}, "endpoint", "user name"),
    ({"endpoint": "not a url"}, "endpoint", "absolute https URL"),
    ({"endpoint": "https://fcm.googleapis.com:99999/x"}, "endpoint", "not a valid URL"),
    ({"endpoint": "javascript:alert(1)"}, "endpoint", "absolute https URL"),
])
def test_bad_push_subscriptions_are_a_clear_400(crew, api_for, settings, change, field, says):
    settings.SLATE_PUSH_ALLOW_INSECURE = False
    keys = good_keys()
    body = {"endpoint": FCM, "keys": keys}
    if "endpoint" in change:
        body["endpoint"] = change["endpoint"]
    for name, value in change.get("keys", {}).items():
        if value is not None:
            keys[name] = not_on_curve() if value == "ON_CURVE_PLACEHOLDER" else value

    response = api_for(crew.bo).post("/api/push-subscriptions/", body, format="json")

    assert response.status_code == 400, response.content
    error = response.json()
    assert error["code"] == "invalid_subscription" and says in error["message"], error
    assert field in error["extra"]["fields"]
    assert PushSubscription.objects.count() == 0


@pytest.mark.parametrize("body", [{}, {"endpoint": FCM}, {"endpoint": FCM, "keys": "x"}, {"endpoint": FCM, "keys": {"p256dh": "x"}},
                                  {"endpoint": FCM, "keys": good_keys(), "expirationTime": "soon"}, [1, 2]])
def test_malformed_subscription_bodies_are_a_400(crew, api_for, body):
    assert api_for(crew.bo).post("/api/push-subscriptions/", body, format="json").status_code == 400


def test_apple_and_windows_subdomains_are_allowed(crew, api_for):
    for endpoint in ("https://web.push.apple.com/QGx", "https://wns2-par02p.notify.windows.com/w/?token=x",
                     "https://updates.push.services.mozilla.com/wpush/v2/gAAA"):
        response = api_for(crew.bo).post("/api/push-subscriptions/", {"endpoint": endpoint, "keys": good_keys()}, format="json")
        assert response.status_code == 201, (endpoint, response.content)


# --- the service worker ---------------------------------------------------------------------------------------

def test_sw_js_is_served_from_the_root_with_its_scope_header(client, settings, tmp_path):
    (tmp_path / "static" / "app").mkdir(parents=True)
    (tmp_path / "static" / "app" / "sw.js").write_text("self.addEventListener('push', () => {});")
    settings.BASE_DIR = tmp_path

    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert b"addEventListener('push'" in response.content


def test_sw_js_is_a_404_until_built(client, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    assert client.get("/sw.js").status_code == 404
