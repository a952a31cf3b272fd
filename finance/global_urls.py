"""Pages of the finance app outside a single case (mounted at /finance/ in config/urls.py)."""
app_name = "finance-global"
urlpatterns: list = []
