"""Pages of the seizures app outside a single case (mounted at /seizures/ in config/urls.py)."""
from django.urls import path

from seizures import views

app_name = "seizures-global"
urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="figures"),
    path("statistics.csv", views.StatisticsCsvView.as_view(), name="figures-csv"),
    path("tracing/overdue/", views.OverdueTracingView.as_view(), name="tracing-overdue"),
]
