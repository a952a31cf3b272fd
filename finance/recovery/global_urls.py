"""Asset-recovery pages across the user's cases (deadlines, totals), mounted at /assets/."""
app_name = "recovery-global"
urlpatterns: list = []
