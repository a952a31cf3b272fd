import pycountry
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from cases.access import GlobalRole


def validate_country(value):
    if value and pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValidationError(f"{value!r} is not an ISO 3166-1 alpha-2 country code.")


class Agency(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        CUSTOMS = "customs", "Customs"
        BORDER = "border", "Border control"
        FIU = "fiu", "Financial intelligence unit"
        PROSECUTION = "prosecution", "Prosecution"
        TAX = "tax", "Tax authority"
        ARMS_CONTROL = "arms_control", "Arms-control authority"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=32, blank=True)
    country = models.CharField(max_length=2, validators=[validate_country], help_text="ISO 3166-1 alpha-2")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        self.country = (self.country or "").upper()


class User(AbstractUser):
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    global_role = models.CharField(max_length=20, choices=GlobalRole.choices, blank=True, default="")
    title = models.CharField(max_length=100, blank=True, help_text="Rank or function, shown to team members")

    class Meta:
        ordering = ["username"]

    def __str__(self):
        name = self.get_full_name() or self.username
        return f"{name} ({self.agency})" if self.agency_id else name

    @property
    def is_focal_point(self):
        return self.global_role == GlobalRole.FOCAL_POINT
