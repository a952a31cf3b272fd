"""Persons and organisations involved in a case, their links, notes and tasks."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .people import validate_country
from .records import CaseRecord, HandledRecord


class Entity(HandledRecord):
    """A person or an organisation involved in the case."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    class CaseRole(models.TextChoices):
        SUSPECT = "suspect", "Suspect"
        BROKER = "broker", "Broker"
        CARRIER = "carrier", "Carrier"
        BUYER = "buyer", "Buyer"
        SELLER = "seller", "Seller"
        WITNESS = "witness", "Witness"
        VICTIM = "victim", "Victim"
        OTHER = "other", "Other"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="Full name of the person or registered name of the organisation")
    role_in_case = models.CharField(max_length=10, choices=CaseRole.choices, default=CaseRole.OTHER)
    aliases = models.JSONField(default=list, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=2, blank=True, validators=[validate_country])
    country = models.CharField(
        max_length=2, blank=True, validators=[validate_country], help_text="Country of residence or registration"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.ORGANISATION and (self.sex or self.date_of_birth or self.nationality):
            raise ValidationError("Sex, date of birth and nationality apply to persons only.")

    @property
    def age_group(self):
        from cases.selectors import age_group

        return age_group(self.date_of_birth)


class EntityIdentifier(models.Model):
    class Kind(models.TextChoices):
        PASSPORT = "passport", "Passport"
        NATIONAL_ID = "national_id", "National identity number"
        DRIVING_LICENCE = "driving_licence", "Driving licence"
        COMPANY_NUMBER = "company_number", "Company registration number"
        TAX_ID = "tax_id", "Tax identification number"
        LEI = "lei", "Legal entity identifier"
        PHONE = "phone", "Phone number"
        EMAIL = "email", "E-mail address"
        OTHER = "other", "Other"

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=100)
    value_normalized = models.CharField(max_length=100, db_index=True, editable=False)
    country = models.CharField(max_length=2, blank=True, validators=[validate_country])

    class Meta:
        ordering = ["kind", "value"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}" + (f" ({self.country})" if self.country else "")


class EntityLink(CaseRecord):
    class Kind(models.TextChoices):
        FAMILY = "family", "Family"
        ASSOCIATE = "associate", "Associate"
        EMPLOYEE_OF = "employee_of", "Employee of"
        DIRECTOR_OF = "director_of", "Director of"
        SHAREHOLDER_OF = "shareholder_of", "Shareholder of"
        BENEFICIAL_OWNER_OF = "beneficial_owner_of", "Beneficial owner of"
        SUPPLIES = "supplies", "Supplies"
        BUYS_FROM = "buys_from", "Buys from"
        COMMUNICATES_WITH = "communicates_with", "Communicates with"
        PAYS = "pays", "Pays"
        OTHER = "other", "Other"

    source = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["source__name", "kind"]

    def __str__(self):
        return f"{self.source} — {self.get_kind_display().lower()} — {self.target}"

    def clean(self):
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError("A link joins two different persons or organisations.")
        if self.since and self.until and self.until < self.since:
            raise ValidationError({"until": "The end date is before the start date."})


class Note(HandledRecord):
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title or self.body[:60]


class Task(HandledRecord):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="case_tasks"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_date", "-created_at"]

    def __str__(self):
        return self.title
