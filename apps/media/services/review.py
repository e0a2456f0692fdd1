"""Review of dailies: link an asset to its scene/shot/take, its versions, and the approval of each version."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.productions.entities import entity_update
from apps.media.models import ApprovalStatus, MediaAsset
from apps.scenes.models import Scene, Shot, Take

LINK_FIELDS = ("scene", "shot", "take")


def media_asset_link(*, instance: MediaAsset, actor, version: int, **link) -> MediaAsset:
    """Link an asset to a scene, shot and/or take (PATCH), keeping the three consistent; 409 when stale.

    link: any of `scene`, `shot`, `take` (model instances, or None to unlink). A take implies its
    shot and scene, a shot its scene; a level that is not given is kept when it still agrees with
    the new link, else cleared (a new shot drops a take of another shot). Raises `ApplicationError`
    400 `inconsistent_link` when the given ids contradict each other (a take of another shot, a shot
    of another scene), 400 `invalid` for another production's object. Publishes `media_asset.updated`.
    """
    link = {name: value for name, value in link.items() if name in LINK_FIELDS}
    if not link:
        return instance
    scene, shot, take = (link.get(name, getattr(instance, name)) for name in LINK_FIELDS)
    if "take" in link and take is not None:
        _agree(shot if "shot" in link else None, take.shot, "take", "shot")
        _agree(scene if "scene" in link else None, take.shot.scene, "take", "scene")
        shot, scene = take.shot, take.shot.scene
    elif "shot" in link and shot is not None:
        _agree(scene if "scene" in link else None, shot.scene, "shot", "scene")
        scene = shot.scene
        if take is not None and take.shot_id != shot.pk:
            take = None
    elif "scene" in link:
        if shot is not None and (scene is None or shot.scene_id != scene.pk):
            shot = None
        if take is not None and (shot is None or take.shot_id != shot.pk):
            take = None
    if "shot" in link and shot is None and "take" not in link:
        take = None
    return entity_update(instance=instance, actor=actor, version=version, scene=scene, shot=shot, take=take)


def _agree(given, implied, child: str, parent: str) -> None:
    if given is not None and given.pk != implied.pk:
        raise ApplicationError(f"That {child} is not in that {parent}: its {parent} is {implied.number}.", code="inconsistent_link",
                               extra={"fields": {parent: [f"The {child} belongs to {parent} {implied.number}."]}})


@transaction.atomic
def media_asset_apply_link_suggestion(*, instance: MediaAsset, actor, version: int) -> MediaAsset:
    """Link an asset where its `link_suggestion` says (file name `12A_3` or slate metadata), creating a missing shot/take.

    The scene must exist (matched by number in the production); the shot (by number in that scene)
    and take (by number on that shot) are created from the suggestion's numbers when missing,
    through apps.scenes.services, so their `*.created` events go out too. Raises `ApplicationError`
    400 `no_suggestion` when the asset has none (or no scene number), 400 `scene_not_found` when
    the production has no scene of that number, 409 when stale. Publishes `media_asset.updated`.
    """
    from apps.scenes.services import shot_create, take_create

    suggestion = instance.link_suggestion or {}
    scene_number = str(suggestion.get("scene_number") or "").strip()
    if not scene_number:
        raise ApplicationError("Slate has no link to suggest for this clip.", code="no_suggestion")
    if instance.version != version:
        return entity_update(instance=instance, actor=actor, version=version)  # raises the 409 with the current asset
    scene = Scene.objects.filter(production_id=instance.production_id, number__iexact=scene_number).first()
    if scene is None:
        raise ApplicationError(f"This production has no scene {scene_number}: add it, then link the clip.", code="scene_not_found")
    shot = take = None
    shot_number = str(suggestion.get("shot_number") or "").strip()
    if shot_number:
        shot = Shot.objects.filter(scene=scene, number__iexact=shot_number).first() or shot_create(
            actor=actor, scene=scene, number=shot_number.upper())
        take_number = suggestion.get("take_number")
        if take_number:
            take = Take.objects.filter(shot=shot, number=int(take_number)).first() or take_create(
                actor=actor, shot=shot, number=int(take_number))
    return media_asset_link(instance=instance, actor=actor, version=version, scene=scene, shot=shot, take=take)


def media_asset_set_approval(*, instance: MediaAsset, actor, status: str, note: str = "") -> MediaAsset:
    """Record the review verdict on this version: `status` pending|approved|changes_requested, who and when, and a note.

    approval_by/approval_at are the actor and now (cleared when set back to pending). Raises
    `ApplicationError` 400 `invalid` for an unknown status. Publishes `media_asset.updated`.
    """
    if status not in ApprovalStatus.values:
        raise ApplicationError(f"Unknown approval status {status!r}; choose one of {', '.join(ApprovalStatus.values)}.", code="invalid",
                               extra={"fields": {"status": ["Not a valid choice."]}})
    pending = status == ApprovalStatus.PENDING
    return entity_update(instance=instance, actor=actor, version=instance.version, approval_status=status, approval_note=note,
                         approval_by=None if pending else actor, approval_at=None if pending else timezone.now())


def media_asset_versions(*, asset: MediaAsset) -> QuerySet[MediaAsset]:
    """Every version of the asset's lineage (v1 and the rows whose `first_version` is v1), by `version_number`."""
    root = asset.first_version_id or asset.pk
    return (MediaAsset.objects.filter(Q(pk=root) | Q(first_version_id=root))
            .prefetch_related("renditions").select_related("job").order_by("version_number", "created_at"))
