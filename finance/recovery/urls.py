"""Case-scoped pages of asset recovery, mounted under /cases/<reference>/assets/."""
app_name = "recovery"
urlpatterns: list = []
