"""Case-scoped pages of the finance app, mounted under /cases/<reference>/finance/."""
app_name = "finance"
urlpatterns: list = []
