"""The canary world: the authorization world of tests/test_authorization.py (every route module's
`build`, so every route has its kwargs), plus records whose restricted fields each hold a unique
canary string, created through the services as the people of the story would.

A canary is `CANARY<SCOPE><nnnn>` (upper-case letters and digits only, so normalising, upper-casing or
slugifying a value keeps it findable). The scope says who may read the record it sits in:

  ATEAM  team-coded material of OP-ALPHA            -> the members of OP-ALPHA
  APOL   police-coded (agency) material of OP-ALPHA -> OP-ALPHA members of the police agency
  AFIU   unreleased FIU material of OP-ALPHA        -> OP-ALPHA members with FIU access
  BETA   material of OP-BETA                        -> the members of OP-BETA

Derived artefacts (notifications, audit events, letters, analysis runs and alerts, payment links,
deconfliction hits, jobs, exports, dossier sections) carry the canaries of their sources, so they are
checked with the same table.
"""
import itertools
from datetime import timedelta
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import services as case_services
from cases.access import Handling

# Who is entitled to each scope: a literal table, not derived from production code.
# The prosecutor holds an FIU access grant in OP-ALPHA (tests/cases/routes.py `fiu_grant`); the
# analyst is the FIU member. Nobody else of OP-ALPHA reads unreleased FIU material.
ALPHA_MEMBERS = frozenset({"lead", "investigator", "analyst", "prosecutor", "asset", "observer"})
# police_analyst: a police officer whom the lead made financial analyst in OP-ALPHA. The role does not
# make him FIU: he reads police-coded material, not unreleased FIU material.
ALPHA_MEMBERS = ALPHA_MEMBERS | {"police_analyst"}
ENTITLED = {
    "ATEAM": ALPHA_MEMBERS,
    "APOL": frozenset({"lead", "asset", "police_analyst"}),
    "AFIU": frozenset({"analyst", "prosecutor"}),
    "BETA": frozenset({"outsider"}),
}
SCOPES = tuple(ENTITLED)


@dataclass
class Canaries:
    tokens: dict = field(default_factory=dict)  # token -> (scope, what)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __call__(self, scope: str, what: str) -> str:
        assert scope in ENTITLED, scope
        token = f"CANARY{scope}{next(self._counter):04d}"
        self.tokens[token] = (scope, what)
        return token

    def entitled(self, token: str, persona: str) -> bool:
        scope, _what = self.tokens[token]
        return persona in ENTITLED[scope]


def _upload(name, data, content_type="text/csv"):
    return SimpleUploadedFile(name, data, content_type)


MT940 = """{{1:F01ZABAHR2XAXXX0000000000}}{{2:I940ZABAHR2XXXXXN}}{{4:
:20:{statement}
:25:{account}
:28C:00012/001
:60F:C260301EUR15000,00
:61:2603020302C9800,00NTRFNONREF//{ref1}
:86:/ORDP//NAME/{payer}/REMI/{remittance}
:61:2603040304D24500,00NTRFINV-2026-117//{ref2}
:86:/BENM/AT442011182900012345/BKAUATWW/{payee}/REMI/{remittance2}
:62F:C260309EUR300,00
-}}"""


def _mt940(c, scope, statement, account):
    return MT940.format(statement=statement, account=account, ref1=f"{statement}-1", ref2=f"{statement}-2",
                        payer=c(scope, "import party name"), remittance=c(scope, "import remittance"),
                        payee=c(scope, "import party name"), remittance2=c(scope, "import remittance")).encode()


def _import(world, *, case, by, c, scope, statement, account, handling):
    from finance import services

    imp = services.import_start(case=case, by=by, upload=_upload(f"{statement}.mt940", _mt940(c, scope, statement, account),
                                                                  "text/plain"),
                                handling=handling, source_label=c(scope, "import source label"), run_inline=True)
    services.import_run(imp=imp, progress=lambda *a, **k: None)
    imp.refresh_from_db()
    return imp


