"""Properties of the role matrix that the rest of the access model relies on."""
from cases.access import PERMISSIONS, Action, Role, role_allows, roles_with

WRITES = {Action.ADD, Action.CHANGE, Action.DELETE, Action.MANAGE_TEAM, Action.RELEASE_FIU}


def test_every_role_is_in_the_matrix_and_can_view():
    assert set(PERMISSIONS) == set(Role.values)
    assert all(role_allows(role, Action.VIEW) for role in Role.values)


def test_observers_write_nothing():
    assert not (PERMISSIONS[Role.OBSERVER] & WRITES)


def test_only_financial_analysts_release_fiu_intelligence():
    assert roles_with(Action.RELEASE_FIU) == [Role.FINANCIAL_ANALYST]


def test_only_leads_manage_the_team_and_delete():
    assert roles_with(Action.MANAGE_TEAM) == [Role.LEAD]
    assert roles_with(Action.DELETE) == [Role.LEAD]


def test_unknown_roles_and_actions_allow_nothing():
    assert not role_allows("janitor", Action.VIEW)
    assert not role_allows(Role.LEAD, "launch")
