from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """An API key: only its SHA-256 is stored (the key is shown once). It expires, can be revoked on the
    security page, and one made from a signed-in session dies with that session's sign-out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="First characters of the key, to recognise it")
    label = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the session key of the signed-in session that made it (empty: made by the API sign-in).
    session_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()
