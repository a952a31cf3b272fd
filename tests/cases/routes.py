"""Authorization rules for the routes of `cases` (see tests/authz.py)."""
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.access import Action, Handling
from cases.tokens import api_token_issue
from tests.authz import ANONYMOUS, Route, case_kwargs, no_kwargs


def build(world):
    u = world.users
    case = world.case
    source = services.entity_create(case=case, by=u["lead"], kind="person", name="Dario Kovač")
    target = services.entity_create(case=case, by=u["lead"], kind="organisation", name="Adriatic Freight")
    world.objects.update(
        entity=source,
        other_entity=target,
        link=services.link_add(case=case, by=u["lead"], source=source, target=target, kind="director_of"),
        note=services.note_add(case=case, by=u["lead"], title="Lorry stopped", body="Twelve pistols."),
        fiu_note=services.note_add(case=case, by=u["analyst"], body="STR summary", handling=Handling.FIU),
        fiu_entity=services.entity_create(case=case, by=u["analyst"], kind="organisation", name="Shell Ltd",
                                          handling=Handling.FIU),
        fiu_task=services.task_create(case=case, by=u["analyst"], title="Query bank", handling=Handling.FIU),
        fiu_evidence=services.evidence_upload(case=case, by=u["analyst"], handling=Handling.FIU, upload=SimpleUploadedFile(
            "str.csv", b"date,amount\n2026-01-02,9900\n", "text/csv")),
        task=services.task_create(case=case, by=u["lead"], title="Send tracing requests"),
        evidence=services.evidence_upload(case=case, by=u["lead"], upload=SimpleUploadedFile(
            "manifest.csv", b"consignment,shipper\nTRK-1,Nordwaffen\n", "text/csv")),
        job=services.evidence_verify_start(case=case, by=u["lead"]),
        membership=case.memberships.get(user=u["observer"]),
        api_token=api_token_issue(user=u["lead"])[0],
        fiu_grant=services.fiu_access_grant(case=case, by=u["analyst"], user=u["prosecutor"], reason="charging decision"),
    )


def pk(name):
    return lambda w: case_kwargs(w, pk=getattr(w, name).pk)


def api_pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


def case_ref(w):
    return {"reference": w.case.reference}


def logged_in(status, anonymous="login"):
    return lambda person: anonymous if person == ANONYMOUS else status


def has_agency(ok, refused, anonymous="login"):
    # opening a case needs an agency; the administrator account has none
    return lambda person: anonymous if person == ANONYMOUS else (refused if person == "admin" else ok)


def csv_upload(w):
    return {"file": SimpleUploadedFile("seized-phone-export.csv", b"number,name\n+385911,Dado\n", "text/csv")}


def api_case_upload(w):
    return {"file": SimpleUploadedFile("api-upload.csv", b"a,b\n1,2\n", "text/csv")}


