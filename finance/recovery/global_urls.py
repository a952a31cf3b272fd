"""Asset-recovery pages across the user's cases (deadlines, totals), mounted at /assets/."""
from django.urls import path

from . import views

app_name = "recovery-global"
urlpatterns = [
    path("", views.DeadlineDashboardView.as_view(), name="deadlines"),
    path("totals/", views.GlobalTotalsView.as_view(), name="totals"),
]
