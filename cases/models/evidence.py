"""Evidence files: stored once, hashed at upload, never overwritten."""
from django.db import models

from .records import HandledRecord


class EvidenceFile(HandledRecord):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, help_text="Type detected from the file's content")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    # Versions form a chain: a new version points at the one it supersedes.
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=200, blank=True, help_text="Where the file was obtained")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def is_current(self):
        # The reverse one-to-one raises when nothing supersedes this version.
        return not hasattr(self, "superseded_by")