ROUTES = {
    # --- pages outside a case ---
    "home": Route(expect=logged_in(302, anonymous=302), kwargs=no_kwargs),
    "login": Route(expect=lambda person: {200, 302}, kwargs=no_kwargs),
    "logout": Route(method="post", expect=lambda person: 302, kwargs=no_kwargs),
    "two-factor": Route(expect=logged_in(200), kwargs=no_kwargs),
    "security": Route(expect=logged_in(200), kwargs=no_kwargs),
    # nobody of the world has an authenticator app: these send back to the set-up or security page
    "two-factor-verify": Route(expect=logged_in(302), kwargs=no_kwargs),
    "two-factor-disable": Route(method="post", expect=logged_in(302), kwargs=no_kwargs),
    "recovery-codes": Route(method="post", expect=logged_in(302), kwargs=no_kwargs),
    "api-token-create": Route(method="post", expect=logged_in(200), kwargs=no_kwargs),
    "api-token-revoke": Route(method="post", kwargs=lambda w: {"pk": w.api_token.pk},
                              expect=lambda person: "login" if person == ANONYMOUS else (302 if person == "lead" else 404)),
    "cases:list": Route(expect=logged_in(200), kwargs=no_kwargs),
    "cases:open": [
        Route(expect=logged_in(200), kwargs=no_kwargs),
        Route(method="post", kwargs=no_kwargs, expect=has_agency(302, 400),
              data=lambda w: {"title": "New case", "lead_agency": w.agencies["police"].pk, "reference_currency": "EUR"}),
    ],
    "cases:notifications": [
        Route(expect=logged_in(200), kwargs=no_kwargs),
        Route(method="post", expect=logged_in(302), kwargs=no_kwargs),
    ],
    "cases:statistics": Route(expect=logged_in(200), kwargs=no_kwargs),
    # --- case pages ---
    "cases:detail": Route(Action.VIEW),
    "cases:edit": [
        Route(Action.CHANGE),
        Route(Action.CHANGE, method="post",
              data=lambda w: {"title": "Operation Alpha (renamed)", "status": "open", "reference_currency": "EUR"}),
    ],
    "cases:team": Route(Action.VIEW),
    "cases:member-add": Route(Action.MANAGE_TEAM, method="post", data=lambda w: {"username": "focal", "role": "observer"}),
    "cases:member-end": Route(Action.MANAGE_TEAM, method="post", kwargs=pk("membership")),
    "cases:fiu-grant": Route(Action.RELEASE_FIU, method="post", kwargs=pk("membership"), data=lambda w: {"reason": "joint analysis"}),
    "cases:fiu-revoke": Route(Action.RELEASE_FIU, method="post", kwargs=pk("fiu_grant")),
    "cases:entities": Route(Action.VIEW),
    "cases:entity-create": [
        Route(Action.ADD),
        Route(Action.ADD, method="post", data=lambda w: {"kind": "person", "name": "Goran P.", "role_in_case": "carrier", "handling": "team"}),
    ],
    "cases:entity-detail": Route(Action.VIEW, kwargs=pk("entity")),
    "cases:entity-edit": [
        Route(Action.CHANGE, kwargs=pk("entity")),
        Route(Action.CHANGE, method="post", kwargs=pk("entity"),
              data=lambda w: {"kind": "person", "name": "Dario Kovac", "role_in_case": "suspect", "handling": "team"}),
    ],
    "cases:identifier-add": Route(Action.ADD, method="post", kwargs=pk("entity"),
                                  data=lambda w: {"kind": "passport", "value": "HR123", "country": "HR"}),
    "cases:link-add": Route(Action.ADD, method="post", kwargs=pk("entity"),
                            data=lambda w: {"kind": "associate", "target": w.other_entity.pk}),
    "cases:notes": [
        Route(Action.VIEW),
        Route(Action.ADD, method="post", data=lambda w: {"body": "Driver refused to talk.", "handling": "team"}),
    ],
    "cases:note-detail": Route(Action.VIEW, kwargs=pk("note")),
    "cases:tasks": [
        Route(Action.VIEW),
        Route(Action.ADD, method="post", data=lambda w: {"title": "Check the trailer", "handling": "team"}),
    ],
    "cases:task-status": Route(Action.CHANGE, method="post", kwargs=pk("task"), data=lambda w: {"status": "done"}),
    "cases:evidence": [
        Route(Action.VIEW),
        Route(Action.ADD, method="post", files=csv_upload, data=lambda w: {"handling": "team"}),
    ],
    "cases:evidence-verify": Route(Action.ADD, method="post"),
    "cases:evidence-detail": Route(Action.VIEW, kwargs=pk("evidence")),
    "cases:evidence-download": Route(Action.VIEW, kwargs=pk("evidence")),
    "cases:record-delete": Route(Action.DELETE, method="post",
                                 kwargs=lambda w: case_kwargs(w, kind="note", pk=w.note.pk)),
    "cases:record-release": Route(Action.RELEASE_FIU, method="post",
                                  kwargs=lambda w: case_kwargs(w, kind="note", pk=w.fiu_note.pk),
                                  data=lambda w: {"reason": "Released for evidential use by FIU decision 12/2026."}),
    "cases:timeline": Route(Action.VIEW),
    "cases:audit": Route(Action.MANAGE_TEAM),
    "cases:jobs": Route(Action.VIEW),
    "cases:job-detail": Route(Action.VIEW, kwargs=pk("job")),
    "cases:job-cancel": Route(Action.VIEW, method="post", kwargs=pk("job"), also=lambda w, person: person == "lead"),
    # --- API ---
    "api-schema": Route(expect=logged_in(200, anonymous={401, 403}), kwargs=no_kwargs),
    "api-docs": Route(expect=logged_in(200, anonymous={401, 403}), kwargs=no_kwargs),
    "api-token": Route(method="post", api=True, kwargs=no_kwargs, expect=lambda person: 400,
                       data=lambda w: {"username": "lead", "password": "wrong"}),
    "case-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(api=True, method="post", kwargs=no_kwargs, expect=has_agency(201, 400, anonymous={401, 403}),
              data=lambda w: {"title": "API case"}),
    ],
    "case-detail": [
        Route(Action.VIEW, api=True, kwargs=case_ref),
        Route(Action.CHANGE, api=True, method="patch", kwargs=case_ref, data=lambda w: {"summary": "Updated."}),
    ],
    "case-audit": Route(Action.MANAGE_TEAM, api=True, kwargs=case_ref),
    "case-timeline": Route(Action.VIEW, api=True, kwargs=case_ref),
    "case-verify-evidence": Route(Action.ADD, api=True, method="post", kwargs=case_ref),
    "membership-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.MANAGE_TEAM, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "username": "focal", "role": "observer"}),
    ],
    "membership-detail": Route(Action.VIEW, api=True, kwargs=api_pk("membership")),
    "membership-end": Route(Action.MANAGE_TEAM, api=True, method="post", kwargs=api_pk("membership")),
    "entity-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "kind": "person", "name": "API person"}),
    ],
    "entity-detail": [
        Route(Action.VIEW, api=True, kwargs=api_pk("entity")),
        Route(Action.CHANGE, api=True, method="patch", kwargs=api_pk("entity"), data=lambda w: {"description": "x"}),
    ],
    "entity-release": Route(Action.RELEASE_FIU, api=True, method="post", kwargs=api_pk("fiu_entity"),
                            data=lambda w: {"reason": "Released for evidential use."}),
    "link-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "source": w.other_entity.pk, "target": w.entity.pk,
                              "kind": "associate"}),
    ],
    "link-detail": Route(Action.VIEW, api=True, kwargs=api_pk("link")),
    "note-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "body": "Via API"}),
    ],
    "note-detail": Route(Action.VIEW, api=True, kwargs=api_pk("note")),
    "note-release": Route(Action.RELEASE_FIU, api=True, method="post", kwargs=api_pk("fiu_note"),
                          data=lambda w: {"reason": "Released for evidential use."}),
    "task-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "title": "Via API"}),
    ],
    "task-detail": [
        Route(Action.VIEW, api=True, kwargs=api_pk("task")),
        Route(Action.CHANGE, api=True, method="patch", kwargs=api_pk("task"), data=lambda w: {"status": "in_progress"}),
    ],
    "task-release": Route(Action.RELEASE_FIU, api=True, method="post", kwargs=api_pk("fiu_task"),
                          data=lambda w: {"reason": "Released for evidential use."}),
    "evidence-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400, format="multipart",
              files=api_case_upload, data=lambda w: {"case": w.case.reference}),
    ],
    "evidence-detail": Route(Action.VIEW, api=True, kwargs=api_pk("evidence")),
    "evidence-download": Route(Action.VIEW, api=True, kwargs=api_pk("evidence")),
    "evidence-release": Route(Action.RELEASE_FIU, api=True, method="post", kwargs=api_pk("fiu_evidence"),
                              data=lambda w: {"reason": "Released for evidential use."}),
    "job-list": Route(api=True, list_all=True, kwargs=no_kwargs),
    "job-detail": Route(Action.VIEW, api=True, kwargs=api_pk("job")),
    "job-cancel": Route(Action.VIEW, api=True, method="post", kwargs=api_pk("job"), also=lambda w, person: person == "lead"),
}
