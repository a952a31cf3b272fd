"""API tokens that expire, can be revoked, and die with the signed-in session that made them.

The key is shown once; only its SHA-256 is stored (keys are 256-bit random, so a fast hash is enough).
"""
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

from cases.audit import audit_record
from cases.middleware import current_ip
from cases.models import ApiToken

KEY_PREFIX = "plx_"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def session_hash(session_key: str | None) -> str:
    return _digest(session_key) if session_key else ""


def token_lifetime() -> timedelta:
    return timedelta(hours=settings.PARALLAX_API_TOKEN_HOURS)


def api_token_issue(*, user, session_key=None, label="", not_after=None) -> tuple[ApiToken, str]:
    """A new API token for `user`, valid for PARALLAX_API_TOKEN_HOURS (and not past `not_after`, e.g. the
    end of the session that makes it); returns (token, key). The key is not stored and cannot be shown
    again. `session_key`: the signed-in session it belongs to, if any."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    expires_at = now + token_lifetime()
    if not_after is not None:
        expires_at = min(expires_at, not_after)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, key_hash=_digest(key), prefix=key[: len(KEY_PREFIX) + 6], label=label[:100],
            created=now, expires_at=expires_at, session_hash=session_hash(session_key),
            created_ip=current_ip(),
        )
        audit_record(actor=user, action="auth.token",
                     details={"token": token.prefix, "expires_at": token.expires_at.isoformat(),
                              "session": bool(session_key)})
    return token, key


def api_token_revoke(*, token: ApiToken, by, reason="revoked") -> ApiToken:
    """Revoke one token of `by` (a token of someone else is not found)."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, user=by, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            audit_record(actor=by, action="auth.token.revoke", details={"token": token.prefix, "reason": reason})
    token.refresh_from_db()
    return token


def api_tokens_revoke_for_session(*, user, session_key, reason="sign-out") -> int:
    """Revoke the tokens made from one signed-in session (at its sign-out)."""
    if not session_key:
        return 0
    with transaction.atomic():
        tokens = list(ApiToken.objects.filter(user=user, session_hash=session_hash(session_key), revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token, by=user, reason=reason)
    return len(tokens)


def api_tokens_of(user):
    """The tokens shown on the security page: usable ones first, then the last few ended ones."""
    return ApiToken.objects.filter(user=user).order_by("-created")[:50]


def api_token_find(key: str) -> ApiToken | None:
    if not key.startswith(KEY_PREFIX):
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=_digest(key)).first()


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with a key from `api_token_issue`: refused once expired or revoked.
    (A subclass of DRF's only for the OpenAPI security scheme; DRF's token table is not used.)"""

    keyword = "Token"

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            key = auth[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token header.") from None
        token = api_token_find(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed("This token has expired; sign in again for a new one.")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


@receiver(user_logged_out, dispatch_uid="parallax-revoke-session-tokens")
def _revoke_session_tokens(sender, request, user, **kwargs):
    # Every sign-out (the app's, the admin's): the tokens that session made stop working.
    if user is not None and request is not None and getattr(request, "session", None) is not None:
        api_tokens_revoke_for_session(user=user, session_key=request.session.session_key)
