"""The doors: a second factor for members and staff (also at /admin/), lockout per user name and per
address, the client address behind trusted proxies only, API tokens that end, and no caching."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import services
from cases.models import ApiToken, AuditEvent
from cases.two_factor import recovery_codes_generate
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_factor(settings):
    settings.PARALLAX_2FA_REQUIRED = True
    return settings


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def add_totp(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def code(device):
    """The current code, as the next time step would give it (a TOTP code is accepted once per step)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0,
                                                   throttling_failure_timestamp=None)
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device):
    right = code(device)
    return "000000" if right != "000000" else "111111"


def sign_in(client, username, password=PASSWORD, otp_token="", ip="10.0.0.1", **extra):
    return client.post(reverse("login"), {"username": username, "password": password, "otp_token": otp_token},
                       REMOTE_ADDR=ip, **extra)


# --- second factor ------------------------------------------------------------------------------

def test_staff_with_totp_cannot_open_the_admin_with_the_password_alone(world, client, two_factor):
    admin = world.users["admin"]
    device = add_totp(admin)
    refused = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert refused.status_code == 200  # the form again, with an error
    page = client.get("/admin/")
    assert page.status_code == 302 and "/admin/login/" in page["Location"]

    client.logout()
    accepted = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/",
                                             "otp_device": device.persistent_id, "otp_token": code(device)})
    assert accepted.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_signed_in_without_a_verified_code_is_kept_out_of_the_admin(world, client, two_factor):
    add_totp(world.users["admin"])
    client.force_login(world.users["admin"])  # a session without the second factor
    page = client.get("/admin/cases/agency/")
    assert page.status_code == 302 and reverse("two-factor-verify") in page["Location"]


