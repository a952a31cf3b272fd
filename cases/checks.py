"""Deploy checks (`manage.py check --deploy`) for the doors of the application."""
from django.conf import settings
from django.core.checks import Info, Tags, Warning, register


@register(Tags.security, deploy=True)
def two_factor_check(app_configs=None, **kwargs):
    problems = []
    if not getattr(settings, "PARALLAX_2FA_REQUIRED", True):
        problems.append(Warning(
            "PARALLAX_2FA_REQUIRED is off: case members and staff can work with a password alone.",
            hint="Unset PARALLAX_2FA_REQUIRED (it is on by default outside the test suite).",
            id="parallax.W001"))
    exempt = getattr(settings, "PARALLAX_2FA_EXEMPT_AGENCIES", [])
    if exempt:
        problems.append(Info(
            f"Members of these agencies need no second factor: {', '.join(exempt)}.", id="parallax.I001"))
    return problems


@register(Tags.security, deploy=True)
def client_address_check(app_configs=None, **kwargs):
    problems = []
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not getattr(settings, "PARALLAX_TRUSTED_PROXIES", 0):
        problems.append(Warning(
            "The site runs behind a TLS proxy, but PARALLAX_TRUSTED_PROXIES is 0: the audit trail, the "
            "lockout and the throttles see the proxy's address for every client.",
            hint="Set PARALLAX_TRUSTED_PROXIES to the number of reverse proxies in front of the application.",
            id="parallax.W002"))
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith("LocMemCache") or backend.endswith("DummyCache"):
        problems.append(Warning(
            "The default cache is per process: API throttles count separately in every worker.",
            hint="Set REDIS_URL, or use a file or database cache.", id="parallax.W003"))
    return problems
