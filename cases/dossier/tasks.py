"""Thin Celery task: load the dossier of the job and build it."""
from celery import shared_task

from cases import jobs
from cases.dossier import services
from cases.models import Dossier, Job


@shared_task(bind=True, acks_late=True, name="cases.tasks.dossier_render")
def dossier_render_task(self, *, job_id):
    if getattr(self.request, "parallax_skip", False):
        return None
    job = Job.objects.across_cases().get(pk=job_id)
    dossier = Dossier.objects.select_related("case", "case__lead_agency", "requested_by").get(pk=job.params["dossier"])
    return services.dossier_build(dossier=dossier, progress=jobs.ProgressReporter(job_id))
