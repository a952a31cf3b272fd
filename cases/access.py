"""Who may do what in a case: the role→permission matrix, handling codes and
the case-scoped queryset. This module is the one place where access is decided.

A record the user may not see is filtered out of every queryset, so views
answer 404 for it exactly as for a record that does not exist.
"""
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    LEAD = "lead", "Lead investigator"
    INVESTIGATOR = "investigator", "Investigator"
    FINANCIAL_ANALYST = "financial_analyst", "Financial analyst"
    PROSECUTOR = "prosecutor", "Prosecutor"
    ASSET_RECOVERY = "asset_recovery", "Asset-recovery officer"
    OBSERVER = "observer", "Observer"


class Action(models.TextChoices):
    VIEW = "view", "View"
    ADD = "add", "Add"
    CHANGE = "change", "Change"
    DELETE = "delete", "Delete"
    EXPORT = "export", "Export"
    MANAGE_TEAM = "manage_team", "Manage team"
    RELEASE_FIU = "release_fiu", "Release FIU intelligence"


class Handling(models.TextChoices):
    TEAM = "team", "Team — all members"
    AGENCY = "agency", "Agency — originating agency's members only"
    FIU = "fiu", "FIU — financial intelligence, FIU and analysts only until released"


class GlobalRole(models.TextChoices):
    NONE = "", "None"
    SYSTEM_ADMIN = "system_admin", "System administrator"
    FOCAL_POINT = "focal_point", "National focal point"


_A = Action
# The matrix. Read it as: a member with this role may do these actions on the
# case's records (subject to handling codes). Tested cell by cell.
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEAD: frozenset({_A.VIEW, _A.ADD, _A.CHANGE, _A.DELETE, _A.EXPORT, _A.MANAGE_TEAM}),
    Role.INVESTIGATOR: frozenset({_A.VIEW, _A.ADD, _A.CHANGE, _A.EXPORT}),
    Role.FINANCIAL_ANALYST: frozenset({_A.VIEW, _A.ADD, _A.CHANGE, _A.EXPORT, _A.RELEASE_FIU}),
    Role.PROSECUTOR: frozenset({_A.VIEW, _A.ADD, _A.EXPORT}),
    Role.ASSET_RECOVERY: frozenset({_A.VIEW, _A.ADD, _A.CHANGE, _A.EXPORT}),
    # Observers change nothing; they may read and take a dossier of what they can read.
    Role.OBSERVER: frozenset({_A.VIEW, _A.EXPORT}),
}


def role_allows(role: str, action: str) -> bool:
    return action in PERMISSIONS.get(role, frozenset())


def roles_with(action: str) -> list[str]:
    return [role for role, actions in PERMISSIONS.items() if action in actions]


def user_is_fiu(user) -> bool:
    agency = getattr(user, "agency", None)
    return bool(agency and agency.kind == "fiu")


def active_memberships(user, action):
    from cases.models import CaseMembership

    return CaseMembership.objects.active().filter(user=user, role__in=roles_with(action))


def handling_filter(user, memberships, prefix: str = "") -> Q:
    """Q selecting the records whose handling code admits `user`.

    `memberships` are the user's active memberships that grant the action;
    `prefix` is the path from the queried model to the handled record.
    """
    p = f"{prefix}__" if prefix else ""
    q = Q(**{f"{p}handling": Handling.TEAM})
    if user.agency_id:
        q |= Q(**{f"{p}handling": Handling.AGENCY, f"{p}origin_agency_id": user.agency_id})
    q |= Q(**{f"{p}handling": Handling.FIU, f"{p}fiu_released_at__isnull": False})
    if user_is_fiu(user):
        q |= Q(**{f"{p}handling": Handling.FIU})
    else:
        analyst_cases = memberships.filter(role=Role.FINANCIAL_ANALYST).values("case_id")
        q |= Q(**{f"{p}handling": Handling.FIU, f"{p}case_id__in": analyst_cases})
    return q


def user_can_see_handling(user, membership, record) -> bool:
    """The same rule as `handling_filter`, for one record already loaded."""
    code = getattr(record, "handling", Handling.TEAM)
    if code == Handling.TEAM:
        return True
    if code == Handling.AGENCY:
        return bool(user.agency_id) and record.origin_agency_id == user.agency_id
    if code == Handling.FIU:
        return (
            record.fiu_released_at is not None
            or user_is_fiu(user)
            or (membership is not None and membership.role == Role.FINANCIAL_ANALYST)
        )
    return False


def user_is_usable(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = Action.VIEW):
        if not user_is_usable(user):
            return self.none()
        return self.filter(pk__in=active_memberships(user, action).values("case_id"))


class CaseScopedQuerySet(models.QuerySet):
    """Default queryset of every case-owned model (which has a `case` FK)."""

    def visible_to(self, user, action: str = Action.VIEW):
        if not user_is_usable(user):
            return self.none()
        memberships = active_memberships(user, action)
        qs = self.filter(case_id__in=memberships.values("case_id"))
        if getattr(self.model, "HAS_HANDLING", False):
            qs = qs.filter(handling_filter(user, memberships))
        return qs

    def in_case(self, case):
        return self.filter(case=case)


class MembershipQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(since__lte=at).filter(Q(until__isnull=True) | Q(until__gt=at))

    def visible_to(self, user, action: str = Action.VIEW):
        if not user_is_usable(user):
            return self.none()
        return self.filter(case_id__in=active_memberships(user, action).values("case_id"))


def membership_for(user, case):
    """The user's active membership in the case, or None."""
    from cases.models import CaseMembership

    if not user_is_usable(user):
        return None
    return CaseMembership.objects.active().filter(user=user, case=case).first()


def can(user, case, action: str) -> bool:
    membership = membership_for(user, case)
    return membership is not None and role_allows(membership.role, action)
