"""python manage.py analyse --case REF --as USERNAME --kind trace|typologies|crypto-cluster|taint
[--seed ...] [--params JSON] [--json OUT] [--wait]

Runs the same service as the pages and the API: in-process by default, or through the
worker with --wait (the job is queued on "analyses" and the command waits for it).
Writes the result — nodes, edges, alerts with their evidence transaction external ids — as JSON.
"""
import json
import sys
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases import selectors as case_selectors
from cases.access import Action
from cases.models import Job

from ... import services
from ...exports import run_json
from ...models import AnalysisKind, AnalysisRun


class Command(BaseCommand):
    help = "Run a money-flow analysis of a case and write its result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--case", required=True, help="case reference")
        parser.add_argument("--as", dest="username", required=True, help="run as this user (their access applies)")
        parser.add_argument("--kind", required=True, choices=AnalysisKind.values)
        parser.add_argument("--seed", action="append", default=[],
                            help="account:ID, party:ID, entity:ID, seizure:ID, firearm:ID or an IBAN/address; repeatable")
        parser.add_argument("--params", default="{}", help="parameters as JSON, e.g. '{\"hops\": 5}'")
        parser.add_argument("--title", default="")
        parser.add_argument("--json", dest="out", help="write the result here ('-' for standard output)")
        parser.add_argument("--wait", action="store_true", help="run through the Celery worker and wait for it")
        parser.add_argument("--timeout", type=int, default=3600, help="seconds to wait with --wait")

    def handle(self, *args, case, username, kind, seed, params, title, out, wait, timeout, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        from django.http import Http404

        try:
            case_obj = case_selectors.case_get(user=user, reference=case, action=Action.ADD)
        except Http404:
            raise CommandError(f"No case {case!r} where {username} may run analyses.") from None
        try:
            p = json.loads(params)
        except json.JSONDecodeError as exc:
            raise CommandError(f"--params is not valid JSON: {exc}") from None
        if not isinstance(p, dict):
            raise CommandError("--params must be a JSON object.")
        if seed:
            p["seeds"] = list(p.get("seeds") or []) + seed
        try:
            if wait:
                run = services.analysis_start(case=case_obj, by=user, kind=kind, params=p, title=title)
                run = self._wait(run, timeout)
            else:
                run = self._in_process(case_obj, user, kind, p, title)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                               if hasattr(exc, "error_dict") else " ".join(exc.messages)) from None
        if run.status != AnalysisRun.Status.SUCCEEDED:
            raise CommandError(f"The analysis did not succeed: {run.status} {run.error}")
        services.run_viewed(run=run, by=user, action="export.cli")
        data = json.dumps(run_json(run), indent=2, ensure_ascii=False, default=str)
        if out == "-":
            sys.stdout.write(data + "\n")
        elif out:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(data)
            self.stderr.write(f"Wrote {out}")
        self.stderr.write(self.style.SUCCESS(f"{run} finished: {run.summary}"))

    def _in_process(self, case, user, kind, params, title):
        from cases import jobs

        run = services.analysis_start(case=case, by=user, kind=kind, params=params, title=title, enqueue=False)
        job_id = run.job_id
        jobs.job_mark_running(job_id)
        reporter = jobs.ProgressReporter(job_id)

        def progress(current, total=None, message=""):
            reporter(current, total, message)
            if message:
                self.stderr.write(f"  {message}")

        try:
            result = services.analysis_execute(run_id=run.pk, progress=progress)
        except Exception as exc:
            jobs.job_mark_failed(job_id, exc)
            raise
        jobs.job_mark_succeeded(job_id, result)
        run.refresh_from_db()
        return run

    def _wait(self, run, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run.refresh_from_db()
            job = Job.objects.get(pk=run.job_id)
            if job.is_finished:
                return run
            self.stderr.write(f"  {job.percent}% {job.progress_message}")
            time.sleep(1)
        raise CommandError(f"Gave up waiting after {timeout} s; the job goes on (job #{run.job_id}).")
