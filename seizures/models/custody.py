"""Chain of custody: an append-only sequence of events for each seized item."""
from django.core.exceptions import ValidationError
from django.db import models

from cases.models import CaseRecord


class CustodyEvent(CaseRecord):
    class Kind(models.TextChoices):
        SEIZED = "seized", "Seized"
        RECEIVED = "received", "Received into storage"
        MOVED = "moved", "Moved"
        SENT_TO_LAB = "sent_to_lab", "Sent to laboratory"
        EXAMINED = "examined", "Examined / test-fired"
        RETURNED = "returned", "Returned"
        RELEASED = "released", "Released"
        DESTROYED = "destroyed", "Destroyed"

    # Exactly one of the three items is set (checked by a constraint).
    firearm = models.ForeignKey("seizures.Firearm", null=True, blank=True, on_delete=models.PROTECT, related_name="custody")
    part = models.ForeignKey("seizures.Part", null=True, blank=True, on_delete=models.PROTECT, related_name="custody")
    ammunition = models.ForeignKey("seizures.Ammunition", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="custody")
    sequence = models.PositiveIntegerField(editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    from_holder = models.CharField(max_length=200, blank=True, help_text="Who handed the item over")
    to_holder = models.CharField(max_length=200, blank=True, help_text="Who holds the item after this event")
    from_location = models.CharField(max_length=200, blank=True)
    to_location = models.CharField(max_length=200, blank=True, help_text="Where the item is after this event")
    method = models.CharField(max_length=200, blank=True, help_text="Destruction method (required when destroyed)")
    witnesses = models.CharField(max_length=300, blank=True)
    ballistic_reference = models.CharField(max_length=100, blank=True, help_text="Ballistic database reference")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "sequence", "id"]
        constraints = [
            models.CheckConstraint(
                name="custody_event_has_one_item",
                condition=(
                    models.Q(firearm__isnull=False, part__isnull=True, ammunition__isnull=True)
                    | models.Q(firearm__isnull=True, part__isnull=False, ammunition__isnull=True)
                    | models.Q(firearm__isnull=True, part__isnull=True, ammunition__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["firearm", "sequence"], name="custody_firearm_sequence"),
            models.UniqueConstraint(fields=["part", "sequence"], name="custody_part_sequence"),
            models.UniqueConstraint(fields=["ammunition", "sequence"], name="custody_ammunition_sequence"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%d %b %Y %H:%M}"

    @property
    def item(self):
        return self.firearm or self.part or self.ammunition

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Custody events are append-only; record a new event instead of changing one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Custody events are append-only and cannot be deleted.")
