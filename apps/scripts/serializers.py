"""Serializers of screenplays and their versions (the REST shapes, also the `data` of their events, registered with
realtime), and the bodies of an upload, an edit and a diff."""
from __future__ import annotations

from rest_framework import serializers

from apps.core.integers import IntegerField
from apps.jobs.serializers import JobSerializer
from apps.productions.models import Production
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.scripts.models import Script, ScriptVersion


class ScriptVersionSerializer(serializers.ModelSerializer):
    """A version of a screenplay, without its text; all read-only.

    `number` counts 1, 2...; `source` says how it was made (`upload`, `edit`, `generation`);
    `summary` what it changed ("Regenerated scene 12"); `parent` the id of the version it was made
    from (null for the first); `changes` its scenes against that version, `{"added", "removed",
    "moved", "changed"}` counts; `title_page` is `[[key, value], ...]`; `scene_count` and
    `page_eighths` (its length in eighths of a page) come from the import; `created_by_name` is
    the author's display name (null when unknown).
    """

    created_by_name = serializers.CharField(source="created_by.display_name", read_only=True, allow_null=True)

    class Meta:
        model = ScriptVersion
        fields = ["id", "production", "script", "number", "source", "source_name", "summary", "parent", "changes", "title_page",
                  "scene_count", "page_eighths", "created_by", "created_by_name", "created_at"]
        read_only_fields = fields


class ScriptVersionDetailSerializer(ScriptVersionSerializer):
    """A version of a screenplay with its full Fountain `text`; all read-only."""

    class Meta(ScriptVersionSerializer.Meta):
        fields = ScriptVersionSerializer.Meta.fields + ["text"]
        read_only_fields = fields


class ScriptSerializer(serializers.ModelSerializer):
    """A screenplay: `production`, `title`, `logline`, `genre`, `tone`, and who created it; scripts are made by upload.

    `genre_locked`/`tone_locked`: fixed for AI generation; a locked one changes only in a request
    that also unlocks it (else 400 `locked`). `numbering_locked`: locked for production, scene
    numbers never change and new scenes get letters (3A). `locked_version`: the version (id) the pages
    are locked at (null: not locked), since `locked_at`; later versions print as revision pages
    (`POST /api/scripts/{id}/lock/`, `unlock/`). Read-only: id, locked_version, locked_at, created_by,
    version, created_at, updated_at; `production` is fixed once created.
    """

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())

    class Meta:
        model = Script
        fields = ["id", "production", "title", "logline", "genre", "tone", "genre_locked", "tone_locked", "numbering_locked",
                  "locked_version", "locked_at", "created_by", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "locked_version", "locked_at", "created_by", "version", "created_at", "updated_at"]


class ScriptLockSerializer(serializers.Serializer):
    """Lock or unlock a script's pages (JSON): `version`, the script's edit counter as last read (409 when stale);
    to lock, optionally `number`, the version number to lock at (default: the latest)."""

    version = IntegerField(min_value=0, help_text="The script's `version` as last read.")
    number = IntegerField(min_value=1, required=False, allow_null=True, default=None,
                                      help_text="Lock at this version number (default: the latest). Ignored by unlock.")


class ScriptVersionCreateSerializer(serializers.Serializer):
    """An edited screenplay (JSON): `text` (Fountain), optional `summary` and `parent` (the version id the edit started from).

    Saved by a `script.edit` job: the request answers 202 with it."""

    text = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="The whole screenplay in Fountain.")
    summary = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    parent = ScopedPrimaryKeyRelatedField(queryset=ScriptVersion.objects.all(), required=False, allow_null=True, default=None,
                                          help_text="The version the edit started from; 409 `conflict` when it is no longer the latest.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].validators = []  # binary text (NUL bytes too) is the service's `not_fountain`, like an upload's


class ScriptDiffSceneSerializer(serializers.Serializer):
    """One scene of a diff: `status` (added, removed, moved, changed, unchanged), `moved` (also for a changed scene),
    `number`, `heading`, `scene` (the production's scene id or null), `from_index`/`to_index` (0-based, null when absent),
    `lines` (unified diff of its Fountain text: "@@ …", " kept", "-gone", "+new")."""

    status = serializers.ChoiceField(choices=["added", "removed", "moved", "changed", "unchanged"])
    moved = serializers.BooleanField()
    number = serializers.CharField()
    heading = serializers.CharField()
    scene = serializers.IntegerField(allow_null=True)
    from_index = serializers.IntegerField(allow_null=True)
    to_index = serializers.IntegerField(allow_null=True)
    lines = serializers.ListField(child=serializers.CharField())


class ScriptDiffSerializer(serializers.Serializer):
    """A diff between versions `from` and `to` (numbers; `from` 0 = an empty script), its `scenes` and a `summary` of counts per status."""

    locals()["from"] = serializers.IntegerField()  # `from` is a Python keyword
    to = serializers.IntegerField()
    scenes = ScriptDiffSceneSerializer(many=True)
    summary = serializers.DictField(child=serializers.IntegerField())


class ScriptUploadSerializer(serializers.Serializer):
    """Screenplay upload body (multipart/form-data): `production`, `file` (Fountain, Final Draft or PDF), optional `title` and `script`.

    The file's format is recognised from its content, not its name. Without a `title` the file name is used.
    """

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    script = ScopedPrimaryKeyRelatedField(queryset=Script.objects.all(), required=False, allow_null=True,
                                          help_text="Import as the next version of this script (else: a script with the same title, else a new one).")
    # Empty files reach the service, which answers them with code `empty_file`.
    file = serializers.FileField(allow_empty_file=True, help_text="The screenplay: Fountain (.fountain, UTF-8 text), Final Draft (.fdx) "
                                 "or PDF, recognised by its content; any other file is refused (400 `unsupported_format`).")


class ScriptUploadResponseSerializer(ScriptSerializer):
    """The answer to an upload: the script, with its import `job` in full."""

    job = JobSerializer(read_only=True)

    class Meta(ScriptSerializer.Meta):
        fields = ScriptSerializer.Meta.fields + ["job"]
