"""Who must sign in with a second factor, and checking a code (authenticator app or recovery code).

Policy: every user with an active case membership and every staff account, unless the setting
PARALLAX_2FA_REQUIRED is off (the test suite only) or the user's agency is listed in
PARALLAX_2FA_EXEMPT_AGENCIES (short names; staff are never exempt).
"""
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.audit import audit_record

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"


def confirmed_device(user):
    """The user's confirmed authenticator app (TOTP), or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user):
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def _exempt_agencies():
    return {name.strip().lower() for name in getattr(settings, "PARALLAX_2FA_EXEMPT_AGENCIES", []) if name.strip()}


def two_factor_required(user) -> bool:
    """Must `user` be verified by a second factor before using anything behind the sign-in?"""
    if not getattr(settings, "PARALLAX_2FA_REQUIRED", True):
        return False
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser:
        return True
    from cases.models import CaseMembership

    if not CaseMembership.objects.active().filter(user=user).exists():
        return False
    agency = user.agency
    short = (agency.short_name or "").lower() if agency is not None else ""
    return not (short and short in _exempt_agencies())


def verify_second_factor(user, code):
    """The device (authenticator app, or recovery codes: each code works once) that accepts `code`,
    or None. Devices throttle repeated wrong codes themselves."""
    code = "".join((code or "").split())
    if not code or user is None:
        return None
    device = confirmed_device(user)
    if device is not None and code.isdigit() and device.verify_token(code):
        return device
    recovery = recovery_device(user)
    if recovery is not None and recovery.verify_token(code.lower()):
        audit_record(actor=user, action="auth.recovery_code.use",
                     details={"left": recovery.token_set.count()})
        return recovery
    return None


def recovery_codes_generate(*, user) -> list[str]:
    """Ten new recovery codes for `user` (shown once); the old ones stop working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME,
                                                       defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = []
        while len(codes) < RECOVERY_CODE_COUNT:
            code = StaticToken.random_token()
            if code not in codes:
                codes.append(code)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        audit_record(actor=user, action="auth.recovery_codes.generate", details={"count": len(codes)})
    return codes


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device is not None else 0


def totp_confirm(*, user, device) -> list[str]:
    """Turn the pending authenticator app on; returns fresh recovery codes (to show once)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="auth.totp.enable")
        return recovery_codes_generate(user=user)


def two_factor_disable(*, user):
    """Remove the authenticator app and the recovery codes (the view has checked password and code)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=user, action="auth.totp.disable")
