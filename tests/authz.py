"""The authorization matrix as test data.

Every named URL pattern and API route of the project must have at least one
`Route` in a `ROUTES` dict of a `tests/<app>/routes.py` module; the test in
tests/test_authorization.py walks the URL resolver and fails for any name
without a rule, then requests every rule as each person of the world.

A route module looks like:

    from cases.access import Action
    from tests.authz import Route, case_kwargs

    def build(world):          # optional: create the records the routes point at
        world.objects["seizure"] = seizure_record(case=world.case, by=world.users["lead"], ...)

    ROUTES = {
        "seizures:list": Route(Action.VIEW),
        "seizures:create": [Route(Action.VIEW), Route(Action.ADD, method="post", data=lambda w: {...})],
        "seizures:detail": Route(Action.VIEW, kwargs=lambda w: case_kwargs(w, pk=w.seizure.pk)),
        "seizure-list": Route(Action.VIEW, api=True, kwargs=no_kwargs, list_all=True),
        "seizure-detail": Route(Action.VIEW, api=True, kwargs=lambda w: {"pk": w.seizure.pk}),
    }

Expectations:
- case routes (`action` set): a team member whose role allows `action` gets a
  success (2xx or a redirect that is not to the login page); everyone else
  logged in gets 404; an anonymous visitor goes to the login page (HTML) or
  gets 401/403 (API).
- `list_all=True` (API list endpoints): every logged-in user gets 200 (the list
  is filtered, tested elsewhere); anonymous 401/403.
- `expect`: an explicit function (person name or "anonymous") -> status code
  or set of codes, for pages outside a case.
Each request runs in its own savepoint that is rolled back, so every person
sees the same world.

The expectation is read from the literal role table of tests/cases/test_access_matrix.py
(`MATRIX`, `ACTIONS`), not from the production `PERMISSIONS`, plus the agency rule: releasing FIU
records needs a member whose agency is an FIU.
"""
from dataclasses import dataclass, field
from typing import Callable

from tests.cases.test_access_matrix import ACTIONS, MATRIX

SUCCESS = {200, 201, 202, 204, 302}
ANONYMOUS = "anonymous"


def table_allows(world, person: str, role: str, action: str) -> bool:
    """The literal role table, and for release_fiu the agency of the person (an FIU)."""
    if role not in MATRIX or action not in ACTIONS:
        return False
    allowed = bool(MATRIX[role][ACTIONS.index(action)])
    if action == "release_fiu":
        agency = world.users[person].agency
        allowed = allowed and agency is not None and agency.kind == "fiu"
    return allowed


def case_kwargs(world, **extra):
    return {"reference": world.case.reference, **extra}


def no_kwargs(world):
    return {}


@dataclass
class Route:
    action: str | None = None
    method: str = "get"
    kwargs: Callable = case_kwargs
    data: Callable | None = None
    api: bool = False
    list_all: bool = False
    expect: Callable | None = None
    # extra condition on top of the role matrix: (world, person name) -> bool
    also: Callable | None = None
    format: str = ""  # request format for API writes ("json" or "multipart")
    files: Callable | None = None  # (world) -> {field: SimpleUploadedFile} for multipart posts
    # what a logged-in person who may not do this gets: 404 by default; 400 for API creates that
    # name the case in the body (the case is "not one where you may add", as if it did not exist)
    refused: int = 404
    label: str = field(default="", compare=False)

    def expected(self, world, person: str, team_roles: dict):
        if self.expect is not None:
            value = self.expect(person)
            return value if isinstance(value, set) else {value}
        if person == ANONYMOUS:
            return {401, 403} if self.api else {"login"}
        if self.list_all:
            return {200}
        role = team_roles.get(person)
        allowed = role is not None and table_allows(world, person, str(role), str(self.action))
        if allowed and self.also is not None:
            allowed = self.also(world, person)
        return SUCCESS if allowed else {self.refused}
