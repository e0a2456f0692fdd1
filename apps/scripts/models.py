"""The screenplay and its versions."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel, VersionedModel


class Script(VersionedModel):
    """A production's screenplay; each import, edit or generation adds a ScriptVersion."""

    EVENT_ENTITY = "script"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="scripts")
    title = models.CharField(max_length=200)
    logline = models.TextField(blank=True, help_text="The story in a sentence or two.")
    genre = models.CharField(max_length=100, blank=True, help_text="E.g. 'Comedy', 'Thriller'.")
    tone = models.CharField(max_length=100, blank=True, help_text="E.g. 'Dry, deadpan'.")
    genre_locked = models.BooleanField(default=False, help_text="The genre is fixed: AI generation is given it and never changes it.")
    tone_locked = models.BooleanField(default=False, help_text="The tone is fixed: AI generation is given it and never changes it.")
    numbering_locked = models.BooleanField(default=False, help_text="Locked for production: scene numbers never change; new scenes get letters (3A).")
    locked_version = models.ForeignKey("ScriptVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                       help_text="Pages locked at this version (the white script): its page numbers never change; "
                                                 "each later version is a revision (blue, pink...) printed on A-pages (12A).")
    locked_at = models.DateTimeField(null=True, blank=True, help_text="When the pages were locked (null: not locked).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["production_id", "-created_at"]

    def __str__(self) -> str:
        return self.title


class VersionSource(models.TextChoices):
    """How a screenplay version came to be: upload (an imported file), edit (edited in Slate), generation (written by AI)."""

    UPLOAD = "upload", "Uploaded file"
    EDIT = "edit", "Edited in Slate"
    GENERATION = "generation", "AI generation"


class ScriptVersion(TimeStampedModel):
    """One version (v1, v2...) of a screenplay: its Fountain text and what the import found in it."""

    EVENT_ENTITY = "script_version"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="+")
    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=16, choices=VersionSource.choices, default=VersionSource.UPLOAD)
    source_name = models.CharField(max_length=200, blank=True, help_text="The uploaded file's name, for display.")
    text = models.TextField(help_text="The screenplay in Fountain.")
    text_length = models.PositiveIntegerField(default=0, help_text="len(text) in characters, so requests can size a version without reading its text.")
    title_page = models.JSONField(default=list, blank=True, help_text="[[key, value], ...] from the Fountain title page.")
    scene_count = models.PositiveIntegerField(default=0)
    page_eighths = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=200, blank=True, help_text="What this version changed, e.g. 'Regenerated scene 12'.")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
                               help_text="The version this one was made from.")
    changes = models.JSONField(default=dict, blank=True, help_text='Scenes against the parent: {"added", "removed", "moved", "changed"} counts.')
    scene_ids = models.JSONField(default=list, blank=True, help_text="The Scene id of each of this version's scenes, in script order.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["script_id", "number"]
        constraints = [models.UniqueConstraint(fields=["script", "number"], name="script_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.script} v{self.number}"

    def save(self, *args, **kwargs):
        """Save, keeping `text_length` right whenever the text is loaded."""
        if "text" in self.__dict__:  # loaded, not deferred
            self.text_length = len(self.text)
        super().save(*args, **kwargs)


class RenderKind(models.TextChoices):
    """What a render of a script version is: the PDF (with or without the writer's [[notes]]), Fountain or Final Draft export, the diff from an older version, or, once
    the pages are locked, its revision pages (only the pages it changed) or the whole revised script (locked numbers)."""

    PDF = "pdf", "PDF export"
    PDF_NOTES = "pdf_notes", "PDF export with the writer's notes"
    FOUNTAIN = "fountain", "Fountain export"
    FDX = "fdx", "Final Draft export"
    DIFF = "diff", "Diff"
    REVISION = "revision", "Revision pages"
    REVISED = "revised", "Revised script"


class ScriptRender(TimeStampedModel):
    """A diff or an export of one script version, made once by a job and kept: versions never change.

    `base_number` is the older version's number for a diff (0: an empty script), 0 otherwise.
    `key` is what else the result depends on (the script's title for a PDF, the numbers of the
    scenes a diff names): a render whose key is no longer right is made again. `file` is its
    storage name under MEDIA_ROOT once made (blank until then); `job` the job that makes it.
    """

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(ScriptVersion, on_delete=models.CASCADE, related_name="renders")
    kind = models.CharField(max_length=16, choices=RenderKind.choices)
    base_number = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=64, blank=True)
    file = models.CharField(max_length=200, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["version_id", "kind", "base_number"]
        constraints = [models.UniqueConstraint(fields=["version", "kind", "base_number"], name="script_render_unique")]

    def __str__(self) -> str:
        return f"{self.version} {self.kind}" + (f" from v{self.base_number}" if self.kind == RenderKind.DIFF else "")
