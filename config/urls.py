from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases import account_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:list", permanent=False), name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", account_views.TwoFactorSetupView.as_view(), name="two-factor"),
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
