"""factory_boy factories for Slate's models (exposed to tests as fixtures in conftest.py)."""
from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from apps.productions.models import Membership, Production, Role
from apps.scenes.models import Scene, Shot, Take


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"crew{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    name = factory.Faker("name")
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Production

    title = factory.Sequence(lambda n: f"Production {n}")
    code = factory.Sequence(lambda n: f"P{n:03d}")


class SceneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scene

    production = factory.SubFactory(ProductionFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    int_ext = "INT"
    location = "LIBRARY"
    time_of_day = "DAY"
    page_eighths = 8
    script_order = factory.Sequence(lambda n: n)


class ShotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shot

    scene = factory.SubFactory(SceneFactory)
    production = factory.LazyAttribute(lambda s: s.scene.production)
    number = factory.Sequence(lambda n: str(n + 1))


class TakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Take

    shot = factory.SubFactory(ShotFactory)
    production = factory.LazyAttribute(lambda t: t.shot.production)
    number = factory.Sequence(lambda n: n + 1)


def production_with(*, owner, members: dict | None = None, **fields) -> Production:
    """A production owned by `owner`, with `members` = {user: role} on its crew."""
    production = ProductionFactory(**fields)
    Membership.objects.create(production=production, user=owner, role=Role.OWNER)
    for member, role in (members or {}).items():
        Membership.objects.create(production=production, user=member, role=role)
    return production


# --- breakdown, continuity, comments, media (appended for the API suites) -------------------------

from apps.breakdown.models import CastMember, Character, Location, Prop  # noqa: E402
from apps.comments.models import Comment  # noqa: E402
from apps.continuity.models import ContinuityNote, ContinuityPhoto  # noqa: E402
from apps.media.models import MediaAsset  # noqa: E402


class CastMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CastMember

    production = factory.SubFactory(ProductionFactory)
    name = factory.Sequence(lambda n: f"Actor {n}")
    cast_id = factory.Sequence(lambda n: n + 1)


class CharacterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Character
        skip_postgeneration_save = True

    production = factory.SubFactory(ProductionFactory)
    name = factory.Sequence(lambda n: f"CHARACTER {n}")

    @factory.post_generation
    def scenes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.scenes.set(extracted)


class PropFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prop
        skip_postgeneration_save = True

    production = factory.SubFactory(ProductionFactory)
    name = factory.Sequence(lambda n: f"Prop {n}")

    @factory.post_generation
    def scenes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.scenes.set(extracted)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        skip_postgeneration_save = True

    production = factory.SubFactory(ProductionFactory)
    name = factory.Sequence(lambda n: f"LOCATION {n}")

    @factory.post_generation
    def scenes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.scenes.set(extracted)


class ContinuityNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContinuityNote

    scene = factory.SubFactory(SceneFactory)
    production = factory.LazyAttribute(lambda n: n.scene.production)
    category = "wardrobe"
    body = factory.Sequence(lambda n: f"Glass half full, left hand ({n})")


class ContinuityPhotoFactory(factory.django.DjangoModelFactory):
    """A photo row only (no file on disk): for list and scoping tests."""

    class Meta:
        model = ContinuityPhoto

    note = factory.SubFactory(ContinuityNoteFactory)
    production = factory.LazyAttribute(lambda p: p.note.production)
    file = factory.Sequence(lambda n: f"continuity/{n:032x}.jpg")
    original_name = "ref.jpg"
    width = 4
    height = 3
    size_bytes = 100


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    scene = factory.SubFactory(SceneFactory)
    production = factory.LazyAttribute(lambda c: c.scene.production)
    body = factory.Sequence(lambda n: f"Note {n}: watch the eyeline")


class MediaAssetFactory(factory.django.DjangoModelFactory):
    """A probed clip (row only): 10 s at 24 fps = 240 frames unless told otherwise."""

    class Meta:
        model = MediaAsset

    production = factory.SubFactory(ProductionFactory)
    original = factory.Sequence(lambda n: f"media/originals/{n:032x}.mov")
    original_name = factory.Sequence(lambda n: f"A001C{n:03d}.mov")
    status = "ready"
    duration_s = 10.0
    frame_rate = "24/1"
    frame_rate_fps = 24.0


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (32, 24), color=(200, 40, 40), noise: bool = False) -> bytes:
    """A real image made with Pillow, as the bytes of a file in `fmt` (JPEG, PNG, WEBP, GIF).

    `noise=True` fills it with random pixels, so it does not compress (for size limits).
    """
    import io
    import os

    from PIL import Image

    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


# --- fixtures shared by the API suites (import them into a directory's conftest.py) ---------------

import pytest  # noqa: E402


@pytest.fixture
def crew(make_user, production):
    """A crew member of `production` (may write, may not manage)."""
    from apps.productions.models import Membership, Role

    u = make_user()
    Membership.objects.create(production=production, user=u, role=Role.CREW)
    return u


@pytest.fixture
def viewer(make_user, production):
    """A viewer of `production` (reads only)."""
    from apps.productions.models import Membership, Role

    u = make_user()
    Membership.objects.create(production=production, user=u, role=Role.VIEWER)
    return u


@pytest.fixture
def outsider(make_user):
    """Someone with an account who is on no production at all."""
    return make_user()


@pytest.fixture
def other_production(make_production, other_user):
    """A production `user` is not on (owned by `other_user`)."""
    return make_production(owner=other_user)
