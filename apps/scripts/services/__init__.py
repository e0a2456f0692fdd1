"""Screenplays: upload a Fountain, Final Draft or PDF file or save an edit (each a job); add versions that keep the crew's scenes; diffs and exports.

- `intake`: the requests' quick checks and the `script.import` / `script.edit` job handlers and their retry preparations.
- `formats`: an upload's format from its content (Fountain, Final Draft, PDF), and its Fountain text, made in the job.
- `versions`: `script_version_create`, read and matched outside any transaction, applied in one short one.
- `renders`: PDF, Fountain, Final Draft and diff of a version, made once by a `script.render` job and kept.
- `revisions`: lock and unlock a script's pages; a later version's revision (blue, pink...) and its revision pages.
- `scripts`: a script's details and its deletion.

Scene matching and numbering rules: `apps.scripts.matching`; the version diff: `apps.scripts.diff`;
the limits on what a screenplay may hold: `apps.scripts.reading`.
"""
from apps.scripts import matching
from apps.scripts.services.intake import (
    EDIT_KIND,
    IMPORT_KIND,
    decode_screenplay,
    script_edit,
    script_edit_retry,
    script_edit_start,
    script_import,
    script_import_retry,
    script_upload,
)
from apps.scripts.services.renders import RENDER_KIND, Outcome, script_render, script_render_get, script_render_retry
from apps.scripts.services.revisions import REVISION_KINDS, RevisionInfo, revision_info, script_lock, script_unlock
from apps.scripts.services.scripts import LOCKABLE, SCRIPT_FIELDS, script_delete, script_update
from apps.scripts.services.versions import check_screenplay_text, script_version_create

# Kept for callers of the old name; the rules live in apps.scripts.matching.
scene_numbers = matching.scene_numbers

__all__ = [
    "EDIT_KIND", "IMPORT_KIND", "LOCKABLE", "Outcome", "RENDER_KIND", "REVISION_KINDS", "RevisionInfo", "SCRIPT_FIELDS",
    "check_screenplay_text", "decode_screenplay", "revision_info", "scene_numbers", "script_delete", "script_edit", "script_edit_retry",
    "script_edit_start", "script_import", "script_import_retry", "script_lock", "script_render", "script_render_get",
    "script_render_retry", "script_unlock", "script_update", "script_upload", "script_version_create",
]
