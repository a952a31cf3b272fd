"""Case-scoped pages of the finance app, mounted under /cases/<reference>/finance/."""
from django.urls import path

from finance import views

app_name = "finance"
urlpatterns = [
    path("", views.LedgerView.as_view(), name="ledger"),
    path("transactions/<int:pk>/", views.TransactionDetailView.as_view(), name="transaction-detail"),
    path("imports/", views.ImportListView.as_view(), name="imports"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/mapping/", views.ImportMappingView.as_view(), name="import-mapping"),
    path("imports/<int:pk>/errors.csv", views.ImportErrorReportView.as_view(), name="import-errors"),
    path("imports/<int:pk>/release/", views.ImportReleaseView.as_view(), name="import-release"),
    path("accounts/", views.AccountListView.as_view(), name="accounts"),
    path("accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account-detail"),
    path("parties/", views.PartyListView.as_view(), name="parties"),
    path("parties/suggestions/", views.SuggestionListView.as_view(), name="suggestions"),
    path("parties/suggestions/<int:pk>/decide/", views.SuggestionDecideView.as_view(), name="suggestion-decide"),
    path("crypto/", views.CryptoListView.as_view(), name="crypto"),
]
