"""The canary crawl: no persona ever receives a canary it is not entitled to.

The world (tests/security/canary_world.py) puts a unique canary string in every restricted field of
the records of OP-ALPHA (team, police-coded, unreleased FIU) and OP-BETA, and in what is derived from
them. Then, as every persona, the crawl requests:
  - every rule of tests/<app>/routes.py (every named URL pattern and API route: pages, lists, details,
    actions, exports, notifications, the audit page and API), GET and writes, each in a savepoint that
    is rolled back; pages with a `pk` also with the pk (and case) of every canary record of the view's
    model, own case and other case;
  - every GET path of the OpenAPI schema, path parameters filled from the world (own and other case);
  - the error bodies of API writes whose related ids are forged to OP-BETA's canary records;
  - `/admin/`: the index, every registered model's changelist and the change pages of its canary records;
  - a real dossier (WeasyPrint), rendered once per persona who may export.
Bodies are read as text: HTML/JSON/CSV as decoded bytes, PDFs through pypdf, zip files member by member.
A route or schema path the crawl cannot fill fails the test, like test_every_route_has_a_rule.
"""
import copy
import io
import json
import re
import zipfile
from collections import defaultdict

import pytest
from django.contrib import admin
from django.db import transaction
from django.db.models import Model
from django.urls import Resolver404, resolve, reverse

from tests.authz import ANONYMOUS
from tests.security.canary_world import ENTITLED, build_canaries
from tests.test_authorization import _build_world, all_rules, url_names

CANARY = re.compile(r"CANARY(?:ATEAM|APOL|AFIU|BETA)\d{4}")
GROUPS = {
    "team": ("lead", "investigator", "analyst", "prosecutor", "asset", "observer"),
    "others": ("police_analyst", "outsider", "focal", "admin", ANONYMOUS),
}
# personas who try the forged related ids (they may write in OP-ALPHA; OP-BETA's records are not theirs)
FORGERS = ("lead", "asset", "analyst", "investigator", "police_analyst")
# API writes whose related fields are not in the rule's data: field -> "one" id or "many" ids
EXTRA_RELATED = {
    "recovery-asset-transition": {"documents": "many"},
    "recovery-letter-list": {"assets": "many"},
    "recovery-mla-list": {"assets": "many"},
    "recovery-sharing-list": {"assets": "many"},
}
SCHEMA_PARAMS = {"pk", "id", "reference"}
# schema paths whose view names no model (plain API views): path prefix -> model label
SCHEMA_MODELS = {"/api/dossiers/": "cases.Dossier"}


def _pdf_text(data):
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join((page.extract_text() or "") for page in reader.pages) + json.dumps(
            {k: str(v) for k, v in (reader.metadata or {}).items()})
    except Exception as exc:  # noqa: BLE001 - an unreadable PDF is reported as text, so it is still searched
        return f"<unreadable pdf {exc}>" + data.decode("latin-1")


