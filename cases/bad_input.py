"""Malformed input answers 400 and names the parameter; it never reaches the database as a 500.

One middleware refuses, before any view runs:
  - a NUL character in the path, a query parameter (name or value), a form field or an uploaded
    file name, a JSON string or key, the session cookie or the Authorization header (PostgreSQL
    refuses NUL in text and raises a DataError deep inside a query);
  - a lone surrogate in a JSON string (no database encoding can store it);
  - a JSON body to POST/PUT/PATCH that is not an object (views read fields from it), or that is
    nested deeper than any record of the application.

Views parse integer query parameters with `int_param`, which raises `BadParameter` (a DRF
ValidationError: the API answers it itself; the middleware answers it for pages).

Text that goes into a response header (a download's file name) passes `header_safe`, and
`attachment_header` builds Content-Disposition with Django's `content_disposition_header`.
"""
import json
import re

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from rest_framework import exceptions

NUL = "\x00"
NUL_MESSAGE = "Null characters are not allowed."
SURROGATE_MESSAGE = "Not valid Unicode text (a lone surrogate)."
OBJECT_MESSAGE = "Expected a JSON object."
DEPTH_MESSAGE = "The JSON body is nested too deeply."
JSON_TYPES = ("application/json",)
BODY_METHODS = {"POST", "PUT", "PATCH"}
# Deeper than any request body of the API (identifiers / endpoints / shares are two levels).
MAX_JSON_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class BadParameter(exceptions.ValidationError):
    """A malformed parameter or field: 400 with `{name: [message]}` (API) or a page naming it."""

    def __init__(self, name, message):
        super().__init__({name: [message]})
        self.name, self.message = name, message


def int_param(params, name, default=None, *, minimum=None, maximum=None, clamp=False):
    """The integer query parameter `name` of `params` (a QueryDict or dict), or `default` when it is
    absent or empty. Not a whole number: BadParameter naming it. Outside [minimum, maximum]: clamped
    into it with `clamp`, else BadParameter."""
    raw = params.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise BadParameter(name, f"{name}: a whole number, not {_shown(raw)}.") from None
    if minimum is not None and value < minimum:
        if not clamp:
            raise BadParameter(name, f"{name}: at least {minimum}.")
        value = minimum
    if maximum is not None and value > maximum:
        if not clamp:
            raise BadParameter(name, f"{name}: at most {maximum}.")
        value = maximum
    return value


def id_param(params, name, default=None):
    """A record id in a query parameter or form field: a positive whole number (64 bits)."""
    return int_param(params, name, default, minimum=1, maximum=2**63 - 1)


def header_safe(text, fallback="download"):
    """`text` without control characters (CR/LF would split a header), on one line."""
    cleaned = _CONTROL.sub(" ", str(text or "")).strip()
    return cleaned or fallback


def attachment_header(filename, *, as_attachment=True):
    """The Content-Disposition value for a download named `filename` (quotes escaped, non-ASCII
    names as RFC 5987 `filename*`, control characters removed)."""
    return content_disposition_header(as_attachment, header_safe(filename))


def _shown(value, limit=40):
    text = str(value).replace(NUL, "")
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _name(text):
    return str(text).replace(NUL, "") or "parameter"


def _json_problem(value):
    """(field, message) for the first NUL, lone surrogate or excessive nesting in a parsed JSON
    value, or None. Iterative, so that deep nesting cannot exhaust the stack."""
    stack = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return path.split(".")[0].split("[")[0] or "body", DEPTH_MESSAGE
        if isinstance(item, str):
            message = NUL_MESSAGE if NUL in item else (SURROGATE_MESSAGE if _SURROGATE.search(item) else None)
            if message:
                field = path.split(".")[0].split("[")[0] or "body"
                return field, (f"{path}: {message}" if path and path != field else message)
        elif isinstance(item, dict):
            for key, child in item.items():
                if NUL in key or _SURROGATE.search(key):
                    return (_name(path.split(".")[0].split("[")[0] or key),
                            f"Field name {_shown(key)}: " + (NUL_MESSAGE if NUL in key else SURROGATE_MESSAGE))
                stack.append((child, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                stack.append((child, f"{path}[{index}]", depth + 1))
    return None


def _parse_json(raw):
    try:
        return json.loads(raw)
    except RecursionError:
        raise _Refused("body", DEPTH_MESSAGE) from None


class _Refused(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.name, self.message = name, message


def find_bad_input(request):
    """(name, message) for the first malformed part of the request, or None."""
    if NUL in request.path:
        return "path", NUL_MESSAGE
    if NUL in request.META.get("HTTP_AUTHORIZATION", ""):
        return "Authorization", NUL_MESSAGE
    for key, value in request.COOKIES.items():
        if NUL in key or NUL in value:
            return _name(key), NUL_MESSAGE
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return _name(key), NUL_MESSAGE
    if request.method not in BODY_METHODS and request.method != "DELETE":
        return None
    content_type = (request.content_type or "").lower()
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in v for v in values):
                return _name(key), NUL_MESSAGE
        for key, files in request.FILES.lists():
            if NUL in key or any(NUL in (f.name or "") for f in files):
                return _name(key), f"File name: {NUL_MESSAGE}"
        return None
    if content_type in JSON_TYPES or content_type.endswith("+json"):
        raw = request.body
        if not raw.strip():
            return None
        try:
            data = _parse_json(raw)
        except _Refused as refused:
            return refused.name, refused.message
        except ValueError:
            return None  # not JSON at all: the API's parser answers it
        if request.method in BODY_METHODS and not isinstance(data, dict):
            return "non_field_errors", f"{OBJECT_MESSAGE} Got {_json_kind(data)}."
        return _json_problem(data)
    return None


def _json_kind(value):
    return {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), "null")


def bad_request(request, name, message):
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", "").split(",")[0]:
        return JsonResponse({name: [message]}, status=400)
    return render(request, "400.html", {"field": name, "message": message}, status=400)


class BadInputMiddleware:
    """Refuse malformed input with a 400 naming the part (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = find_bad_input(request)
        if problem is not None:
            return bad_request(request, *problem)
        return self.get_response(request)

    def process_exception(self, request, exception):
        # DRF views answer BadParameter themselves; pages raise it from their views.
        if isinstance(exception, BadParameter):
            return bad_request(request, exception.name, exception.message)
        return None
