"""The OpenAPI schema of every app generates without errors or type guesses.

Enum names that drf-spectacular disambiguates itself ("StatusE65Enum") are
tolerated: the schema is still correct. Unresolved field types and two
components with one name are not: they make the schema wrong.
"""
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

TOLERATED = ("enum naming encountered", "multiple names for the same choice set")


def test_schema_generates_without_errors_or_wrong_types(db):
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    problems = [m for m in messages if not any(t in m for t in TOLERATED)]
    assert not problems, "\n".join(problems)


def test_schema_lists_the_case_routes(client, world):
    client.force_login(world.users["lead"])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/cases/{reference}/" in schema["paths"] and "/api/evidence/{id}/download/" in schema["paths"]
