"""Keeps the client address of the current request for the audit trail."""
import contextvars
import ipaddress

from django.conf import settings

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("parallax_client_ip", default=None)


def current_ip():
    return _client_ip.get()


def client_ip(request):
    addr = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            addr = forwarded.split(",")[0].strip()
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
