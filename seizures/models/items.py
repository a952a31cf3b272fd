"""What was seized: firearms with their markings, parts and components, ammunition."""
from django.core.exceptions import ValidationError
from django.db import models

from cases.models import CaseRecord
from cases.models.people import validate_country

from .choices import MarkingStatus, PartKind, WeaponType


def _year(value):
    if value is not None and not 1800 <= value <= 2100:
        raise ValidationError(f"{value} is not a plausible year.")


class SeizedItem(CaseRecord):
    """Common part of everything that was seized and has a chain of custody."""

    seizure = models.ForeignKey("seizures.Seizure", on_delete=models.PROTECT, related_name="%(class)ss")
    item_number = models.CharField(max_length=20, help_text="Exhibit number, e.g. SZ-1/03")
    source_row = models.PositiveIntegerField(null=True, blank=True, help_text="Row of the imported file")

    class Meta:
        abstract = True


class Firearm(SeizedItem):
    weapon_type = models.CharField(max_length=16, choices=WeaponType.choices)
    make = models.CharField(max_length=100, blank=True, help_text="Manufacturer as marked")
    make_normalized = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    model = models.CharField(max_length=100, blank=True)
    calibre = models.CharField(max_length=40, blank=True)
    serial_as_read = models.CharField(
        max_length=60, blank=True,
        help_text="Exactly as read on the firearm. Write ? or _ for a character that cannot be read, * for several.",
    )
    serial_normalized = models.CharField(max_length=60, blank=True, editable=False, db_index=True)
    serial_is_partial = models.BooleanField(default=False, editable=False)
    country_of_manufacture = models.CharField(max_length=2, blank=True, validators=[validate_country])
    year_of_manufacture = models.PositiveSmallIntegerField(null=True, blank=True, validators=[_year])
    import_country = models.CharField("import marking country", max_length=2, blank=True, validators=[validate_country])
    import_year = models.PositiveSmallIntegerField("import marking year", null=True, blank=True, validators=[_year])
    other_markings = models.TextField(blank=True, help_text="Proof marks, unit markings, engravings")
    marking_status = models.CharField(max_length=12, choices=MarkingStatus.choices, default=MarkingStatus.INTACT)
    craft_produced = models.BooleanField(default=False)
    converted = models.BooleanField(default=False)
    converted_from = models.CharField(max_length=100, blank=True, help_text="e.g. alarm revolver, signal pistol")
    printed_3d = models.BooleanField("3D-printed", default=False)
    deactivated = models.BooleanField(default=False)
    reactivated = models.BooleanField(default=False)
    condition = models.CharField(max_length=200, blank=True)
    illicit_grounds = models.CharField(max_length=300, blank=True, help_text="Why this firearm is illicit")
    # SDG 16.4.2 also counts arms whose illicit origin a competent authority established without a trace.
    origin_established = models.BooleanField(default=False)
    origin_established_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["seizure", "item_number", "id"]
        indexes = [models.Index(fields=["make_normalized", "serial_normalized"], name="firearm_make_serial")]
        constraints = [models.UniqueConstraint(fields=["seizure", "item_number"], name="firearm_item_once")]

    def __str__(self):
        label = " ".join(x for x in (self.make, self.model) if x) or self.get_weapon_type_display()
        return f"{self.item_number} {label}" + (f" s/n {self.serial_as_read}" if self.serial_as_read else "")

    def clean(self):
        if self.marking_status == MarkingStatus.UNMARKED and self.serial_as_read:
            raise ValidationError({"serial_as_read": "An unmarked firearm has no serial number; choose another marking status."})
        if self.converted_from and not self.converted:
            raise ValidationError({"converted_from": "Tick 'converted' when you say what it was converted from."})
        if self.reactivated and not self.deactivated:
            raise ValidationError({"reactivated": "A reactivated firearm was first deactivated; tick both."})
        if (self.import_year is None) != (not self.import_country):
            raise ValidationError({"import_country": "An import marking has a country and a year."})
        if self.origin_established and not self.origin_established_note.strip():
            raise ValidationError({"origin_established_note": "Say which authority established the origin, and how."})


class FirearmPhoto(CaseRecord):
    """A photo of a firearm, stored as an evidence file (hashed at upload)."""

    firearm = models.ForeignKey(Firearm, on_delete=models.CASCADE, related_name="photos")
    evidence = models.ForeignKey("cases.EvidenceFile", on_delete=models.PROTECT, related_name="+")
    caption = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]


class Part(SeizedItem):
    kind = models.CharField(max_length=20, choices=PartKind.choices)
    firearm = models.ForeignKey(Firearm, null=True, blank=True, on_delete=models.PROTECT, related_name="parts",
                                help_text="The firearm it belongs to, if any")
    make = models.CharField(max_length=100, blank=True)
    serial_as_read = models.CharField(max_length=60, blank=True)
    serial_normalized = models.CharField(max_length=60, blank=True, editable=False, db_index=True)
    markings = models.CharField(max_length=300, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["seizure", "item_number", "id"]
        constraints = [models.UniqueConstraint(fields=["seizure", "item_number"], name="part_item_once")]

    def __str__(self):
        return f"{self.item_number} {self.get_kind_display()}" + (f" ×{self.quantity}" if self.quantity > 1 else "")

    def clean(self):
        if self.quantity < 1:
            raise ValidationError({"quantity": "At least one."})


class Ammunition(SeizedItem):
    calibre = models.CharField(max_length=40)
    quantity = models.PositiveIntegerField(help_text="Number of rounds")
    headstamp = models.CharField(max_length=100, blank=True)
    lot_number = models.CharField(max_length=60, blank=True)
    country_of_manufacture = models.CharField(max_length=2, blank=True, validators=[validate_country])
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["seizure", "item_number", "id"]
        verbose_name_plural = "ammunition"
        constraints = [models.UniqueConstraint(fields=["seizure", "item_number"], name="ammunition_item_once")]

    def __str__(self):
        return f"{self.item_number} {self.quantity} × {self.calibre}"

    def clean(self):
        if not self.quantity:
            raise ValidationError({"quantity": "Record at least one round."})