def _try(world, label, fn):
    """Some artefacts are refused by rules other parts enforce (e.g. an assignee who may not read the
    task): the refusal is itself the protection, so the world goes on without that record."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - recorded for the report, never silently
        world.objects.setdefault("canary_skipped", []).append(f"{label}: {type(exc).__name__}: {exc}")
        return None


def build_canaries(world) -> Canaries:
    from finance import services as finance_services
    from finance.analysis import services as analysis_services
    from finance.models import Transaction
    from finance.recovery import services as recovery_services
    from seizures import services as seizure_services

    c = Canaries()
    u, alpha, beta = world.users, world.case, world.other_case
    lead, analyst, outsider, inv = u["lead"], u["analyst"], u["outsider"], u["investigator"]
    objs = {}
    from cases.access import Role
    from tests.conftest import PASSWORD

    u["police_analyst"] = case_services.user_create(username="police_analyst", password=PASSWORD,
                                                    agency=world.agencies["police"], first_name="Pero")
    case_services.membership_add(case=alpha, by=lead, user=u["police_analyst"], role=Role.FINANCIAL_ANALYST)

    # --- OP-BETA, by the outsider (everything there is BETA) ---
    case_services.case_update(case=beta, by=outsider, title=f"Operation Beta {c('BETA', 'case title')}",
                              summary=c("BETA", "case summary"))
    b_entity = case_services.entity_create(case=beta, by=outsider, kind="person", name=c("BETA", "entity name"),
                                           description=c("BETA", "entity description"))
    case_services.identifier_add(entity=b_entity, by=outsider, kind="passport", value="PXSHARED77")
    case_services.identifier_add(entity=b_entity, by=outsider, kind="passport", value="PXFIUSHARED88")
    objs["b_note"] = case_services.note_add(case=beta, by=outsider, title=c("BETA", "note title"),
                                            body=c("BETA", "note body"))
    objs["b_task"] = case_services.task_create(case=beta, by=outsider, title=c("BETA", "task title"),
                                               description=c("BETA", "task description"), assignee=outsider)
    objs["b_evidence"] = case_services.evidence_upload(
        case=beta, by=outsider, title=c("BETA", "evidence title"), description=c("BETA", "evidence description"),
        upload=_upload(f"{c('BETA', 'evidence file name')}.csv", f"a,b\n{c('BETA', 'evidence content')},1\n".encode()))
    b_seizure = seizure_services.seizure_record(case=beta, by=outsider, country="SI", context="vehicle",
                                                legal_basis="illicit_possession", occurred_at=timezone.now() - timedelta(days=3),
                                                reference=c("BETA", "seizure reference"))
    objs["b_seizure"] = b_seizure
    objs["b_firearm"] = seizure_services.firearm_record(seizure=b_seizure, by=outsider, weapon_type="pistol",
                                                        make=c("BETA", "firearm make"),
                                                        serial_as_read=c("BETA", "firearm serial"))
    objs["b_asset"] = recovery_services.asset_register(
        case=beta, by=outsider, kind="bank_account", label=c("BETA", "asset label"), jurisdiction="SI",
        identifiers=[{"kind": "iban", "value": "SI56263300012039086"}])
    objs["b_mla"] = recovery_services.mla_create(case=beta, by=outsider, reference=c("BETA", "mla reference"),
                                                 requesting_state="SI", requested_state="HR", assets=[objs["b_asset"]])
    objs["b_letter"] = recovery_services.freeze_request_draft(case=beta, by=outsider, assets=[objs["b_asset"]],
                                                              addressee=c("BETA", "letter addressee"),
                                                              legal_basis=c("BETA", "letter legal basis"))
    objs["b_import"] = _import(world, case=beta, by=outsider, c=c, scope="BETA", statement="STMT-BETA",
                               account="SI56263300012039086", handling=Handling.TEAM)
    objs["b_document"] = seizure_services.transfer_document_record(
        case=beta, by=outsider, kind="end_user_certificate", number=c("BETA", "transfer document number"),
        issuing_authority="MoD", issuing_country="SI", firearms=[objs["b_firearm"]])

    # --- OP-ALPHA, team-coded (ATEAM: members only) ---
    case_services.case_update(case=alpha, by=lead, summary=c("ATEAM", "case summary"))
    a_entity = case_services.entity_create(case=alpha, by=lead, kind="person", name=c("ATEAM", "entity name"))
    case_services.identifier_add(entity=a_entity, by=lead, kind="passport", value="PXSHARED77")
    objs["a_entity"] = a_entity
    objs["a_note"] = case_services.note_add(case=alpha, by=lead, title=c("ATEAM", "note title"), body=c("ATEAM", "note body"))
    objs["a_task"] = case_services.task_create(case=alpha, by=lead, title=c("ATEAM", "task title"), assignee=inv)

    # --- OP-ALPHA, police-coded (APOL: police members of the case) ---
    objs["p_note"] = case_services.note_add(case=alpha, by=lead, title=c("APOL", "note title"), body=c("APOL", "note body"),
                                            handling=Handling.AGENCY)
    objs["p_entity"] = case_services.entity_create(case=alpha, by=lead, kind="organisation",
                                                   name=c("APOL", "entity name"), handling=Handling.AGENCY)
    objs["p_task"] = case_services.task_create(case=alpha, by=lead, title=c("APOL", "task title"),
                                               handling=Handling.AGENCY, assignee=u["asset"])
    objs["p_evidence"] = case_services.evidence_upload(
        case=alpha, by=lead, title=c("APOL", "evidence title"), handling=Handling.AGENCY,
        upload=_upload(f"{c('APOL', 'evidence file name')}.csv", f"x\n{c('APOL', 'evidence content')}\n".encode()))
    objs["p_asset"] = recovery_services.asset_register(case=alpha, by=lead, kind="vehicle", label=c("APOL", "asset label"),
                                                      jurisdiction="HR", handling=Handling.AGENCY)
    # a task assigned to a non-police member: refused, or it must not tell him the title
    _try(world, "police task assigned to investigator", lambda: case_services.task_create(
        case=alpha, by=lead, title=c("APOL", "task title (assigned across agencies)"), handling=Handling.AGENCY,
        assignee=inv))

    # --- OP-ALPHA, unreleased FIU (AFIU) by the analyst ---
    f_entity = case_services.entity_create(case=alpha, by=analyst, kind="person", name=c("AFIU", "entity name"),
                                           handling=Handling.FIU, description=c("AFIU", "entity description"))
    case_services.identifier_add(entity=f_entity, by=analyst, kind="passport", value="PXFIUSHARED88")
    objs["f_entity"] = f_entity
    objs["f_note"] = case_services.note_add(case=alpha, by=analyst, title=c("AFIU", "note title"),
                                            body=c("AFIU", "note body"), handling=Handling.FIU)
    objs["f_evidence"] = case_services.evidence_upload(
        case=alpha, by=analyst, title=c("AFIU", "evidence title"), description=c("AFIU", "evidence description"),
        handling=Handling.FIU,
        upload=_upload(f"{c('AFIU', 'evidence file name')}.csv", f"x\n{c('AFIU', 'evidence content')}\n".encode()))
    objs["f_task"] = _try(world, "FIU task assigned to the lead", lambda: case_services.task_create(
        case=alpha, by=analyst, title=c("AFIU", "task title (assigned to non-FIU)"), handling=Handling.FIU, assignee=lead))
    objs["f_task_own"] = case_services.task_create(case=alpha, by=analyst, title=c("AFIU", "task title"),
                                                   handling=Handling.FIU, assignee=analyst)
    f_import = _import(world, case=alpha, by=analyst, c=c, scope="AFIU", statement="STMT-FIU",
                       account="HR1723600001101234565", handling=Handling.FIU)
    objs["f_import"] = f_import
    objs["f_asset"] = recovery_services.asset_register(
        case=alpha, by=analyst, kind="bank_account", label=c("AFIU", "asset label"), jurisdiction="HR",
        handling=Handling.FIU, identifiers=[{"kind": "iban", "value": "SI56263300012039086"}])
    objs["f_letter"] = recovery_services.freeze_request_draft(
        case=alpha, by=analyst, assets=[objs["f_asset"]], addressee=c("AFIU", "letter addressee"),
        legal_basis=c("AFIU", "letter legal basis"))
    objs["f_mla"] = recovery_services.mla_create(case=alpha, by=analyst, reference=c("AFIU", "mla reference"),
                                                 requesting_state="HR", requested_state="SI", handling=Handling.FIU)
    fiu_tx = Transaction.objects.filter(source_import=f_import).order_by("pk")
    from finance.models import Account, Party

    account_ids = list(Account.objects.filter(source_import=f_import).order_by("pk").values_list("pk", flat=True))
    objs["f_tx"] = fiu_tx.first()
    objs["f_account"] = Account.objects.filter(source_import=f_import).order_by("pk").first()
    objs["f_party"] = Party.objects.filter(source_import=f_import).order_by("pk").first()
    objs["b_tx"] = Transaction.objects.filter(source_import=objs["b_import"]).order_by("pk").first()
    objs["b_party"] = Party.objects.filter(source_import=objs["b_import"]).order_by("pk").first()
    run = _try(world, "trace over the FIU import", lambda: analysis_services.analysis_start(
        case=alpha, by=analyst, kind="trace", title=c("AFIU", "analysis run title"), enqueue=False,
        params={"seeds": [f"account:{account_ids[0]}"]}))
    if run is not None:
        analysis_services.analysis_execute(run_id=run.pk, progress=lambda *a, **k: None)
        objs["f_run"] = run
    scan = _try(world, "typology scan over the FIU import", lambda: analysis_services.analysis_start(
        case=alpha, by=analyst, kind="typologies", title=c("AFIU", "typology run title"), enqueue=False))
    if scan is not None:
        analysis_services.analysis_execute(run_id=scan.pk, progress=lambda *a, **k: None)
        objs["f_scan"] = scan
    a_seizure = world.objects.get("seizure")
    if a_seizure is not None and fiu_tx.exists():
        objs["f_payment"] = _try(world, "payment link to an FIU transaction", lambda: analysis_services.seizure_payment_mark(
            case=alpha, by=analyst, seizure=a_seizure, transaction=fiu_tx.first(), note=c("AFIU", "payment link note")))
    # an FIU asset shares an IBAN with OP-BETA's asset, an FIU entity a passport with OP-BETA's entity: deconfliction
    # must not tell the outsider (or non-FIU members) about them.
    objs["f_job"] = case_services.evidence_verify_start(case=alpha, by=analyst)
    world.objects.update({f"canary_{k}": v for k, v in objs.items() if v is not None})
    world.objects["canaries"] = c
    return c
