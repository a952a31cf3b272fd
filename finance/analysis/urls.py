"""Case-scoped pages of money-flow analyses, mounted under /cases/<reference>/analyses/."""
from django.urls import path

from . import views

app_name = "analysis"
urlpatterns = [
    path("", views.RunListView.as_view(), name="runs"),
    path("new/", views.RunCreateView.as_view(), name="new"),
    path("money/", views.OverviewView.as_view(), name="overview"),
    path("alerts/", views.AlertListView.as_view(), name="alerts"),
    path("alerts/<int:pk>/", views.AlertDetailView.as_view(), name="alert-detail"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("lists/", views.ListsView.as_view(), name="lists"),
    path("tags/", views.TagsView.as_view(), name="tags"),
    path("<int:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("<int:pk>/graph.json", views.RunGraphView.as_view(), name="run-graph"),
    path("<int:pk>/edge/", views.RunEdgeView.as_view(), name="run-edge"),
    path("<int:pk>/export.<str:fmt>", views.RunExportView.as_view(), name="run-export"),
    path("<int:pk>/rerun/", views.RunRerunView.as_view(), name="run-rerun"),
    path("<int:pk>/release/", views.RunReleaseView.as_view(), name="run-release"),
]
