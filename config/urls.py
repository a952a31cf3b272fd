from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases import account_views
from cases.admin_site import ParallaxAdminSite

# Every ModelAdmin stays registered on admin.site; the site itself now asks for the second factor.
admin.site.__class__ = ParallaxAdminSite

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:list", permanent=False), name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.LogoutView.as_view(), name="logout"),
    path("account/security/", account_views.SecurityView.as_view(), name="security"),
    path("account/two-factor/", account_views.TwoFactorSetupView.as_view(), name="two-factor"),
    path("account/two-factor/verify/", account_views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("account/two-factor/disable/", account_views.TwoFactorDisableView.as_view(), name="two-factor-disable"),
    path("account/recovery-codes/", account_views.RecoveryCodesView.as_view(), name="recovery-codes"),
    path("account/tokens/", account_views.ApiTokenCreateView.as_view(), name="api-token-create"),
    path("account/tokens/<int:pk>/revoke/", account_views.ApiTokenRevokeView.as_view(), name="api-token-revoke"),
    path("cases/", include("cases.urls")),
    path("cases/<str:reference>/seizures/", include("seizures.urls")),
    path("cases/<str:reference>/finance/", include("finance.urls")),
    path("cases/<str:reference>/analyses/", include("finance.analysis.urls")),
    path("cases/<str:reference>/assets/", include("finance.recovery.urls")),
    path("seizures/", include("seizures.global_urls")),
    path("assets/", include("finance.recovery.global_urls")),
    path("finance/", include("finance.global_urls")),
    path("api/", include("cases.api.urls")),
    path("api/", include("seizures.api.urls")),
    path("api/", include("finance.api.urls")),
    path("api/", include("finance.analysis.api.urls")),
    path("api/", include("finance.recovery.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
