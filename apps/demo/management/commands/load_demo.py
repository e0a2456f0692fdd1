"""`manage.py load_demo`: the demo crew and production, made through the same services and jobs as real use.

Imports a public-domain screenplay from the shared data (`SLATE_SHARED_DATA`, default
`../shared/data`) as a script upload + import job, and uploads its video clips as dailies, each
processed by the media job (poster frame + web proxy). Its first shoot day (the weekday before
today) is already shot: takes logged on three scenes (apps/demo/shoot.py), so the take log and the
daily reports show a real day. Idempotent: an existing demo production is left as it is. Prints
the demo login.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.demo.shoot import shoot_first_day
from apps.jobs.models import JobStatus
from apps.jobs.services import job_run
from apps.media.services import media_asset_upload
from apps.productions.models import Membership, Production, Role
from apps.productions.services import production_create
from apps.scripts.services import script_upload

DEMO_CODE = "DEMO-GURU"
DEMO_SCRIPT = "fountain/public-domain/ASCENT_TO_GURU_PEAK.fountain"
CREW = [
    ("demo", "Dana Demo", Role.OWNER),
    ("ana", "Ana Ruiz", Role.SCRIPT_SUPERVISOR),
    ("marco", "Marco Bellini", Role.DIRECTOR),
    ("sam", "Sam Okafor", Role.ASSISTANT_DIRECTOR),
    ("viewer", "Val Viewer", Role.VIEWER),
]


# Invented actors for the demo cast, lead first.
DEMO_CAST = ["Maya Lindqvist", "Tomas Herrera", "June Adeyemi", "Paolo Ricci", "Hana Sato", "Owen Brandt", "Lucia Vega", "Ravi Menon"]


def shared_data_dir() -> Path:
    """Where the shared sample data lives: SLATE_SHARED_DATA, else `../shared/data` beside the repository."""
    import os

    return Path(os.environ.get("SLATE_SHARED_DATA", settings.BASE_DIR.parent / "shared" / "data"))


def demo_password() -> str:
    """The demo crew's password: SLATE_DEMO_PASSWORD, else one generated once and kept in var/demo_password."""
    import os

    if os.environ.get("SLATE_DEMO_PASSWORD"):
        return os.environ["SLATE_DEMO_PASSWORD"]
    path = settings.VAR_DIR / "demo_password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"slate-{secrets.token_urlsafe(9)}")
        path.chmod(0o600)
    return path.read_text().strip()


