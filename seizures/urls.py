"""Case-scoped pages of the seizures app, mounted under /cases/<reference>/seizures/."""
app_name = "seizures"
urlpatterns: list = []
