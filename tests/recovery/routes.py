"""Authorization rules for the routes of asset recovery (see tests/authz.py)."""
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services as case_services
from cases.access import Action, Handling
from finance.recovery import services
from tests.authz import ANONYMOUS, Route, case_kwargs, no_kwargs


def build(world):
    u, case = world.users, world.case
    holder = case_services.entity_create(case=case, by=u["lead"], kind="organisation", name="Asset Holder Ltd")
    asset = services.asset_register(case=case, by=u["asset"], kind="bank_account", label="Route account",
                                    jurisdiction="HR", estimated_value="1500.00", currency="EUR",
                                    identifiers=[{"kind": "iban", "value": "HR1210010051863000160"}])
    frozen = services.asset_register(case=case, by=u["asset"], kind="vehicle", label="Route car", jurisdiction="HR")
    measure = services.measure_record(case=case, by=u["asset"], asset=frozen, to_state="frozen", authority="Court",
                                      legal_basis="CPC", issued_on="2026-01-01", expires_on="2026-12-31")
    fiu_asset = services.asset_register(case=case, by=u["analyst"], kind="bank_account", label="STR account",
                                        jurisdiction="HR", handling=Handling.FIU)
    document = case_services.evidence_upload(case=case, by=u["lead"], upload=SimpleUploadedFile(
        "order.csv", b"order,court\nKv-1,County\n", "text/csv"))
    world.objects.update(
        recovery_holder=holder, recovery_asset=asset, recovery_frozen=frozen, recovery_measure=measure,
        recovery_fiu_asset=fiu_asset, recovery_document=document,
        recovery_letter=services.freeze_request_draft(case=case, by=u["asset"], assets=[asset], addressee="Bank",
                                                      legal_basis="CPC art. 557.a"),
        recovery_fiu_letter=services.freeze_request_draft(case=case, by=u["analyst"], assets=[fiu_asset],
                                                          addressee="Bank", legal_basis="CPC"),
        recovery_mla=services.mla_create(case=case, by=u["asset"], reference="MLA-1", requesting_state="HR",
                                         requested_state="AT", assets=[asset]),
        recovery_fiu_mla=services.mla_create(case=case, by=u["analyst"], reference="MLA-FIU", requesting_state="HR",
                                             requested_state="SI", handling=Handling.FIU),
        recovery_sharing=services.sharing_create(case=case, by=u["asset"], reference="ASA-1",
                                                 shares=[("HR", "50"), ("AT", "50")], assets=[asset]),
    )


def pk(name):
    return lambda w: case_kwargs(w, pk=getattr(w, name).pk)


def api_pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


def logged_in(status, anonymous="login"):
    return lambda person: anonymous if person == ANONYMOUS else status


ASSET_POST = {"kind": "vehicle", "label": "Boat trailer", "jurisdiction": "HR", "estimated_value": "2000",
              "currency": "EUR", "handling": "team", "identifier_kind": "vin", "identifier_value": "WAUZZZ4M0HD012345"}
MEASURE_POST = {"to_state": "freeze_requested", "authority": "Prosecutor", "legal_basis": "CPC art. 557.a",
                "issued_on": "2026-02-01"}