class Command(BaseCommand):
    """`manage.py load_demo [--no-media]`: the demo crew and production (see the module docstring)."""

    help = "Create the demo crew and the demo production from the shared screenplays and clips."

    def add_arguments(self, parser):
        """`--no-media`: skip uploading and processing the dailies."""
        parser.add_argument("--no-media", action="store_true", help="Skip the dailies (faster).")

    def handle(self, *args, no_media: bool = False, **options):
        """Load the demo, with the embedded Redis running for the duration when it is not up already.

        Raises `CommandError` when the demo screenplay is missing from the shared data.
        """
        redis_process = self._embedded_redis()
        try:
            self._load(no_media=no_media)
        finally:
            if redis_process is not None:
                redis_process.terminate()
                redis_process.wait(timeout=20)

    def _embedded_redis(self):
        """Start the embedded Redis for the duration of the load when it is not running (events and
        queue messages then go where they will go when Slate runs); None when it is external or up."""
        from apps.core.redis_server import embedded_socket, start_redis, wait_for_redis

        socket_path = embedded_socket(settings.REDIS_URL)
        if socket_path is None:
            return None
        try:
            wait_for_redis(settings.REDIS_URL, timeout_s=0.5)
            return None
        except TimeoutError:
            return start_redis(socket_path, appendonly=True)

    def _load(self, *, no_media: bool) -> None:
        data = shared_data_dir()
        password = demo_password()
        users = {}
        User = get_user_model()
        for username, name, _role in CREW:
            user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@demo.slate.test", "name": name, "email_verified": True})
            if created or not user.check_password(password):
                user.set_password(password)
                user.save()
            users[username] = user

        production = Production.objects.filter(code=DEMO_CODE).first()
        if production is None:
            script_path = data / DEMO_SCRIPT
            if not script_path.exists():
                raise CommandError(f"The demo screenplay is missing: {script_path} (set SLATE_SHARED_DATA).")
            with transaction.atomic():
                production = production_create(
                    actor=users["demo"], title="Ascent to Guru Peak", code=DEMO_CODE,
                    description="Demo production. Screenplay \"Ascent to Guru Peak\" by Richard Alexander Hall (CC BY 4.0); "
                                "dailies from \"Tears of Steel\" and \"Big Buck Bunny\" (c) Blender Foundation (CC BY 3.0) "
                                "and Intel's sample videos (CC BY 4.0).",
                )
                for username, _name, role in CREW[1:]:
                    Membership.objects.get_or_create(production=production, user=users[username], defaults={"role": role})
                upload = SimpleUploadedFile(script_path.name, script_path.read_bytes(), content_type="text/plain")
                _script, job = script_upload(production=production, actor=users["demo"], title="Ascent to Guru Peak", upload=upload)
            self._run(job.pk, "screenplay import")
            with transaction.atomic():
                self._breakdown_and_days(production, users["demo"])
                shoot_first_day(production=production, actor=users["demo"])
            if not no_media:
                self._dailies(production, users["demo"], data / "video")
        self.stdout.write(f"Demo production: {production.title} ({production.code}), id {production.pk}")
        self.stdout.write("user: demo")
        self.stdout.write(f"password: {password}")

    def _breakdown_and_days(self, production, actor) -> None:
        """Cast the screenplay's characters (cast ids by number of scenes, leads first), give each
        slugline location an address and parking, and add two shoot days (the next two weekdays) with
        nothing scheduled yet: the stripboard is the crew's to fill (the day already shot comes after, from apps/demo/shoot.py)."""
        import datetime as dt

        from apps.breakdown.services import cast_member_create, character_update, location_create
        from apps.callsheets.services import shoot_day_create

        characters = sorted(production.characters.all(), key=lambda c: (-c.scenes.count(), c.name))
        for cast_id, character in enumerate(characters, start=1):
            actor_name = DEMO_CAST[cast_id - 1] if cast_id <= len(DEMO_CAST) else f"Actor {cast_id}"
            member = cast_member_create(actor=actor, production=production, name=actor_name, cast_id=cast_id,
                                        email=f"{actor_name.split()[0].lower()}@cast.demo.slate.test")
            character_update(instance=character, actor=actor, version=character.version, cast_member=member)
        by_location: dict[str, list] = {}
        for scene in production.scenes.all():
            by_location.setdefault(scene.location, []).append(scene)
        for index, (name, scenes) in enumerate(sorted(by_location.items())):
            location_create(actor=actor, production=production, name=name, scenes=scenes,
                            address=f"Guru Peak Trail, trailhead {index + 1}, Sierra Nevada, CA",
                            parking="Crew parking at the ranger station lot; unit base by the trucks.")
        day = dt.date.today() + dt.timedelta(days=1)
        for _ in range(2):
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            shoot_day_create(actor=actor, production=production, date=day, unit="Main Unit")
            day += dt.timedelta(days=1)

    def _dailies(self, production, actor, folder: Path) -> None:
        for path in sorted(folder.glob("*")):
            if path.suffix.lower() not in {".mp4", ".mov", ".webm", ".mxf", ".mkv"}:
                continue
            upload = TemporaryUploadedFile(path.name, "application/octet-stream", path.stat().st_size, None)
            with path.open("rb") as source:
                while chunk := source.read(1024 * 1024):
                    upload.write(chunk)
            upload.seek(0)
            with transaction.atomic():
                asset = media_asset_upload(production=production, actor=actor, upload=upload)
            upload.close()
            self._run(asset.job_id, path.name)

    def _run(self, job_id, what: str) -> None:
        job = job_run(job_id)
        if job is None or job.status != JobStatus.SUCCEEDED:
            self.stderr.write(f"  {what}: {getattr(job, 'status', 'missing')} {getattr(job, 'error', '')}")
        else:
            self.stdout.write(f"  {what}: {job.message.lower()} ({job.result})")
