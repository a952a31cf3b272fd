"""Authorization rules for the routes of `finance` (see tests/authz.py)."""
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services as case_services
from cases.access import Action, Handling
from tests.authz import Route, case_kwargs, no_kwargs

FIXTURES = Path(__file__).parent / "fixtures"


def _file(name, data=None):
    return SimpleUploadedFile(name, data if data is not None else (FIXTURES / name).read_bytes(), "text/plain")


def _imported(world, name, handling):
    from finance import services

    imp = services.import_start(case=world.case, by=world.users["analyst"], upload=_file(name), handling=handling,
                                run_inline=True)
    services.import_run(imp=imp, progress=lambda *a, **k: None)
    imp.refresh_from_db()
    return imp


def build(world):
    from finance import services
    from finance.models import Account, CryptoTransaction, ResolutionSuggestion, Transaction

    case_services.entity_create(case=world.case, by=world.users["lead"], kind="organisation",
                                name="Nordwaffen Handels GmbH")
    team_import = _imported(world, "statement.mt940", Handling.TEAM)
    crypto_import = _imported(world, "crypto_account.csv", Handling.TEAM)
    fiu_import = _imported(world, "crypto_utxo.csv", Handling.FIU)
    mapping_import = services.import_start(case=world.case, by=world.users["analyst"], handling=Handling.TEAM,
                                           upload=_file("bank_export.csv"))
    world.objects.update(
        team_import=team_import, fiu_import=fiu_import, mapping_import=mapping_import,
        transaction=Transaction.objects.filter(source_import=team_import).first(),
        account=Account.objects.filter(source_import=team_import).first(),
        party=team_import and Transaction.objects.filter(source_import=team_import, credit_party__isnull=False)
        .first().credit_party,
        crypto_tx=CryptoTransaction.objects.filter(source_import=crypto_import).first(),
        suggestion=ResolutionSuggestion.objects.filter(party__source_import=team_import, entity__isnull=False).first(),
    )


def pk(name):
    return lambda w: case_kwargs(w, pk=getattr(w, name).pk)


def api_pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


def upload_form(w):
    return {"file": _file("upload.mt940", (FIXTURES / "statement.mt940").read_bytes().replace(b"STMT-2026-03", b"STMT-X")),
            "format": "auto", "handling": Handling.TEAM, "source_label": "Jadranska banka"}


MAPPING = {"map_booked_at": "Date", "map_amount": "Amount", "map_currency": "Currency", "map_account": "Account",
           "decimal": ".", "date_format": "%Y-%m-%d"}

ROUTES = {
    "finance:ledger": Route(Action.VIEW),
    "finance:transaction-detail": Route(Action.VIEW, kwargs=pk("transaction")),
    "finance:imports": [Route(Action.VIEW), Route(Action.ADD, method="post", data=upload_form)],
    "finance:import-detail": Route(Action.VIEW, kwargs=pk("team_import")),
    "finance:import-mapping": Route(Action.ADD, method="post", kwargs=pk("mapping_import"), data=lambda w: MAPPING),
    "finance:import-errors": Route(Action.EXPORT, kwargs=pk("team_import")),
    "finance:import-release": Route(Action.RELEASE_FIU, method="post", kwargs=pk("fiu_import"),
                                    data=lambda w: {"reason": "FIU consent 2026/17"}),
    "finance:accounts": Route(Action.VIEW),
    "finance:account-detail": Route(Action.VIEW, kwargs=pk("account")),
    "finance:parties": Route(Action.VIEW),
    "finance:suggestions": Route(Action.VIEW),
    "finance:suggestion-decide": Route(Action.CHANGE, method="post", kwargs=pk("suggestion"),
                                       data=lambda w: {"decision": "reject"}),
    "finance:crypto": Route(Action.VIEW),
    "finance-import-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400, format="multipart",
              data=lambda w: {"case": w.case.reference, "handling": Handling.TEAM},
              files=lambda w: {"file": _file("api.mt940", (FIXTURES / "statement.mt940").read_bytes()
                                             .replace(b"STMT-2026-03", b"STMT-API"))}),
    ],
    "finance-import-detail": Route(Action.VIEW, api=True, kwargs=api_pk("team_import")),
    "finance-import-confirm": Route(Action.ADD, api=True, method="post", kwargs=api_pk("mapping_import"),
                                    data=lambda w: {"mapping": {"booked_at": "Date", "amount": "Amount",
                                                                "currency": "Currency", "account": "Account"}}),
    "finance-import-errors": Route(Action.EXPORT, api=True, kwargs=api_pk("team_import")),
    "finance-import-release": Route(Action.RELEASE_FIU, api=True, method="post", kwargs=api_pk("fiu_import"),
                                    data=lambda w: {"reason": "FIU consent 2026/17"}),
    "finance-transaction-list": Route(api=True, list_all=True, kwargs=no_kwargs),
    "finance-transaction-detail": Route(Action.VIEW, api=True, kwargs=api_pk("transaction")),
    "finance-account-list": Route(api=True, list_all=True, kwargs=no_kwargs),
    "finance-account-detail": Route(Action.VIEW, api=True, kwargs=api_pk("account")),
    "finance-party-list": Route(api=True, list_all=True, kwargs=no_kwargs),
    "finance-party-detail": Route(Action.VIEW, api=True, kwargs=api_pk("party")),
    "finance-crypto-transaction-list": Route(api=True, list_all=True, kwargs=no_kwargs),
    "finance-crypto-transaction-detail": Route(Action.VIEW, api=True, kwargs=api_pk("crypto_tx")),
    "finance-suggestion-list": Route(api=True, list_all=True, kwargs=no_kwargs),
    "finance-suggestion-detail": Route(Action.VIEW, api=True, kwargs=api_pk("suggestion")),
    "finance-suggestion-confirm": Route(Action.CHANGE, api=True, method="post", kwargs=api_pk("suggestion")),
    "finance-suggestion-reject": Route(Action.CHANGE, api=True, method="post", kwargs=api_pk("suggestion")),
}
