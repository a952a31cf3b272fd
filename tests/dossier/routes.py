"""Authorization rules for the dossier's routes (see tests/authz.py).

A dossier is opened only by the person who generated it (here: the prosecutor),
and only while their role allows exporting from the case.
"""
from cases.access import Action
from cases.dossier import services
from cases.models import Dossier
from tests.authz import Route, case_kwargs, no_kwargs


def build(world):
    # A stored, ready dossier without the cost of rendering: the routes only serve it.
    prosecutor = world.users["prosecutor"]
    dossier = Dossier.objects.create(case=world.case, requested_by=prosecutor, status=Dossier.Status.READY,
                                     parameters={"sections": None, "bundle": True}, sections=["summary"],
                                     manifest={"sections": []}, manifest_sha256="0" * 64)
    dossier.pdf_storage_name = services._write(b"%PDF-1.4\n% test dossier\n", case_reference=world.case.reference, suffix=".pdf")
    dossier.bundle_storage_name = services._write(b"PK\x05\x06" + b"\0" * 18, case_reference=world.case.reference, suffix=".zip")
    dossier.pdf_sha256, dossier.bundle_sha256 = "a" * 64, "b" * 64
    dossier.save()
    world.objects["dossier"] = dossier


def requester(world, person):
    return person == "prosecutor"


def pk(w):
    return case_kwargs(w, pk=w.dossier.pk)


ROUTES = {
    "cases:dossiers": [
        Route(Action.EXPORT),
        Route(Action.EXPORT, method="post", data=lambda w: {"sections": ["summary", "team"]}),
    ],
    "cases:dossier-detail": Route(Action.EXPORT, kwargs=pk, also=requester),
    "cases:dossier-download": Route(Action.EXPORT, kwargs=pk, also=requester),
    "cases:dossier-bundle": Route(Action.EXPORT, kwargs=pk, also=requester),
    "cases:dossier-manifest": Route(Action.EXPORT, kwargs=pk, also=requester),
}

ROUTES.update({
    "dossier-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        # the case is named in the body: a person who may not export there gets 400, as for an unknown case
        Route(Action.EXPORT, api=True, method="post", kwargs=no_kwargs, refused=400, format="json",
              data=lambda w: {"case": w.case.reference, "sections": ["summary"]}),
    ],
    "dossier-detail": Route(Action.EXPORT, api=True, kwargs=lambda w: {"pk": w.dossier.pk}, also=requester),
    "dossier-download": Route(Action.EXPORT, api=True, kwargs=lambda w: {"pk": w.dossier.pk}, also=requester),
})
