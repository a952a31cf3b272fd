"""Case-scoped pages of money-flow analyses, mounted under /cases/<reference>/analyses/."""
app_name = "analysis"
urlpatterns: list = []
