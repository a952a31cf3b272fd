"""Who may do what in a case: the role→permission matrix, handling codes and
the case-scoped queryset. This module is the one place where access is decided.

A record the user may not see is filtered out of every queryset, so views
answer 404 for it exactly as for a record that does not exist.
"""
import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

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
    FIU = "fiu", "FIU — financial intelligence, FIU members only until released"

    @classmethod
    def strictest(cls, sources) -> "DerivedHandling":
        """The handling of whatever is made from `sources` (records, or DerivedHandling values): the
        strictest of theirs. The one place where a derived artefact's handling is decided.

        Unreleased FIU intelligence is strictest, then agency material, then team material (released
        FIU intelligence counts as team material). Agency material of two different agencies has no
        common audience but the FIU's own, so it is treated as FIU intelligence."""
        return strictest_handling(sources)


class GlobalRole(models.TextChoices):
    NONE = "", "None"
    SYSTEM_ADMIN = "system_admin", "System administrator"
    FOCAL_POINT = "focal_point", "National focal point"


_A = Action
# The matrix. Read it as: a member with this role may do these actions on the
# case's records (subject to handling codes). tests/cases/test_access_matrix.py
# pins every cell as a literal table.
#
# FIU actions (releasing FIU intelligence, granting FIU access) follow the
# agency as well as the role: the role must allow them AND the member's agency
# must be an FIU (see `FIU_ACTIONS`). A lead cannot make a police officer able
# to release by giving him the analyst role.
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEAD: frozenset({_A.VIEW, _A.ADD, _A.CHANGE, _A.DELETE, _A.EXPORT, _A.MANAGE_TEAM, _A.RELEASE_FIU}),
    Role.INVESTIGATOR: frozenset({_A.VIEW, _A.ADD, _A.CHANGE, _A.EXPORT}),
    Role.FINANCIAL_ANALYST: frozenset({_A.VIEW, _A.ADD, _A.CHANGE, _A.EXPORT, _A.RELEASE_FIU}),
    Role.PROSECUTOR: frozenset({_A.VIEW, _A.ADD, _A.EXPORT}),
    Role.ASSET_RECOVERY: frozenset({_A.VIEW, _A.ADD, _A.CHANGE, _A.EXPORT}),
    # Observers change nothing; they may read and take a dossier of what they can read.
    Role.OBSERVER: frozenset({_A.VIEW, _A.EXPORT}),
}


FIU_ACTIONS = frozenset({Action.RELEASE_FIU})


def role_allows(role: str, action: str) -> bool:
    """The matrix cell alone; `member_allows` adds the agency rule for FIU actions."""
    return action in PERMISSIONS.get(role, frozenset())


def member_allows(user, role: str, action: str) -> bool:
    """What a member with `role` may do: the matrix, and for FIU actions an FIU agency."""
    if not role_allows(role, action):
        return False
    return action not in FIU_ACTIONS or user_is_fiu(user)


def roles_with(action: str) -> list[str]:
    return [role for role, actions in PERMISSIONS.items() if action in actions]


def user_is_fiu(user) -> bool:
    agency = getattr(user, "agency", None)
    return bool(agency and agency.kind == "fiu")


def active_memberships(user, action):
    from cases.models import CaseMembership

    if action in FIU_ACTIONS and not user_is_fiu(user):
        return CaseMembership.objects.none()
    return CaseMembership.objects.active().filter(user=user, role__in=roles_with(action))


def fiu_granted_cases(user):
    """Ids (a subquery) of the cases where an FIU member granted `user` FIU access, not revoked."""
    from cases.models import FiuAccessGrant

    return FiuAccessGrant.objects.active().filter(user=user).values("case_id")


def has_fiu_access(user, case) -> bool:
    """May `user` read unreleased FIU intelligence of `case` (as a member)? FIU agency members may;
    others only through an active grant by an FIU member in that case."""
    from cases.models import FiuAccessGrant

    if not user_is_usable(user):
        return False
    if user_is_fiu(user):
        return True
    case_id = getattr(case, "pk", case)
    return FiuAccessGrant.objects.active().filter(user=user, case_id=case_id).exists()


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
        q |= Q(**{f"{p}handling": Handling.FIU, f"{p}case_id__in": fiu_granted_cases(user)})
    return q


def user_can_see_handling(user, membership, record) -> bool:
    """The same rule as `handling_filter`, for one record already loaded (`membership` is the
    user's membership in the record's case; kept for callers, the rule needs only the case)."""
    code = getattr(record, "handling", Handling.TEAM)
    if code == Handling.TEAM:
        return True
    if code == Handling.AGENCY:
        return bool(user.agency_id) and record.origin_agency_id == user.agency_id
    if code == Handling.FIU:
        return record.fiu_released_at is not None or has_fiu_access(user, record.case_id)
    return False


@dataclass(frozen=True)
class DerivedHandling:
    """The handling a derived artefact takes from its sources (see `Handling.strictest`)."""

    handling: str = Handling.TEAM
    origin_agency_id: int | None = None
    # The unreleased FIU sources (model label, pk), so a release can name what it rests on.
    unreleased_fiu: tuple = ()

    @property
    def fiu_released_at(self):
        return None

    def apply_to(self, obj):
        """Set handling fields on an artefact about to be saved (keeps an existing agency when the
        sources name none)."""
        obj.handling = self.handling
        if self.origin_agency_id is not None and hasattr(obj, "origin_agency_id"):
            obj.origin_agency_id = self.origin_agency_id
        return obj

    def visible_to(self, user, case) -> bool:
        """May member `user` of `case` see an artefact with this handling?"""
        if self.handling == Handling.TEAM:
            return True
        if self.handling == Handling.AGENCY:
            return bool(user.agency_id) and user.agency_id == self.origin_agency_id
        return has_fiu_access(user, case)


