"""Schemathesis over the whole OpenAPI schema: no server error, and every answer as the schema says.

The schema comes from drf-spectacular's generator; requests go to the Django WSGI application
(no server, no browser, no worker: Celery runs eagerly). Two people of the test world call every
operation: the lead investigator (API token) and the FIU financial analyst (session cookie and
CSRF token, as the browser would). The world holds a record of every kind (the route modules'
`build`), and generated ids and case references are steered towards real ones half of the time,
so that the operations reach their services and not only their 404.

Bounded: a few examples per operation and mode (positive and negative data), no shrinking,
derandomized; the run lasts about a minute on two cores. Every failure is collected and reported
at the end, with the request that caused it.
"""
import contextlib
import json
import logging
import time

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings as hsettings, strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import PASSWORD, build_world
from tests.test_authorization import route_modules

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = 4  # per operation, mode and person
CSRF = "fuzzcsrf" * 4  # a 32-character CSRF secret, sent as cookie and header


def fuzz_world():
    world = build_world()
    for module in route_modules():
        if hasattr(module, "build"):
            module.build(world)
    world.an.trace  # the analysis records are built on first use
    return world


def openapi_schema():
    with GENERATOR_STATS.silence():  # enum-name warnings: see tests/test_api_schema.py
        raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw, renderer_context={}))


@contextlib.contextmanager
def wsgi_app():
    """The Django WSGI application, called in the test's transaction. A bare WSGI call would close
    the connection at the end of each request; do as the test client does (which itself reconnects
    the handler after each of its requests, so no test-client request may run inside this block)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def people(world, client):
    # The lead signs in for a token as an API client does (user name and password).
    answer = client.post("/api/auth/token/", {"username": "lead", "password": PASSWORD}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    key = answer.json()["token"]
    client.force_login(world.users["analyst"])  # a session row, as a browser sign-in leaves
    session = client.cookies["sessionid"].value
    return {
        "lead (token)": {"headers": {"Authorization": f"Token {key}"}, "cookies": {}},
        "analyst (session)": {"headers": {"X-CSRFToken": CSRF},
                              "cookies": {"sessionid": session, "csrftoken": CSRF}},
    }


def real_ids(world):
    """Ids and references that exist, to steer generated path parameters towards."""
    return {"reference": [world.case.reference, world.other_case.reference]}


# Coverage-phase cases kept per operation (schemathesis' deterministic boundary and wrong-type
# values: the whole body as a list, a string, null...; each parameter of the wrong type).
COVERAGE_PER_OPERATION = 6
COVERAGE_KINDS = ("Incorrect type", "Value null value", "Invalid enum value", "String larger than maxLength",
                  "Value greater than maximum", "Value smaller than minimum", "not matching", "Missing request body",
                  "Object with unexpected properties", "Default positive test case", "Valid object")


def _description(case):
    data = getattr(getattr(case._meta, "phase", None), "data", None)
    return getattr(data, "description", "") or ""


def coverage_cases(schema, operation):
    """A bounded, deterministic choice of the coverage phase's cases: wrong types first."""
    chosen = []
    for case in schema.iter_coverage_cases(operation, generation_modes=list(GenerationMode),
                                           generation_config=schema.config.generation):
        description = _description(case)
        if description.startswith("Unspecified HTTP method") or description.startswith("Missing `"):
            continue  # another method (405) or no credentials: not this operation's input
        rank = next((i for i, kind in enumerate(COVERAGE_KINDS) if kind in description), None)
        if rank is not None:
            chosen.append((rank, len(chosen), case))
    return [case for _rank, _i, case in sorted(chosen, key=lambda c: c[:2])[:COVERAGE_PER_OPERATION]]


def _steer(case, references, pick, real_ids=True):
    """Point the case at the world's records: real case references, ids 1-12."""
    for name in list(case.path_parameters or {}):
        if name == "reference":
            case.path_parameters[name] = references[pick % 2]
        elif name in ("id", "pk") and real_ids:
            case.path_parameters[name] = 1 + pick % 12
    if isinstance(case.query, dict) and "case" in case.query:
        case.query["case"] = references[pick % 2]
    if isinstance(case.body, dict) and "case" in case.body:
        case.body["case"] = references[pick % 2]


def _inject_nul(case):
    """Put a NUL character into the first text value of the query or the body (PostgreSQL refuses it)."""
    for container in (case.query, case.body):
        if isinstance(container, dict):
            for name, value in container.items():
                if isinstance(value, str):
                    container[name] = value + "\x00"
                    return


@pytest.mark.django_db
def test_api_answers_every_generated_request_without_server_error_and_as_documented(client):
    world = fuzz_world()
    who = people(world, client)
    spec = openapi_schema()
    schema = schemathesis.openapi.from_dict(spec)
    schema.config.generation.update(with_security_parameters=False)
    # Signing out (DELETE of the token) ends the person's access: it goes last.
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda op: op.method.upper() == "DELETE" and "/auth/" in op.path)
    references = real_ids(world)["reference"]
    checks = [not_a_server_error, response_schema_conformance]
    stats = {"operations": len(operations), "generated": 0, "coverage": 0, "statuses": {}, "unsatisfiable": 0}
    failures = {}
    started = time.monotonic()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 4xx answers are the point, not news
    coverage = {operation.label: coverage_cases(schema, operation) for operation in operations}

    def send(case, auth, kind):
        stats[kind] += 1
        response = case.call(app=app, headers=auth["headers"], cookies=auth["cookies"])
        stats["statuses"][response.status_code] = stats["statuses"].get(response.status_code, 0) + 1
        case.validate_response(response, checks=checks)

    with wsgi_app() as app:
        for person, auth in who.items():
            for operation in operations:
                for index, case in enumerate(coverage[operation.label]):
                    _steer(case, references, index)
                    try:
                        send(case, auth, "coverage")
                    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported at the end
                        failures.setdefault(f"{person} {operation.label} [coverage: {_description(case)}]",
                                            f"{type(exc).__name__}: {str(exc)[:1500]}")
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    label = f"{person} {operation.label} [{mode.value}]"

                    @hsettings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                               phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                               print_blob=False)
                    @given(case=operation.as_strategy(generation_mode=mode), steer=st.booleans(),
                           nul=st.integers(0, 3), pick=st.integers(0, 40))
                    def run(case, steer, nul, pick):
                        if steer:
                            _steer(case, references, pick, real_ids=mode is GenerationMode.POSITIVE)
                        if nul == 0 and mode is GenerationMode.POSITIVE:
                            _inject_nul(case)
                        send(case, auth, "generated")

                    try:
                        run()
                    except Unsatisfiable:
                        stats["unsatisfiable"] += 1  # nothing in this operation can be made invalid
                    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported at the end
                        failures[label] = f"{type(exc).__name__}: {str(exc)[:1500]}"

    elapsed = time.monotonic() - started
    print(f"\nschemathesis: {stats['operations']} operations x {len(who)} people: {stats['coverage']} coverage "
          f"cases and {stats['generated']} generated examples in {elapsed:.0f} s "
          f"({stats['unsatisfiable']} operation/mode pairs without negative data); "
          f"statuses {dict(sorted(stats['statuses'].items()))}; {len(failures)} failures")
    assert stats["statuses"].get(200, 0) > 200, "too few successful answers: are the people signed in?"
    assert not failures, "\n\n".join(f"== {label}\n{text}" for label, text in sorted(failures.items()))
