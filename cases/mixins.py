"""The one view mixin that applies case access to HTML pages.

A view declares `case_action` (what the user must be allowed to do in the
case); the mixin resolves `self.case` through the case-scoped queryset, so a
case the user may not see, or may not act on, answers 404. Records inside the
case are loaded with `self.get_record(Model, pk, action)`, which answers 404
the same way.
"""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator

from cases import selectors
from cases.access import Action
from cases.audit import audit_request_read, reads_tracked


class CaseMixin(LoginRequiredMixin):
    case_action = Action.VIEW  # needed for GET (and for POST unless post_action says otherwise)
    post_action = None  # e.g. Action.ADD on a list page whose form adds a record
    raise_exception = False  # anonymous visitors go to the login page

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        action = self.post_action if (request.method == "POST" and self.post_action) else self.case_action
        self.case = selectors.case_get(user=request.user, reference=kwargs["reference"], action=action)
        self.actions = selectors.user_actions(user=request.user, case=self.case)
        if request.method != "GET":
            return super().dispatch(request, *args, **kwargs)
        # Every page of a case shows case content: a page that audits no read itself is audited here.
        self.records_read = []
        with reads_tracked() as events:
            response = super().dispatch(request, *args, **kwargs)
        if response.status_code < 400 and not events:
            audit_request_read(request=request, by=request.user, case=self.case, records=self.records_read)
        return response

    def get_record(self, model, pk, action=Action.VIEW):
        record = selectors.record_get(model, user=self.request.user, case=self.case, pk=pk, action=action)
        if hasattr(self, "records_read"):
            self.records_read.append(record)
        return record

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs) if hasattr(super(), "get_context_data") else dict(kwargs)
        context.update(
            case=self.case,
            actions=self.actions,
            tabs=selectors.case_tabs(user=self.request.user, case=self.case),
            active_tab=getattr(self, "tab", ""),
        )
        return context


def paginate(request, queryset, per_page=25):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def form_errors_from(exc: ValidationError, form):
    """Put a service's ValidationError onto the form, next to the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def service_call(form, func, **kwargs):
    """Run a service; on a validation or permission error show it on the form and return None."""
    try:
        return func(**kwargs)
    except ValidationError as exc:
        form_errors_from(exc, form)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or "You may not do this in this case.")
    return None
