"""What the schedule does when other apps signal something (connected in `CallsheetsConfig.ready()`)."""
from __future__ import annotations

from apps.callsheets.models import Strip
from apps.callsheets.services import strip_delete


def scene_deleting_strips_off(sender, *, scene, actor, **kwargs) -> None:
    """`apps.scenes.signals.scene_deleting`: a scheduled scene leaves the stripboard first, through `strip_delete`
    (`strip.deleted`, its day's later strips move up, the day's totals and call sheet follow)."""
    for strip in Strip.objects.filter(scene=scene).select_related("shoot_day"):
        strip_delete(instance=strip, actor=actor)
