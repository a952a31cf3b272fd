"""Every URL pattern and API route, requested by every person of the world.

Rules live in tests/<app>/routes.py (see tests/authz.py). A route without a
rule fails `test_every_route_has_a_rule`, so a new page cannot ship unchecked.
"""
import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz import ANONYMOUS, SUCCESS
from tests.conftest import EVERYONE, TEAM, build_world

TESTS_DIR = Path(__file__).parent
IGNORED_NAMESPACES = {"admin"}
# DRF's browsable root and format-suffix variants are not separate resources.
IGNORED_NAMES = {"api-root"}


def route_modules():
    for path in sorted(TESTS_DIR.glob("*/routes.py")):
        yield importlib.import_module(f"tests.{path.parent.name}.routes")


def all_rules():
    rules = {}
    for module in route_modules():
        for name, spec in module.ROUTES.items():
            rules.setdefault(name, []).extend(spec if isinstance(spec, list) else [spec])
    return rules


def url_names(patterns=None, prefix=""):
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in IGNORED_NAMESPACES:
                continue
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= url_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names - IGNORED_NAMES


def test_every_route_has_a_rule():
    rules = all_rules()
    missing = sorted(url_names() - set(rules))
    assert not missing, f"routes without an authorization rule in tests/<app>/routes.py: {missing}"
    unknown = sorted(set(rules) - url_names())
    assert not unknown, f"rules for routes that do not exist: {unknown}"


def test_route_discovery_finds_known_routes():
    names = url_names()
    assert {"cases:detail", "cases:evidence-download", "case-list", "evidence-detail"} <= names


def _build_world():
    world = build_world()
    for module in route_modules():
        if hasattr(module, "build"):
            module.build(world)
    return world


MODULES = [module.__name__.split(".")[1] for module in route_modules()]


def _request(client, route, url, world):
    method = getattr(client, route.method)
    if route.method == "get":
        return method(url)
    data = route.data(world) if route.data else {}
    if route.files:
        data = {**data, **route.files(world)}
    if route.api and route.format != "multipart":
        return method(url, data=data, content_type="application/json")
    return method(url, data=data)


def _answer_ok(response, expected):
    status = response.status_code
    if "login" in expected:
        return status == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    if expected == SUCCESS and status == 302:
        return not response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    return status in expected


@pytest.mark.django_db
@pytest.mark.parametrize("app", MODULES)
def test_routes_answer_each_person_as_the_matrix_says(app, client):
    """One world per route module; every rule of the module requested by every person, each request
    in a savepoint that is rolled back, so every request sees the same world. All failures in one message."""
    module = importlib.import_module(f"tests.{app}.routes")
    world = _build_world()
    team_roles = {person: role for person, (_agency, role) in TEAM.items()}
    failures, checks = [], 0
    rules = [(name, index, route, reverse(name, kwargs=route.kwargs(world)))
             for name, spec in module.ROUTES.items()
             for index, route in enumerate(spec if isinstance(spec, list) else [spec])]
    for person in (*EVERYONE, ANONYMOUS):
        # one sign-in per person; a rule that signs out (logout) is followed by a fresh sign-in
        for name, index, route, url in rules:
            if person != ANONYMOUS and SESSION_KEY not in client.session:
                client.force_login(world.users[person])
            elif person == ANONYMOUS:
                client.logout()
            expected = route.expected(world, person, team_roles)
            with transaction.atomic():
                response = _request(client, route, url, world)
                transaction.set_rollback(True)
            checks += 1
            if not _answer_ok(response, expected):
                failures.append(f"{name}[{index}] {person}: {route.method.upper()} {url} -> "
                                f"{response.status_code}, expected {sorted(map(str, expected))}")
        client.logout()
    assert checks, f"tests/{app}/routes.py has no rules"
    assert not failures, f"{len(failures)} of {checks} requests answered against the matrix:\n" + "\n".join(failures)
