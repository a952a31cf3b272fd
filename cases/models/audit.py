"""The audit trail: append-only, each event sealing the one before it.

Each event stores `hash`, a seal over its canonical bytes (which include the
previous event's seal). New events are sealed with HMAC-SHA256 under the audit
key, which lives in the environment (`PARALLAX_AUDIT_KEY`), never in the
database: whoever can write to the table but does not hold the key cannot
re-seal an edited chain. `algo` names the seal of each event; events written
before the key was introduced keep their plain SHA-256 seal ("sha256"), and the
verifier accepts those only before the first keyed event (see cases/audit.py).
"""
import hashlib
import hmac
import json

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def for_case(self, case):
        return self.filter(case=case)


def audit_key() -> bytes:
    """The HMAC key of the chain and its checkpoints (from settings, read on each use)."""
    key = getattr(settings, "PARALLAX_AUDIT_KEY", "")
    if not key:
        raise AppendOnlyError("PARALLAX_AUDIT_KEY is not configured; audit events cannot be sealed.")
    return key.encode() if isinstance(key, str) else bytes(key)


class AuditEvent(models.Model):
    GENESIS = "0" * 64
    ALGO_SHA256 = "sha256"  # events written before the audit key: plain SHA-256 of canonical()
    ALGO_HMAC = "hmac-sha256"  # HMAC-SHA256 of canonical() under PARALLAX_AUDIT_KEY
    ALGOS = (ALGO_SHA256, ALGO_HMAC)

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="User name at the time, or the system process")
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    algo = models.CharField(max_length=16, default=ALGO_HMAC, editable=False,
                            help_text="How `hash` seals the event: hmac-sha256 (keyed) or sha256 (before the key)")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["case", "id"])]

    def __str__(self):
        return f"#{self.pk} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but the id and the hash itself."""
        payload = {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "case": self.case_id,
            "ip": self.ip,
            "details": self.details,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()

    def compute_hash(self, key: bytes | None = None) -> str:
        """The seal of this event under its `algo` (`key` defaults to the configured audit key)."""
        if self.algo == self.ALGO_SHA256:
            return hashlib.sha256(self.canonical()).hexdigest()
        if self.algo != self.ALGO_HMAC:
            raise ValueError(f"Unknown audit seal algorithm {self.algo!r}.")
        return hmac.new(key if key is not None else audit_key(), self.canonical(), hashlib.sha256).hexdigest()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
