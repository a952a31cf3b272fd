"""Request plumbing: the client address (for the audit trail, lockouts and throttles), the second-factor
gate, and no caching of anything behind the sign-in."""
import contextvars
import ipaddress

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("parallax_client_ip", default=None)


def current_ip():
    return _client_ip.get()


def client_ip(request):
    """The client's address. With PARALLAX_TRUSTED_PROXIES = N > 0, the N-th address from the right of
    X-Forwarded-For (each trusted proxy appends the address it saw); with 0, the socket's peer, whatever
    the client writes into X-Forwarded-For. The same rule as DRF's NUM_PROXIES."""
    meta = getattr(request, "META", {})
    addr = meta.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "PARALLAX_TRUSTED_PROXIES", 0) or 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            addr = hops[-min(proxies, len(hops))]
    try:
        return ipaddress.ip_address(addr).compressed
    except ValueError:
        return None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


# Reachable without a verified second factor: signing in and out, setting up or entering the code.
TWO_FACTOR_OPEN_URL_NAMES = ("login", "logout", "two-factor", "two-factor-verify", "api-token")


class TwoFactorRequiredMiddleware:
    """A signed-in user who must use a second factor (cases.two_factor.two_factor_required) and whose
    session is not verified goes to the set-up page (no authenticator yet) or the code page; the API
    answers 403. Token-authenticated API calls carry no session: their token was issued after the code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._blocked(request):
            from cases.two_factor import confirmed_device

            has_device = confirmed_device(request.user) is not None
            target = "two-factor-verify" if has_device else "two-factor"
            if request.path.startswith("/api/"):
                return JsonResponse({
                    "detail": "Two-factor authentication is required: "
                              + ("enter your authenticator code." if has_device else "set up an authenticator app."),
                    "code": "two_factor_required", "url": reverse(target)}, status=403)
            url = reverse(target)
            if request.method == "GET":
                url += "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return self.get_response(request)

    def _blocked(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return False
        if request.path.startswith(settings.STATIC_URL) or request.path in self._open_paths():
            return False
        from cases.two_factor import two_factor_required

        return two_factor_required(user)

    @staticmethod
    def _open_paths():
        return {reverse(name) for name in TWO_FACTOR_OPEN_URL_NAMES}


class NoStoreMiddleware:
    """`Cache-Control: no-store` (and its companions) on every answer to a signed-in request and on
    every API answer: nothing behind the sign-in stays in a browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


class ScopeGuardMiddleware:
    """While a request is handled, a case-owned model read without a case scope raises
    (cases.access.UnscopedQuery): a forgotten `.visible_to(user)` fails loudly instead of leaking."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from cases.access import scope_guard

        with scope_guard(getattr(settings, "PARALLAX_SCOPE_GUARD", True)):
            return self.get_response(request)
