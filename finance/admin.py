from django.contrib import admin

from finance.models import FxRate


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    """Exchange rates are maintained by administrators (case data is never edited in the admin)."""

    list_display = ("on", "currency", "quote_currency", "rate", "source")
    list_filter = ("currency", "quote_currency")
    date_hierarchy = "on"
