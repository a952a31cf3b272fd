"""Signing in: passwords (argon2 in production), lockout, optional TOTP second factor."""
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD, otp_token=""):
    return client.post(reverse("login"), {"username": username, "password": password, "otp_token": otp_token})


def test_sign_in_with_password_reaches_the_case_list(world, client):
    response = sign_in(client, "investigator")
    assert response.status_code == 302
    assert "OP-ALPHA" in client.get(reverse("cases:list")).content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "analyst", password="wrong-password").status_code == 200
    assert sign_in(client, "analyst", password="wrong-password").status_code == 429
    locked = sign_in(client, "analyst")
    assert locked.status_code == 429 and "locked" in locked.content.decode().lower()


def test_totp_device_makes_the_code_required(world, client):
    device = TOTPDevice.objects.create(user=world.users["prosecutor"], name="phone", confirmed=True)
    missing = sign_in(client, "prosecutor")
    assert missing.status_code == 200 and "authenticator" in missing.content.decode()
    wrong = sign_in(client, "prosecutor", otp_token="000000" if totp(device.bin_key) != 0 else "111111")
    assert "wrong or expired" in wrong.content.decode()
    # django-otp slows down retries after a failure; the user waits, we reset the counter
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert sign_in(client, "prosecutor", otp_token=code).status_code == 302


def test_api_token_needs_the_second_factor_too(world, client):
    TOTPDevice.objects.create(user=world.users["prosecutor"], name="phone", confirmed=True)
    response = client.post("/api/auth/token/", {"username": "prosecutor", "password": PASSWORD})
    assert response.status_code == 400


def test_api_token_authenticates_requests(world, client):
    token = client.post("/api/auth/token/", {"username": "lead", "password": PASSWORD}).json()["token"]
    client.logout()
    response = client.get(f"/api/cases/{world.case.reference}/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["reference"] == "OP-ALPHA"


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PARALLAX_TESTING", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DEBUG="0", SECRET_KEY="x7-" + "k3Qz9!vR2#pL8@wT5^mN1&bY6*cH4$" * 2, ALLOWED_HOSTS="parallax.example.org",
               PARALLAX_VAR_DIR=str(tmp_path), PARALLAX_AUDIT_KEY="a9-" + "Vq4#hT8!zL2@pW6^" * 3)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PARALLAX_TESTING", "DEBUG", "SECRET_KEY")}
    env.update(DEBUG="0", PARALLAX_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
