"""Sign-in with password (argon2), lockout (django-axes, cases/lockout.py), the second factor
(authenticator app and recovery codes, cases/two_factor.py) and the security page with API tokens."""
import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.audit import AuditAction, audit_record
from cases.models import ApiToken
from cases.tokens import api_token_issue, api_token_revoke, api_tokens_of, token_lifetime
from cases.two_factor import (
    confirmed_device,
    recovery_codes_generate,
    recovery_codes_left,
    totp_confirm,
    two_factor_disable,
    two_factor_required,
    verify_second_factor,
)

CODE_WIDGET = django_forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"})


class TwoFactorAuthenticationForm(AuthenticationForm):
    otp_token = django_forms.CharField(
        required=False, label="Authenticator code", max_length=16,
        help_text="If you have set up an authenticator app: its code, or one of your recovery codes.",
        widget=CODE_WIDGET,
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        self.otp_device = None
        if user is not None and confirmed_device(user) is not None:
            token = (cleaned.get("otp_token") or "").strip()
            if not token:
                raise django_forms.ValidationError("Enter the code from your authenticator app.", code="otp_required")
            self.otp_device = verify_second_factor(user, token)
            if self.otp_device is None:
                raise django_forms.ValidationError("The authenticator code is wrong or expired.", code="otp_invalid")
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = TwoFactorAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        device = form.otp_device
        if device is not None:
            otp_login(self.request, device)
        audit_record(actor=form.get_user(), action=AuditAction.AUTH_LOGIN, details={"second_factor": device is not None})
        return response


class LogoutView(auth_views.LogoutView):
    # Django's logout sends user_logged_out: the tokens this session made are revoked (cases/tokens.py).
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit_record(actor=request.user, action=AuditAction.AUTH_LOGOUT)
        return super().post(request, *args, **kwargs)


def _next_url(request, default="cases:list"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return resolve_url(default)


def _session_verified(request):
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class TwoFactorSetupView(LoginRequiredMixin, View):
    """Set up the authenticator app: scan, confirm with a code; the recovery codes are shown once."""
    template_name = "registration/two_factor.html"

    def _pending(self, user):
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        return device or TOTPDevice.objects.create(user=user, confirmed=False, name="authenticator")

    def _context(self, request, error=""):
        device = self._pending(request.user)
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = BytesIO()
        image.save(buffer)
        return {"error": error, "required": two_factor_required(request.user), "next": _next_url(request),
                "qr": base64.b64encode(buffer.getvalue()).decode(),
                "secret": base64.b32encode(device.bin_key).decode()}

    def get(self, request):
        if confirmed_device(request.user) is not None:
            return redirect("security")
        return render(request, self.template_name, self._context(request))

    def post(self, request):
        if confirmed_device(request.user) is not None:
            return redirect("security")
        device = self._pending(request.user)
        if device.verify_token((request.POST.get("token") or "").strip()):
            codes = totp_confirm(user=request.user, device=device)
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in is on. You will need the code at every sign-in.")
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        return render(request, self.template_name, self._context(request, error="That code is not right; try the current one."),
                      status=400)


class TwoFactorVerifyView(LoginRequiredMixin, View):
    """Enter the code for this session (authenticator app or a recovery code)."""
    template_name = "registration/two_factor_verify.html"

    def get(self, request):
        if confirmed_device(request.user) is None:
            return redirect("two-factor")
        return render(request, self.template_name, {"next": _next_url(request)})

    def post(self, request):
        device = verify_second_factor(request.user, request.POST.get("token"))
        if device is None:
            return render(request, self.template_name,
                          {"next": _next_url(request), "error": "That code is not right; try the current one."}, status=400)
        otp_login(request, device)
        audit_record(actor=request.user, action=AuditAction.AUTH_VERIFY)
        return redirect(_next_url(request))


class SecurityView(LoginRequiredMixin, View):
    """Two-factor sign-in, recovery codes and API tokens of the signed-in user."""
    template_name = "registration/security.html"

    def context(self, request, **extra):
        return {"device": confirmed_device(request.user), "required": two_factor_required(request.user),
                "verified": _session_verified(request), "recovery_left": recovery_codes_left(request.user),
                "tokens": api_tokens_of(request.user), "token_hours": int(token_lifetime().total_seconds() // 3600),
                **extra}

    def get(self, request):
        return render(request, self.template_name, self.context(request))


class TwoFactorDisableView(LoginRequiredMixin, View):
    """Turning the second factor off needs the password and a current code, not the session alone."""

    def post(self, request):
        if confirmed_device(request.user) is None:
            return redirect("security")
        if not request.user.check_password(request.POST.get("password") or ""):
            error = "The password is wrong."
        elif verify_second_factor(request.user, request.POST.get("token")) is None:
            error = "The authenticator code is wrong or expired."
        else:
            two_factor_disable(user=request.user)
            messages.info(request, "Two-factor sign-in is off."
                          + (" Your account needs it: set it up again to go on." if two_factor_required(request.user) else ""))
            return redirect("two-factor" if two_factor_required(request.user) else "security")
        view = SecurityView()
        return render(request, view.template_name, view.context(request, disable_error=error), status=400)


class RecoveryCodesView(LoginRequiredMixin, View):
    """New recovery codes (shown once); the old ones stop working."""

    def post(self, request):
        if confirmed_device(request.user) is None or not _session_verified(request):
            return redirect("security")
        codes = recovery_codes_generate(user=request.user)
        return render(request, "registration/recovery_codes.html", {"codes": codes, "next": resolve_url("security")})


class ApiTokenCreateView(LoginRequiredMixin, View):
    """A token for scripts, bound to this session: it is revoked at sign-out, or when it expires."""

    def post(self, request):
        token, key = api_token_issue(user=request.user, session_key=request.session.session_key,
                                     label=(request.POST.get("label") or "").strip(),
                                     not_after=request.session.get_expiry_date())
        view = SecurityView()
        return render(request, view.template_name, view.context(request, new_key=key, new_token=token))


class ApiTokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        api_token_revoke(token=token, by=request.user)
        messages.info(request, f"Token {token.prefix}… is revoked.")
        return redirect("security")
