"""The API's filter backend (its own module: DRF's settings import it while DRF's viewsets load)."""
from django_filters.rest_framework import DjangoFilterBackend


class CaseScopedFilterBackend(DjangoFilterBackend):
    """django-filter's backend, with every filter that names a case record (`?seizure=`, `?asset=`)
    choosing among the records the requester may see: a foreign id reads like a missing one, and no
    filter reads a case-owned model without a scope."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for f in filterset.filters.values():
            qs = getattr(f, "queryset", None)
            if qs is not None and not callable(qs) and hasattr(qs, "visible_to"):
                f.queryset = qs.model._default_manager.visible_to(request.user)
        return filterset
