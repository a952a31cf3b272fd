import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases.access import CaseQuerySet, MembershipQuerySet, Role

REFERENCE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")


def validate_reference(value):
    if not REFERENCE_RE.match(value or ""):
        raise ValidationError(
            "A case reference is 2–40 capital letters, digits and dashes, starting with a letter or digit."
        )


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SUSPENDED = "suspended", "Suspended"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=40, unique=True, validators=[validate_reference])
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(default=timezone.localdate)
    lead_agency = models.ForeignKey("cases.Agency", on_delete=models.PROTECT, related_name="led_cases")
    summary = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="cases")
    reference_currency = models.CharField(max_length=3, default="EUR")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self):
        return f"{self.reference} — {self.title}"


class CaseMembership(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["case", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(until__isnull=True), name="one_open_membership_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} in {self.case.reference}"

    @property
    def is_active(self):
        now = timezone.now()
        return self.since <= now and (self.until is None or self.until > now)


class FiuAccessGrantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class FiuAccessGrant(models.Model):
    """An FIU member's consent that a non-FIU member of the case reads its unreleased FIU
    intelligence. Only FIU members grant and revoke; both are audited. The grant counts only
    while the grantee is a member of the case (visibility starts from membership)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="fiu_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fiu_grants")
    reason = models.CharField(max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = FiuAccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(revoked_at__isnull=True), name="one_open_fiu_grant_per_user"
            )
        ]

    def __str__(self):
        return f"FIU access for {self.user} in {self.case.reference}"
