"""Pages of the seizures app outside a single case (mounted at /seizures/ in config/urls.py)."""
app_name = "seizures-global"
urlpatterns: list = []
