from rest_framework.routers import DefaultRouter

from finance.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("finance/imports", views.ImportViewSet, basename="finance-import")
router.register("finance/transactions", views.TransactionViewSet, basename="finance-transaction")
router.register("finance/accounts", views.AccountViewSet, basename="finance-account")
router.register("finance/parties", views.PartyViewSet, basename="finance-party")
router.register("finance/crypto-transactions", views.CryptoTransactionViewSet, basename="finance-crypto-transaction")
router.register("finance/suggestions", views.SuggestionViewSet, basename="finance-suggestion")

urlpatterns = [*router.urls]
