"""Sign-in with password (argon2), lockout (django-axes) and an optional TOTP second factor."""
import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.audit import audit_record


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class TwoFactorAuthenticationForm(AuthenticationForm):
    otp_token = django_forms.CharField(
        required=False, label="Authenticator code", max_length=8,
        help_text="Only if you have set up an authenticator app.",
        widget=django_forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None:
            device = confirmed_device(user)
            if device is not None:
                token = (cleaned.get("otp_token") or "").strip()
                if not token:
                    raise django_forms.ValidationError("Enter the code from your authenticator app.", code="otp_required")
                if not device.verify_token(token):
                    raise django_forms.ValidationError("The authenticator code is wrong or expired.", code="otp_invalid")
                self.otp_device = device
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = TwoFactorAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        device = getattr(form, "otp_device", None)
        if device is not None:
            otp_login(self.request, device)
        audit_record(actor=form.get_user(), action="auth.login", details={"second_factor": device is not None})
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit_record(actor=request.user, action="auth.logout")
        return super().post(request, *args, **kwargs)


class TwoFactorSetupView(LoginRequiredMixin, View):
    template_name = "registration/two_factor.html"

    def _pending(self, user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "authenticator"})
        return device

    def _context(self, request, error=""):
        active = confirmed_device(request.user)
        context = {"active": active, "error": error}
        if active is None:
            device = self._pending(request.user)
            image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
            buffer = BytesIO()
            image.save(buffer)
            context.update(
                qr=base64.b64encode(buffer.getvalue()).decode(),
                secret=base64.b32encode(device.bin_key).decode(),
            )
        return context

    def get(self, request):
        return render(request, self.template_name, self._context(request))

    def post(self, request):
        if request.POST.get("disable") and confirmed_device(request.user):
            TOTPDevice.objects.filter(user=request.user).delete()
            audit_record(actor=request.user, action="auth.totp.disable")
            messages.info(request, "Two-factor sign-in is off.")
            return redirect("two-factor")
        device = self._pending(request.user)
        if device.verify_token((request.POST.get("token") or "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(actor=request.user, action="auth.totp.enable")
            messages.success(request, "Two-factor sign-in is on. You will need the code at every sign-in.")
            return redirect("two-factor")
        return render(request, self.template_name, self._context(request, error="That code is not right; try the current one."), status=400)
