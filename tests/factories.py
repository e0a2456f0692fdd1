"""factory_boy factories for Slate's models (exposed to tests as fixtures in conftest.py)."""
from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from apps.productions.models import Membership, Production, Role
from apps.scenes.models import Scene, Shot, Take


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postprocessing_save = True

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
