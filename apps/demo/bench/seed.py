"""`python -m apps.demo.bench.seed '<spec json>'`: migrate the benchmark's fresh database and seed it, in one process.

Runs inside the stack's environment (DJANGO_SETTINGS_MODULE, DATABASE_URL… as `stack.Stack` sets
them). The spec is `{"members": N, "scenes": S, "out": "/path/seed.json"}`. It makes one owner,
one production ("Bench Live") with S scenes through the services, and N crew members with
bulk inserts (users with unusable passwords; no `membership.created` events, which a crew of
1,000 added one by one would cost minutes and the benchmark does not measure). Each person gets
an access JWT minted in-process (simplejwt's `AccessToken.for_user`, signed with the stack's
SECRET_KEY), so no sign-in is throttled. Writes `{"production", "scenes": {id: version},
"owner_token", "member_tokens"}` to `out`.
"""
from __future__ import annotations

import json
import sys


def seed(*, members: int, scenes: int) -> dict:
    """Migrate, then create the owner, the production, `scenes` scenes and `members` crew members; their ids and tokens."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from rest_framework_simplejwt.tokens import AccessToken

    from apps.productions.models import Membership, Role
    from apps.productions.services import production_create
    from apps.scenes.services import scene_create

    call_command("migrate", interactive=False, verbosity=0)
    User = get_user_model()
    unusable = make_password(None)
    with transaction.atomic():
        owner = User.objects.create(username="bench-owner", email="bench-owner@bench.slate.test", name="Bench Owner",
                                    email_verified=True, password=unusable)
        production = production_create(actor=owner, title="Bench Live", code="BENCH-LIVE")
        made = [scene_create(actor=owner, production=production, number=str(i + 1), int_ext="INT", location=f"STAGE {i + 1}",
                             time_of_day="DAY") for i in range(scenes)]
        crew = User.objects.bulk_create(
            User(username=f"bench-{i:05d}", email=f"bench-{i:05d}@bench.slate.test", name=f"Crew {i}", email_verified=True,
                 password=unusable)
            for i in range(members)
        )
        if not all(user.pk for user in crew):  # bulk_create sets pks on PostgreSQL and SQLite 3.35+
            crew = list(User.objects.filter(username__startswith="bench-0").order_by("username"))
        Membership.objects.bulk_create(Membership(production=production, user=user, role=Role.CREW) for user in crew)
    return {
        "production": production.pk,
        "scenes": {scene.pk: scene.version for scene in made},
        "owner_token": str(AccessToken.for_user(owner)),
        "member_tokens": [str(AccessToken.for_user(user)) for user in crew],
    }


def main() -> None:
    import django

    spec = json.loads(sys.argv[1])
    django.setup()
    result = seed(members=spec["members"], scenes=spec["scenes"])
    with open(spec["out"], "w") as out:
        json.dump(result, out)
    print(f"seeded production {result['production']}: {len(result['scenes'])} scenes, {len(result['member_tokens'])} members")


if __name__ == "__main__":
    main()
