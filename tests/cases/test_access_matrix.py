"""The role matrix, pinned cell by cell as a literal table (not derived from PERMISSIONS), and the
agency rule for FIU actions that the matrix alone does not decide."""
import pytest

from cases.access import PERMISSIONS, Action, Role, member_allows, role_allows, roles_with

ACTIONS = ("view", "add", "change", "delete", "export", "manage_team", "release_fiu")
# 1 = the role allows the action. Columns in the order of ACTIONS. 6 roles x 7 actions = 42 cells.
MATRIX = {
    #                    view add chg del exp team fiu
    "lead":              (1,   1,  1,  1,  1,  1,   1),
    "investigator":      (1,   1,  1,  0,  1,  0,   0),
    "financial_analyst": (1,   1,  1,  0,  1,  0,   1),
    "prosecutor":        (1,   1,  0,  0,  1,  0,   0),
    "asset_recovery":    (1,   1,  1,  0,  1,  0,   0),
    "observer":          (1,   0,  0,  0,  1,  0,   0),
}
CELLS = [(role, action, bool(MATRIX[role][i])) for role in MATRIX for i, action in enumerate(ACTIONS)]


def test_the_table_covers_every_role_and_action():
    assert set(MATRIX) == set(Role.values) == set(PERMISSIONS)
    assert set(ACTIONS) == set(Action.values)
    assert len(CELLS) == 42


@pytest.mark.parametrize("role,action,allowed", CELLS, ids=[f"{r}-{a}" for r, a, _ in CELLS])
def test_matrix_cell(role, action, allowed):
    assert role_allows(role, action) is allowed


def test_only_leads_manage_the_team_and_delete():
    assert roles_with(Action.MANAGE_TEAM) == [Role.LEAD]
    assert roles_with(Action.DELETE) == [Role.LEAD]


def test_unknown_roles_and_actions_allow_nothing():
    assert not role_allows("janitor", Action.VIEW)
    assert not role_allows(Role.LEAD, "launch")


class _Agency:
    def __init__(self, kind):
        self.kind = kind


class _User:
    def __init__(self, kind):
        self.agency = _Agency(kind) if kind else None


@pytest.mark.parametrize("kind,expected", [("fiu", True), ("police", False), ("customs", False), (None, False)])
def test_release_follows_the_agency_not_the_role(kind, expected):
    # The analyst role alone does not release: the member's agency must be an FIU.
    assert member_allows(_User(kind), Role.FINANCIAL_ANALYST, Action.RELEASE_FIU) is expected
    assert member_allows(_User(kind), Role.LEAD, Action.RELEASE_FIU) is expected
    # An FIU member in a role without the action still may not.
    assert member_allows(_User(kind), Role.OBSERVER, Action.RELEASE_FIU) is False
    # Other actions are the matrix cell alone.
    assert member_allows(_User(kind), Role.INVESTIGATOR, Action.ADD) is True
