"""A member taken off the crew can no longer open the production's media by a link they kept (issue 18,
"Leaving a production"): the links are not signed URLs valid for a while but members-only endpoints that
check the crew on every request — the file as stored, each rendition, and behind nginx the X-Accel answer."""
from __future__ import annotations

import pytest
from django.test import Client

from apps.media.models import Rendition
from apps.productions.models import Membership
from apps.productions.services import membership_remove
from tests.factories import MediaAssetFactory
from tests.media.helpers import content_of


@pytest.fixture
def links(production, user, media_root):
    """A clip whose original and poster are on disk: `{url: bytes}` of its two links, as the API hands them out."""
    asset = MediaAssetFactory(production=production, uploaded_by=user)
    Rendition.objects.create(asset=asset, kind="poster", file=f"media/renditions/{asset.pk}-poster.jpg", content_type="image/jpeg",
                             size_bytes=6)
    files = {asset.original.name: b"\x00\x00\x00\x18ftypqt", f"media/renditions/{asset.pk}-poster.jpg": b"\xff\xd8JPEG"}
    for name, data in files.items():
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(data)
    return {f"/api/media/{asset.pk}/original/": files[asset.original.name],
            f"/api/media/{asset.pk}/renditions/poster/": files[f"media/renditions/{asset.pk}-poster.jpg"]}


def signed_in(user) -> Client:
    """A browser's session: what opening a copied link sends."""
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_removed_members_copied_media_links_stop_working(links, production, user, viewer):
    browser = signed_in(viewer)
    assert {url: content_of(browser.get(url)) for url in links} == links  # while on the crew

    membership_remove(membership=Membership.objects.get(production=production, user=viewer), actor=user)

    for url in links:
        response = browser.get(url)
        assert response.status_code == 404, url
        assert response.get("X-Accel-Redirect") is None
    assert content_of(signed_in(user).get(next(iter(links)))) == next(iter(links.values()))  # the owner still gets it


@pytest.mark.django_db
def test_behind_nginx_a_removed_member_gets_no_internal_redirect(links, production, user, viewer, settings):
    settings.SLATE_MEDIA_ACCEL_REDIRECT = "/_protected/"
    browser = signed_in(viewer)
    url = next(iter(links))
    assert browser.get(url)["X-Accel-Redirect"].startswith("/_protected/media/originals/")

    membership_remove(membership=Membership.objects.get(production=production, user=viewer), actor=user)

    response = browser.get(url)
    assert response.status_code == 404 and response.get("X-Accel-Redirect") is None