_RANK = {Handling.TEAM: 0, Handling.AGENCY: 1, Handling.FIU: 2}


def strictest_handling(sources) -> DerivedHandling:
    level, agencies, unreleased = 0, set(), []
    for src in sources:
        if src is None:
            continue
        if isinstance(src, DerivedHandling):
            code, agency = src.handling, src.origin_agency_id
            unreleased.extend(src.unreleased_fiu)
        else:
            code = getattr(src, "handling", Handling.TEAM) or Handling.TEAM
            agency = getattr(src, "origin_agency_id", None)
            if code == Handling.FIU and getattr(src, "fiu_released_at", None) is not None:
                code = Handling.TEAM
            if code == Handling.FIU:
                unreleased.append((src._meta.label, src.pk))
        if code == Handling.AGENCY:
            agencies.add(agency)
        level = max(level, _RANK[code])
    if level == _RANK[Handling.AGENCY] and len(agencies) > 1:
        level = _RANK[Handling.FIU]
    if level == _RANK[Handling.FIU]:
        return DerivedHandling(Handling.FIU, None, tuple(unreleased))
    if level == _RANK[Handling.AGENCY]:
        return DerivedHandling(Handling.AGENCY, next(iter(agencies)))
    return DerivedHandling()


def user_is_usable(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = Action.VIEW):
        if not user_is_usable(user):
            return self.none()
        return self.filter(pk__in=active_memberships(user, action).values("case_id"))


# --- the safety net: an unscoped query of a case-owned model fails -----------------------------
#
# While a request is handled (cases.middleware.ScopeGuardMiddleware) or a job's task runs
# (cases.signals), reading a case-owned model through a queryset that was narrowed neither by
# `.visible_to(user)` nor to a case (`.in_case(case)`, `filter(case=...)`, `filter(case_id__in=...)`),
# nor reached from a loaded record (a related manager or a prefetch), raises `UnscopedQuery`
# instead of returning rows of every case. Code that must look across cases on purpose
# (deconfliction, the scheduled checks) says so with `.across_cases()`.

_scope_strict: contextvars.ContextVar[bool] = contextvars.ContextVar("parallax_scope_strict", default=False)


class UnscopedQuery(RuntimeError):
    """A case-owned model was read without a case scope while the guard was on."""


def across_cases(qs):
    """`qs` marked as a deliberate read across cases (for querysets of any model)."""
    return qs.across_cases() if hasattr(qs, "across_cases") else qs


def scope_guard_enter(on: bool = True):
    """Turn the guard on (or off) until `scope_guard_leave(token)`; for Celery's task signals."""
    return _scope_strict.set(on)


def scope_guard_leave(token):
    try:
        _scope_strict.reset(token)
    except ValueError:  # set in another context (a worker thread pool): just turn it off
        _scope_strict.set(False)


@contextmanager
def scope_guard(on: bool = True):
    token = _scope_strict.set(on)
    try:
        yield
    finally:
        _scope_strict.reset(token)


def _scoping_fields(model) -> frozenset:
    """Lookups that bind a query to one case: the case itself, or a parent record that belongs to a
    case (rows under a seizure, an asset, an import are of the parent's case)."""
    cached = model.__dict__.get("_parallax_scoping_fields")
    if cached is not None:
        return cached
    names = {"case", "case_id"}
    for f in model._meta.get_fields():
        if f.is_relation and f.many_to_one and f.concrete and f.related_model is not None:
            related = f.related_model
            if related._meta.label == "cases.Case" or any(
                    getattr(g, "name", "") == "case" for g in related._meta.get_fields()):
                names.update({f.name, f.attname})
    result = frozenset(names)
    setattr(model, "_parallax_scoping_fields", result)
    return result


def _mentions_case(model, args, kwargs) -> bool:
    scoping = _scoping_fields(model)

    def key_is_case(key):
        return key.split("__", 1)[0] in scoping

    if any(key_is_case(k) for k in kwargs):
        return True
    stack = list(args)
    while stack:
        node = stack.pop()
        if isinstance(node, Q):
            for child in node.children:
                if isinstance(child, tuple) and key_is_case(child[0]):
                    return True
                if isinstance(child, Q):
                    stack.append(child)
    return False


class CaseScopedQuerySet(models.QuerySet):
    """Default queryset of every case-owned model (which has a `case` FK)."""

    _case_scoped = False

    def _clone(self):
        clone = super()._clone()
        clone._case_scoped = self._case_scoped
        return clone

    def _scoped(self):
        self._case_scoped = True
        return self

    def across_cases(self):
        """Deliberately read across cases (deconfliction, scheduled checks): the caller decides what
        of the rows anyone may learn."""
        return self._clone()._scoped()

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        if not negate and _mentions_case(self.model, args, kwargs):
            clone._case_scoped = True
        return clone

    def _check_scope(self):
        if _scope_strict.get() and not self._case_scoped and "instance" not in self._hints and not self.query.is_empty():
            raise UnscopedQuery(
                f"{self.model._meta.label} was read without a case scope: use .visible_to(user), "
                f".in_case(case) or .across_cases()."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._check_scope()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

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
    return membership is not None and member_allows(user, membership.role, action)
