from django.conf import settings
from django.urls import reverse

from cases.registry import contributions


def parallax(request):
    context = {"classification": settings.PARALLAX_CLASSIFICATION}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from cases.selectors import notifications_for

        context["unread_notifications"] = notifications_for(user=user, unread_only=True).count()
        context["global_nav"] = [{"label": label, "url": reverse(name)} for label, name in contributions().global_nav]
    return context
