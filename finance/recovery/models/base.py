"""Scoping of child rows that take their handling code from their asset."""
from cases.access import Action, CaseScopedQuerySet, active_memberships, user_is_usable, handling_filter


class AssetChildQuerySet(CaseScopedQuerySet):
    """Rows under an asset: visible when the case is, and the asset's handling code admits the user."""

    def visible_to(self, user, action: str = Action.VIEW):
        qs = super().visible_to(user, action)
        if not user_is_usable(user):
            return qs
        return qs.filter(handling_filter(user, active_memberships(user, action), prefix="asset"))
