"""Sign-in lockout (django-axes): per user name across all addresses, plus a larger budget per address.

AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"] makes axes look at both; this handler gives the
address its own, higher limit (PARALLAX_LOGIN_IP_FAILURE_LIMIT), so that a password spray over many user
names from one address is stopped while one office behind one address is not locked by a single
mistyped password. A successful sign-in clears the failures of that user name only: signing in to one's
own account does not reset the spray budget of the address.
"""
from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class ParallaxAxesHandler(AxesDatabaseHandler):
    def _recent(self, request):
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts

    @staticmethod
    def _sum(attempts):
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def get_failures(self, request, credentials=None) -> int:
        """Failures in units of the user-name limit: the larger of the user name's failures (all
        addresses) and the address's failures (all user names) scaled to the address's budget."""
        user_limit = settings.AXES_FAILURE_LIMIT
        ip_limit = max(settings.PARALLAX_LOGIN_IP_FAILURE_LIMIT, 1)
        recent = self._recent(request)
        username = get_client_username(request, credentials)
        by_name = self._sum(recent.filter(username=username)) if username else 0
        ip_address = getattr(request, "axes_ip_address", None)
        by_address = self._sum(recent.filter(ip_address=ip_address)) if ip_address else 0
        return max(by_name, by_address * user_limit // ip_limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
