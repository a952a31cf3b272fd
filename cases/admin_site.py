"""The admin site behind the second factor (django-otp): a staff account with an authenticator app
cannot open /admin/ with its password alone."""
from django.conf import settings
from django.contrib.admin import AdminSite
from django_otp.admin import OTPAdminSite


class ParallaxAdminSite(OTPAdminSite):
    def has_permission(self, request):
        if not settings.PARALLAX_2FA_REQUIRED:  # the test suite only (force_login has no second factor)
            return AdminSite.has_permission(self, request)
        return super().has_permission(request)