def body_text(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return _pdf_text(data) + data.decode("latin-1")
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "\n".join(f"{name}\n{body_text(archive.read(name))}" for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "ignore")
    return data.decode("utf-8", "ignore")


def response_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    # not response.close(): that sends request_finished, which closes the test database connection
    for closer in getattr(response, "_resource_closers", ()):
        closer()
    return headers + "\n" + body_text(data)


class Crawl:
    def __init__(self, client, world, canaries):
        self.client, self.world, self.canaries = client, world, canaries
        self.leaks = set()  # (persona, request, token)
        self.seen = defaultdict(set)  # persona -> scopes of the canaries they were entitled to and received
        self.errors = []
        self.routes = set()
        self.checks = 0
        self.persona = None
        self.by_model = defaultdict(list)
        for key, obj in world.objects.items():
            if key.startswith("canary_") and hasattr(obj, "_meta") and obj.pk:
                self.by_model[type(obj)].append(obj)

    def login(self, persona):
        self.persona = persona
        self.client.logout()
        if persona != ANONYMOUS:
            self.client.force_login(self.world.users[persona])

    def request(self, method, url, data=None, content_type=None, route=None):
        self.routes.add(route or url)
        kwargs = {}
        if data is not None:
            kwargs["data"] = data
        if content_type:
            kwargs["content_type"] = content_type
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, **kwargs)
                text = response_text(response)
                transaction.set_rollback(True)
        except Exception as exc:  # noqa: BLE001 - a crash is no disclosure; listed for the report
            self.errors.append(f"{self.persona}: {method.upper()} {url}: {type(exc).__name__}: {exc}"[:300])
            return
        self.check(f"{method.upper()} {url}", text)

    def check(self, where, text):
        self.checks += 1
        for token in set(CANARY.findall(text.upper())):
            if token not in self.canaries.tokens:
                continue
            if self.canaries.entitled(token, self.persona):
                self.seen[self.persona].add(self.canaries.tokens[token][0])
            else:
                self.leaks.add((self.persona, where, token))

    # --- what is crawled ---
    def view_model(self, url):
        try:
            match = resolve(url.split("?")[0])
        except Resolver404:
            return None
        cls = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
        model = getattr(cls, "model", None)
        if model is None and getattr(cls, "queryset", None) is not None:
            model = cls.queryset.model
        return model

    def rule_model(self, route, kwargs):
        """For a page whose view names no model: the model of the world record the rule's kwargs point at
        (the record read through world.objects whose pk is the rule's pk)."""
        seen = []

        class Recording(dict):
            def __getitem__(inner, key):
                value = dict.__getitem__(inner, key)
                seen.append(value)
                return value

        world = copy.copy(self.world)
        world.__dict__["objects"] = Recording(self.world.objects)
        route.kwargs(world)
        models = {type(obj) for obj in seen if isinstance(obj, Model) and obj.pk == kwargs["pk"]}
        return models.pop() if len(models) == 1 else None

    def variants(self, name, kwargs, route=None):
        """The rule's own kwargs, then, for a `pk` route, the pk (and case) of each canary record of the
        view's model."""
        yield kwargs
        if "pk" not in kwargs:
            return
        model = self.view_model(reverse(name, kwargs=kwargs))
        if model is None and route is not None:
            model = self.rule_model(route, kwargs)
        for obj in self.by_model.get(model, ()):
            variant = {**kwargs, "pk": obj.pk}
            if "reference" in variant and getattr(obj, "case_id", None):
                variant["reference"] = obj.case.reference
            if variant != kwargs:
                yield variant

    def rules(self):
        world = self.world
        for name, specs in sorted(all_rules().items()):
            for route in specs:
                kwargs = route.kwargs(world)
                if route.method == "get":
                    for variant in self.variants(name, kwargs, route):
                        self.request("get", reverse(name, kwargs=variant), route=name)
                    continue
                url = reverse(name, kwargs=kwargs)
                data = route.data(world) if route.data else {}
                if route.files:
                    data = {**data, **route.files(world)}
                json_body = route.api and route.format != "multipart"
                self.request(route.method, url, data=data, content_type="application/json" if json_body else None,
                             route=name)
                if route.api and self.persona in FORGERS and route.method in ("post", "patch", "put"):
                    self.forged(name, route, url, data, json_body)

    def beta_ids(self):
        return {model: [o.pk for o in objs if getattr(o, "case_id", None) == self.world.other_case.pk]
                for model, objs in self.by_model.items()}

    def forged(self, name, route, url, data, json_body):
        related = {k: ("many" if isinstance(v, list) else "one") for k, v in data.items()
                   if isinstance(v, int) and not isinstance(v, bool)
                   or isinstance(v, list) and v and all(isinstance(i, int) for i in v)}
        related.update(EXTRA_RELATED.get(name, {}))
        if not related:
            return
        ids = sorted({pk for pks in self.beta_ids().values() for pk in pks})
        for field, arity in related.items():
            for pk in ids:
                forged = {**{k: v for k, v in data.items() if not hasattr(v, "read")}, field: [pk] if arity == "many" else pk}
                if route.files:
                    forged.update(route.files(self.world))
                self.request(route.method, url, data=forged, content_type="application/json" if json_body else None,
                             route=f"{name} (forged {field})")

    def schema_paths(self):
        """GET paths of the OpenAPI schema, their parameters filled from the world (own and other case)."""
        if not hasattr(self, "_schema"):
            self.client.force_login(self.world.users["admin"])
            response = self.client.get(reverse("api-schema") + "?format=json")
            assert response.status_code == 200, response.status_code
            self._schema = json.loads(response.content)
            self.login(self.persona)
        unfilled = []
        urls = []
        refs = [self.world.case.reference, self.world.other_case.reference]
        for path, operations in sorted(self._schema["paths"].items()):
            if "get" not in operations:
                continue
            params = set(re.findall(r"{(\w+)}", path))
            if not params <= SCHEMA_PARAMS:
                unfilled.append(path)
                continue
            if not params:
                urls.append((path, path))
                continue
            if params == {"reference"}:
                urls += [(path, path.replace("{reference}", ref)) for ref in refs]
                continue
            key = "pk" if "pk" in params else "id"
            probe = path.replace("{%s}" % key, "1").replace("{reference}", refs[0])
            model = self.view_model(probe)
            if model is None:
                from django.apps import apps

                label = next((m for prefix, m in SCHEMA_MODELS.items() if path.startswith(prefix)), None)
                model = apps.get_model(label) if label else None
            objects = self.by_model.get(model, ())
            if not objects:
                # a model with no canary record: every record of it in the world, own and other case
                objects = list(model.objects.all()[:4]) if model is not None else []
            if not objects:
                unfilled.append(path)
                continue
            for obj in objects:
                ref = obj.case.reference if getattr(obj, "case_id", None) else refs[0]
                urls.append((path, path.replace("{%s}" % key, str(obj.pk)).replace("{reference}", ref)))
        return urls, unfilled

    def schema(self):
        urls, unfilled = self.schema_paths()
        for path, url in urls:
            self.request("get", url, route=f"schema {path}")
        return unfilled

    def admin_pages(self):
        self.request("get", reverse("admin:index"), route="admin:index")
        for model, model_admin in admin.site._registry.items():
            info = (model._meta.app_label, model._meta.model_name)
            self.request("get", reverse("admin:%s_%s_changelist" % info), route="admin:%s_%s_changelist" % info)
            objects = self.by_model.get(model) or list(model._default_manager.order_by("-pk")[:3])
            for obj in objects:
                self.request("get", reverse("admin:%s_%s_change" % info, args=[obj.pk]),
                             route="admin:%s_%s_change" % info)

    def dossier(self):
        """One real dossier of OP-ALPHA, rendered for this persona (if they may export), then downloaded."""
        from cases.access import Action, can
        from cases.dossier import services

        user = self.world.users.get(self.persona)
        if user is None or not can(user, self.world.case, Action.EXPORT):
            return
        try:
            with transaction.atomic():
                dossier = services.dossier_request(case=self.world.case, by=user, sections=None, bundle=True,
                                                   start_job=False)
                services.dossier_build(dossier=dossier)
                dossier.refresh_from_db()
                for name in ("cases:dossier-download", "cases:dossier-bundle", "cases:dossier-manifest"):
                    url = reverse(name, kwargs={"reference": self.world.case.reference, "pk": dossier.pk})
                    self.routes.add(f"{name} (rendered)")
                    self.check(f"GET {url}", response_text(self.client.get(url)))
                transaction.set_rollback(True)
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"{self.persona}: dossier: {type(exc).__name__}: {exc}"[:300])


