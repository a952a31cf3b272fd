"""Every URL pattern and API route, requested by every person of the world.

Rules live in tests/<app>/routes.py (see tests/authz.py). A route without a
rule fails `test_every_route_has_a_rule`, so a new page cannot ship unchecked.
"""
import importlib
from pathlib import Path

import pytest
from django.conf import settings
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


RULES = sorted((name, i) for name, specs in all_rules().items() for i in range(len(specs)))


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


@pytest.mark.django_db
@pytest.mark.parametrize("name,index", RULES, ids=[f"{n}[{i}]" for n, i in RULES])
def test_route_answers_each_person_as_the_matrix_says(name, index, client):
    route = all_rules()[name][index]
    world = build_world()
    for module in route_modules():
        if hasattr(module, "build"):
            module.build(world)
    team_roles = {person: role for person, (_agency, role) in TEAM.items()}
    url = reverse(name, kwargs=route.kwargs(world))
    failures = []
    for person in (*EVERYONE, ANONYMOUS):
        client.logout()
        if person != ANONYMOUS:
            client.force_login(world.users[person])
        expected = route.expected(world, person, team_roles)
        with transaction.atomic():
            response = _request(client, route, url, world)
            transaction.set_rollback(True)
        status = response.status_code
        if "login" in expected:
            ok = status == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        elif expected == SUCCESS and status == 302:
            ok = not response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        else:
            ok = status in expected
        if not ok:
            failures.append(f"{person}: {route.method.upper()} {url} -> {status}, expected {sorted(map(str, expected))}")
    assert not failures, "\n".join(failures)