def test_member_without_second_factor_is_sent_to_set_it_up(world, client, two_factor):
    client.force_login(world.users["investigator"])
    case_url = reverse("cases:detail", kwargs={"reference": world.case.reference})
    page = client.get(case_url)
    assert page.status_code == 302 and page["Location"].startswith(reverse("two-factor"))
    api = client.get(f"/api/cases/{world.case.reference}/")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    assert client.get(reverse("two-factor")).status_code == 200

    # setting it up opens the door, and shows ten recovery codes once
    device = TOTPDevice.objects.get(user=world.users["investigator"], confirmed=False)
    done = client.post(reverse("two-factor"), {"token": code(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert client.get(case_url).status_code == 200
    assert client.get(f"/api/cases/{world.case.reference}/").status_code == 200


def test_staff_without_membership_needs_it_too_but_not_a_user_without_membership(world, client, two_factor):
    client.force_login(world.users["admin"])
    assert client.get(reverse("cases:list")).status_code == 302
    client.force_login(world.users["focal"])  # no membership, not staff
    assert client.get(reverse("cases:list")).status_code == 200


def test_an_agency_can_be_exempted(world, client, two_factor):
    two_factor.PARALLAX_2FA_EXEMPT_AGENCIES = ["customs"]
    client.force_login(world.users["investigator"])  # customs
    assert client.get(reverse("cases:list")).status_code == 200
    client.force_login(world.users["lead"])  # police
    assert client.get(reverse("cases:list")).status_code == 302


def test_member_with_a_device_enters_the_code_for_the_session(world, client, two_factor):
    device = add_totp(world.users["lead"])
    client.force_login(world.users["lead"])
    page = client.get(reverse("cases:list"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("two-factor-verify"))
    assert client.post(reverse("two-factor-verify"), {"token": wrong_code(device)}).status_code == 400
    done = client.post(reverse("two-factor-verify"), {"token": code(device), "next": reverse("cases:list")})
    assert done.status_code == 302 and done["Location"] == reverse("cases:list")
    assert client.get(reverse("cases:list")).status_code == 200


def test_disabling_the_second_factor_needs_password_and_code(world, client, two_factor):
    device = add_totp(world.users["prosecutor"])
    assert sign_in(client, "prosecutor", otp_token=code(device)).status_code == 302
    url = reverse("two-factor-disable")
    assert client.post(url, {"password": PASSWORD}).status_code == 400
    assert client.post(url, {"password": "wrong-password-0", "token": code(device)}).status_code == 400
    assert client.post(url, {"token": code(device)}).status_code == 400
    assert TOTPDevice.objects.filter(user=world.users["prosecutor"], confirmed=True).exists()
    done = client.post(url, {"password": PASSWORD, "token": code(device)})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.users["prosecutor"], confirmed=True).exists()
    # the prosecutor is a member: the next page asks for a new authenticator
    assert client.get(reverse("cases:list"))["Location"].startswith(reverse("two-factor"))


def test_recovery_code_works_once_and_new_codes_replace_the_old(world, two_factor):
    user = world.users["analyst"]
    add_totp(user)
    codes = recovery_codes_generate(user=user)
    assert len(codes) == 10 and len(set(codes)) == 10

    first = Client()
    assert sign_in(first, "analyst", otp_token=codes[0]).status_code == 302
    assert first.get(reverse("cases:list")).status_code == 200
    again = Client()
    reused = sign_in(again, "analyst", otp_token=codes[0])
    assert reused.status_code == 200 and "wrong or expired" in reused.content.decode()

    # regenerate from the verified session: the old, unused codes stop working
    fresh = first.post(reverse("recovery-codes")).context["codes"]
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    assert StaticToken.objects.filter(device__user=user).count() == 10
    old = Client()
    assert sign_in(old, "analyst", otp_token=codes[1]).status_code == 200
    # wrong codes slow the device down (django-otp throttling); the user waits, we reset the counter
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert sign_in(Client(), "analyst", otp_token=fresh[0]).status_code == 302


def test_api_token_needs_the_code_when_the_second_factor_is_required(world, client, two_factor):
    missing = client.post("/api/auth/token/", {"username": "lead", "password": PASSWORD})
    assert missing.status_code == 400 and "Set up" in missing.json()["otp_token"]
    device = add_totp(world.users["lead"])
    assert client.post("/api/auth/token/", {"username": "lead", "password": PASSWORD}).status_code == 400
    issued = client.post("/api/auth/token/", {"username": "lead", "password": PASSWORD, "otp_token": code(device)})
    assert issued.status_code == 200
    answer = Client().get(f"/api/cases/{world.case.reference}/", HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert answer.status_code == 200


# --- lockout --------------------------------------------------------------------------------------

def test_lockout_follows_the_user_name_across_addresses(world):
    for attempt in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "analyst", password="wrong-password-0", ip=f"10.0.0.{attempt + 1}")
    locked = sign_in(Client(), "analyst", ip="192.0.2.77")
    assert locked.status_code == 429
    # another user from the attacker's addresses is not locked by these few failures
    assert sign_in(Client(), "lead", ip="10.0.0.1").status_code == 302


def test_password_spray_over_many_user_names_from_one_address_is_stopped(world):
    budget = django_settings.PARALLAX_LOGIN_IP_FAILURE_LIMIT
    assert django_settings.AXES_FAILURE_LIMIT < budget <= 20
    for n in range(20):
        # one try per name, and a different (untrusted) X-Forwarded-For on each
        sign_in(Client(), f"user{n:02d}", password="Summer2026!", ip="198.51.100.9",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert sign_in(Client(), "lead", ip="198.51.100.9").status_code == 429
    assert sign_in(Client(), "lead", ip="198.51.100.10").status_code == 302


def test_signing_in_to_ones_own_account_does_not_reset_the_address_budget(world):
    for n in range(django_settings.PARALLAX_LOGIN_IP_FAILURE_LIMIT - 1):
        sign_in(Client(), f"user{n:02d}", password="Summer2026!", ip="198.51.100.9")
    assert sign_in(Client(), "outsider", ip="198.51.100.9").status_code == 302
    sign_in(Client(), "user99", password="Summer2026!", ip="198.51.100.9")
    assert sign_in(Client(), "lead", ip="198.51.100.9").status_code == 429


# --- client address -------------------------------------------------------------------------------

def last_login_ip(username):
    return AuditEvent.objects.filter(action="auth.login", actor__username=username).latest("id").ip


def test_forwarded_for_counts_only_behind_trusted_proxies(world, settings):
    settings.PARALLAX_TRUSTED_PROXIES = 0
    sign_in(Client(), "lead", ip="192.0.2.10", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert last_login_ip("lead") == "192.0.2.10"

    settings.PARALLAX_TRUSTED_PROXIES = 1
    # the client wrote 6.6.6.6; our proxy appended the address it saw
    sign_in(Client(), "lead", ip="192.0.2.10", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50")
    assert last_login_ip("lead") == "203.0.113.50"


def test_token_throttle_keys_on_the_client_address_not_on_a_spoofed_header(world, settings):
    settings.PARALLAX_TRUSTED_PROXIES = 0
    answers = [Client().post("/api/auth/token/", {"username": "lead", "password": PASSWORD}, REMOTE_ADDR="192.0.2.20",
                             HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(21)]
    assert answers[:20] == [200] * 20 and answers[20] == 429

    cache.clear()
    settings.PARALLAX_TRUSTED_PROXIES = 1
    answers = [Client().post("/api/auth/token/", {"username": "lead", "password": PASSWORD}, REMOTE_ADDR="192.0.2.20",
                             HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(21)]
    assert answers == [200] * 21  # 21 clients behind one proxy, one token each


# --- API tokens -----------------------------------------------------------------------------------

def api_get(world, key):
    return Client().get(f"/api/cases/{world.case.reference}/", HTTP_AUTHORIZATION=f"Token {key}")


def test_token_expires(world, client):
    issued = client.post("/api/auth/token/", {"username": "lead", "password": PASSWORD}).json()
    key = issued["token"]
    token = ApiToken.objects.get(user=world.users["lead"])
    assert token.expires_at - timezone.now() <= timedelta(hours=django_settings.PARALLAX_API_TOKEN_HOURS)
    assert key not in (token.key_hash, token.prefix)  # only a hash is stored
    assert api_get(world, key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api_get(world, key)
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]


def test_token_revoked_on_the_security_page_and_by_the_api(world, client):
    key = client.post("/api/auth/token/", {"username": "lead", "password": PASSWORD}).json()["token"]
    token = ApiToken.objects.get(user=world.users["lead"])
    client.force_login(world.users["lead"])
    page = client.get(reverse("security"))
    assert page.status_code == 200 and token.prefix in page.content.decode()
    # someone else cannot revoke it
    other = Client()
    other.force_login(world.users["investigator"])
    assert other.post(reverse("api-token-revoke", kwargs={"pk": token.pk})).status_code == 404
    assert api_get(world, key).status_code == 200
    assert client.post(reverse("api-token-revoke", kwargs={"pk": token.pk})).status_code == 302
    assert api_get(world, key).status_code == 401

    second = Client().post("/api/auth/token/", {"username": "lead", "password": PASSWORD}).json()["token"]
    assert Client().delete("/api/auth/token/", HTTP_AUTHORIZATION=f"Token {second}").status_code == 204
    assert api_get(world, second).status_code == 401


def test_sign_out_revokes_the_tokens_that_session_made(world):
    browser = Client()
    assert sign_in(browser, "lead").status_code == 302
    key = browser.post(reverse("api-token-create"), {"label": "script"}).context["new_key"]
    script_key = Client().post("/api/auth/token/", {"username": "lead", "password": PASSWORD}).json()["token"]
    assert api_get(world, key).status_code == 200
    # it ends with the session at the latest
    assert ApiToken.objects.get(label="script").expires_at <= timezone.now() + timedelta(seconds=django_settings.SESSION_COOKIE_AGE)
    browser.post(reverse("logout"))
    assert api_get(world, key).status_code == 401
    assert api_get(world, script_key).status_code == 200  # not made by that session


def test_old_style_keys_are_not_accepted(world):
    assert api_get(world, "0123456789abcdef0123456789abcdef01234567").status_code == 401


# --- caching --------------------------------------------------------------------------------------

def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def test_nothing_behind_the_sign_in_is_cached(world, client):
    evidence = services.evidence_upload(case=world.case, by=world.users["lead"], upload=SimpleUploadedFile(
        "manifest.csv", b"consignment,shipper\nTRK-1,Nordwaffen\n", "text/csv"))
    client.force_login(world.users["lead"])
    page = client.get(reverse("cases:detail", kwargs={"reference": world.case.reference}))
    assert page.status_code == 200 and no_store(page)
    api = client.get(f"/api/cases/{world.case.reference}/")
    assert api.status_code == 200 and no_store(api)
    download = client.get(reverse("cases:evidence-download", kwargs={"reference": world.case.reference, "pk": evidence.pk}))
    assert download.status_code == 200 and no_store(download)
    assert no_store(Client().get(f"/api/cases/{world.case.reference}/"))  # the refusal too


# --- deployment -----------------------------------------------------------------------------------

def deploy_check(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PARALLAX_TESTING", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DEBUG="0", SECRET_KEY="x7-" + "k3Qz9!vR2#pL8@wT5^mN1&bY6*cH4$" * 2, ALLOWED_HOSTS="parallax.example.org",
               PARALLAX_AUDIT_KEY="audit-" + "Zq8#wE3$rT6^yU1&iO4*pA7!" * 2, PARALLAX_VAR_DIR=str(tmp_path), **extra)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True)


def test_deploy_check_warns_when_the_second_factor_is_off(tmp_path):
    result = deploy_check(tmp_path, PARALLAX_2FA_REQUIRED="0")
    assert result.returncode != 0 and "parallax.W001" in result.stdout + result.stderr
    result = deploy_check(tmp_path)
    assert "parallax.W001" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_throttles_count_in_a_shared_cache(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PARALLAX_TESTING", "DEBUG", "REDIS_URL")}
    env.update(DEBUG="0", SECRET_KEY="x7-" + "k3Qz9!vR2#pL8@wT5^mN1&bY6*cH4$" * 2, ALLOWED_HOSTS="parallax.example.org",
               PARALLAX_AUDIT_KEY="audit-" + "Zq8#wE3$rT6^yU1&iO4*pA7!" * 2, PARALLAX_VAR_DIR=str(tmp_path))
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "LocMem" not in result.stdout and ("FileBased" in result.stdout or "Redis" in result.stdout)