ROUTES = {
    # --- pages across cases ---
    "recovery-global:deadlines": Route(expect=logged_in(200), kwargs=no_kwargs),
    "recovery-global:totals": Route(expect=logged_in(200), kwargs=no_kwargs),
    # --- case pages ---
    "recovery:list": Route(Action.VIEW),
    "recovery:create": [Route(Action.ADD), Route(Action.ADD, method="post", data=lambda w: ASSET_POST)],
    "recovery:totals": Route(Action.VIEW),
    "recovery:detail": Route(Action.VIEW, kwargs=pk("recovery_asset")),
    "recovery:edit": [
        Route(Action.CHANGE, kwargs=pk("recovery_asset")),
        Route(Action.CHANGE, method="post", kwargs=pk("recovery_asset"),
              data=lambda w: {"kind": "bank_account", "label": "Route account (revalued)", "jurisdiction": "HR",
                              "estimated_value": "1700", "currency": "EUR", "handling": "team"}),
    ],
    "recovery:identifier-add": Route(Action.ADD, method="post", kwargs=pk("recovery_asset"),
                                     data=lambda w: {"kind": "account_number", "value": "1234-5678"}),
    "recovery:holder-add": Route(Action.ADD, method="post", kwargs=pk("recovery_asset"),
                                 data=lambda w: {"entity": w.recovery_holder.pk, "role": "holder", "share_percent": "50"}),
    "recovery:origin-add": Route(Action.ADD, method="post", kwargs=pk("recovery_asset"),
                                 data=lambda w: {"target": f"evidence:{w.recovery_document.pk}", "explanation": "Order"}),
    "recovery:measure-create": [
        Route(Action.ADD, kwargs=pk("recovery_asset")),
        Route(Action.ADD, method="post", kwargs=pk("recovery_asset"), data=lambda w: MEASURE_POST),
    ],
    "recovery:letters": Route(Action.VIEW),
    "recovery:letter-create": [
        Route(Action.ADD),
        Route(Action.ADD, method="post", data=lambda w: {"kind": "freeze", "assets": [w.recovery_asset.pk],
                                                         "addressee": "Adriatic Bank", "addressee_kind": "bank",
                                                         "legal_basis": "CPC art. 557.a"}),
    ],
    "recovery:letter-detail": [
        Route(Action.VIEW, kwargs=pk("recovery_letter")),
        Route(Action.ADD, method="post", kwargs=pk("recovery_letter"),
              data=lambda w: {"addressee": "Adriatic Bank d.d.", "legal_basis": "CPC", "subject": "Freeze request",
                              "body": "Please freeze."}),
    ],
    "recovery:letter-issue": Route(Action.ADD, method="post", kwargs=pk("recovery_letter")),
    "recovery:letter-release": Route(Action.RELEASE_FIU, method="post", kwargs=pk("recovery_fiu_letter"),
                                     data=lambda w: {"reason": "FIU consents to dissemination.",
                                                     "confirm_sources": "on"}),
    "recovery:letter-preview": Route(Action.VIEW, kwargs=pk("recovery_letter")),
    "recovery:cooperation": Route(Action.VIEW),
    "recovery:mla-create": [
        Route(Action.ADD),
        Route(Action.ADD, method="post", data=lambda w: {"reference": "MLA-2", "requesting_state": "HR",
                                                         "requested_state": "DE", "purpose": "freezing",
                                                         "status": "draft", "handling": "team"}),
    ],
    "recovery:mla-detail": [
        Route(Action.VIEW, kwargs=pk("recovery_mla")),
        Route(Action.CHANGE, method="post", kwargs=pk("recovery_mla"), data=lambda w: {"status": "sent",
                                                                                       "sent_on": "2026-02-01"}),
    ],
    "recovery:sharing-create": [
        Route(Action.ADD),
        Route(Action.ADD, method="post", data=lambda w: {"reference": "ASA-2", "shares": "HR 70\nDE 30"}),
    ],
    "recovery:sharing-detail": [
        Route(Action.VIEW, kwargs=pk("recovery_sharing")),
        Route(Action.CHANGE, method="post", kwargs=pk("recovery_sharing"), data=lambda w: {"shares": "HR 60\nAT 40"}),
    ],
    # --- API ---
    "recovery-totals": Route(expect=logged_in(200, anonymous={401, 403}), kwargs=no_kwargs),
    "recovery-asset-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "kind": "cash", "label": "Cash in the lorry",
                              "jurisdiction": "HR", "estimated_value": "25000.00", "currency": "EUR"}),
    ],
    "recovery-asset-detail": [
        Route(Action.VIEW, api=True, kwargs=api_pk("recovery_asset")),
        Route(Action.CHANGE, api=True, method="patch", kwargs=api_pk("recovery_asset"),
              data=lambda w: {"valuation_source": "Bank confirmation"}),
    ],
    "recovery-asset-release": Route(Action.RELEASE_FIU, api=True, method="post", kwargs=api_pk("recovery_fiu_asset"),
                                    data=lambda w: {"reason": "Released for evidential use."}),
    "recovery-asset-transition": Route(Action.ADD, api=True, method="post", kwargs=api_pk("recovery_asset"),
                                       data=lambda w: MEASURE_POST),
    "recovery-measure-list": Route(api=True, list_all=True, kwargs=no_kwargs),
    "recovery-measure-detail": Route(Action.VIEW, api=True, kwargs=api_pk("recovery_measure")),
    "recovery-measure-deadlines": Route(api=True, list_all=True, kwargs=no_kwargs),
    "recovery-letter-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "assets": [w.recovery_asset.pk], "addressee": "Bank",
                              "legal_basis": "CPC"}),
    ],
    "recovery-letter-detail": [
        Route(Action.VIEW, api=True, kwargs=api_pk("recovery_letter")),
        Route(Action.CHANGE, api=True, method="patch", kwargs=api_pk("recovery_letter"),
              data=lambda w: {"body": "Please freeze the account."}),
    ],
    "recovery-letter-release": Route(Action.RELEASE_FIU, api=True, method="post", kwargs=api_pk("recovery_fiu_letter"),
                                     data=lambda w: {"reason": "FIU consents to dissemination.",
                                                     "confirm_sources": True}),
    "recovery-letter-issue": Route(Action.ADD, api=True, method="post", kwargs=api_pk("recovery_letter")),
    "recovery-mla-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "reference": "MLA-API", "requesting_state": "HR",
                              "requested_state": "IT"}),
    ],
    "recovery-mla-detail": [
        Route(Action.VIEW, api=True, kwargs=api_pk("recovery_mla")),
        Route(Action.CHANGE, api=True, method="patch", kwargs=api_pk("recovery_mla"), data=lambda w: {"status": "sent"}),
    ],
    "recovery-mla-release": Route(Action.RELEASE_FIU, api=True, method="post", kwargs=api_pk("recovery_fiu_mla"),
                                  data=lambda w: {"reason": "Released."}),
    "recovery-sharing-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "reference": "ASA-API",
                              "shares": [{"state": "HR", "share_percent": "55"}, {"state": "IT", "share_percent": "45"}]}),
    ],
    "recovery-sharing-detail": Route(Action.VIEW, api=True, kwargs=api_pk("recovery_sharing")),
}