def _coverage_failures(world):
    rules = all_rules()
    missing = sorted(url_names() - set(rules))
    problems = [f"route without a rule (cannot be crawled): {name}" for name in missing]
    for name, specs in rules.items():
        for route in specs:
            try:
                reverse(name, kwargs=route.kwargs(world))
            except Exception as exc:  # noqa: BLE001
                problems.append(f"route whose kwargs cannot be filled: {name}: {exc}")
    return problems


def _report(crawl, canaries):
    by_kind = defaultdict(list)
    for persona, where, token in sorted(crawl.leaks):
        scope, what = canaries.tokens[token]
        by_kind[f"{scope} {what}"].append(f"    {persona}: {where} ({token})")
    return "\n".join(f"{kind}:\n" + "\n".join(lines) for kind, lines in sorted(by_kind.items()))


@pytest.mark.django_db
@pytest.mark.parametrize("group", GROUPS)
def test_no_persona_receives_a_canary_it_is_not_entitled_to(group, client, tmp_path):
    world = _build_world()
    world.an.trace  # the analysis world of tests/analysis/routes.py, built outside the savepoints
    canaries = build_canaries(world)
    assert set(ENTITLED) == {"ATEAM", "APOL", "AFIU", "BETA"} and len(canaries.tokens) > 40
    problems = _coverage_failures(world)
    crawl = Crawl(client, world, canaries)
    unfilled = set()
    for persona in GROUPS[group]:
        crawl.login(persona)
        crawl.rules()
        unfilled |= set(crawl.schema())
        crawl.admin_pages()
        crawl.dossier()
    problems += [f"schema path whose parameters cannot be filled: {path}" for path in sorted(unfilled)]
    (tmp_path / "canary-routes.txt").write_text("\n".join(sorted(crawl.routes)) + "\n")
    (tmp_path / "canary-errors.txt").write_text("\n".join(crawl.errors) + "\n")
    print(f"canary crawl ({group}): {len(crawl.routes)} routes, {crawl.checks} checks, {len(crawl.leaks)} leaks, "
          f"{len(crawl.errors)} request errors; routes listed in {tmp_path / 'canary-routes.txt'}")
    for line in crawl.errors[:40]:
        print("  error:", line)
    for line in world.objects.get("canary_skipped", []):
        print("  refused while building:", line)
    # the crawl can see: each persona reads the canaries it is entitled to (else a broken reader would pass)
    for persona in GROUPS[group]:
        expected = {scope for scope, people in ENTITLED.items() if persona in people}
        problems += [f"{persona} never received the {scope} canaries it is entitled to"
                     for scope in sorted(expected - crawl.seen[persona])]
    assert not problems, "\n".join(problems)
    assert not crawl.leaks, f"{len(crawl.leaks)} canaries reached personas not entitled to them:\n" + _report(crawl, canaries)
