"""Parallax settings, read from the environment.

Local defaults need nothing installed: SQLite under var/ and a Celery broker on
the filesystem. Production differs only by environment variables (see
docs/deploy.md): DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARALLAX_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("PARALLAX_TESTING", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-local-development-key-never-use-in-production-0123456789"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# The key of the audit trail's HMAC chain and signed checkpoints (cases/audit.py). It lives
# outside the database on purpose: who can write the table but not read this cannot re-seal it.
PARALLAX_AUDIT_KEY = os.environ.get("PARALLAX_AUDIT_KEY", "")
if not PARALLAX_AUDIT_KEY:
    if DEBUG or TESTING:
        import hashlib as _hashlib

        PARALLAX_AUDIT_KEY = _hashlib.sha256(b"parallax-audit-key:" + SECRET_KEY.encode()).hexdigest()
    else:
        raise ImproperlyConfigured("PARALLAX_AUDIT_KEY must be set when DEBUG is off (see docs/deploy.md).")
elif len(PARALLAX_AUDIT_KEY) < 32 or PARALLAX_AUDIT_KEY == SECRET_KEY:
    raise ImproperlyConfigured("PARALLAX_AUDIT_KEY must be at least 32 characters and differ from SECRET_KEY.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "cases.apps.CasesConfig",
    "seizures.apps.SeizuresConfig",
    "finance.apps.FinanceConfig",
    "finance.analysis.apps.AnalysisConfig",
    "finance.recovery.apps.RecoveryConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # NUL bytes, non-object JSON bodies and the like answer 400 naming the field (cases/bad_input.py),
    # before anything loads the session or the user from a cookie or token that holds them.
    "cases.bad_input.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Nothing behind the sign-in is cached; then the second factor is enforced (cases/middleware.py).
    "cases.middleware.NoStoreMiddleware",
    "cases.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "cases.middleware.RequestContextMiddleware",
    # A case-owned model read without a case scope raises while a request is handled (cases/access.py).
    "cases.middleware.ScopeGuardMiddleware",
    # Axes last: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "cases.context_processors.parallax",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'parallax.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: wait for
    # locks instead of failing, and take the write lock at BEGIN.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not :memory:) so that a real worker process can share the test database.
    # One file per test run, so that parallel runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("PARALLAX_TEST_DB") or str(VAR_DIR / f"test_parallax_{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------
AUTH_USER_MODEL = "cases.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the suite creates many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "login"

# The client address comes from X-Forwarded-For only through this many trusted reverse proxies
# (0: the socket's peer). Used by the audit trail, the lockout and the API throttles (cases/middleware.py).
PARALLAX_TRUSTED_PROXIES = env_int("PARALLAX_TRUSTED_PROXIES", 0)

# Lockout after repeated failures: per user name from any address, and per address over all user
# names with a larger budget, so that a password spray is stopped (cases/lockout.py).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
PARALLAX_LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "cases.lockout.ParallaxAxesHandler"
AXES_CLIENT_IP_CALLABLE = "cases.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("SESSION_MINUTES", 8 * 60) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Parallax")
# A second factor for every case member and staff account (cases/two_factor.py). Off only in the test
# suite, whose tests sign in with force_login; a deploy check warns when it is off (cases/checks.py).
PARALLAX_2FA_REQUIRED = env_bool("PARALLAX_2FA_REQUIRED", not TESTING)
# The safety net of case scoping (cases/access.py): on in every environment; off only to diagnose.
PARALLAX_SCOPE_GUARD = env_bool("PARALLAX_SCOPE_GUARD", True)
# Short names of agencies whose members need no second factor (staff always do).
PARALLAX_2FA_EXEMPT_AGENCIES = env_list("PARALLAX_2FA_EXEMPT_AGENCIES", [])
# API tokens (cases/tokens.py) expire after this many hours.
PARALLAX_API_TOKEN_HOURS = env_int("PARALLAX_API_TOKEN_HOURS", 12)

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Evidence is never served as static media: downloads go through an audited view.
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", VAR_DIR / "evidence"))

# Upload limits (bytes). One limit for evidence files; Django's in-memory
# thresholds stay small so that large uploads stream to temporary files.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# Import limits, checked in the worker while the file is read as a stream (rows and cells of a
# table; an XLSX is refused first on the uncompressed size its zip directory declares).
PARALLAX_IMPORT_MAX_ROWS = env_int("PARALLAX_IMPORT_MAX_ROWS", 1_100_000)
PARALLAX_IMPORT_MAX_CELLS = env_int("PARALLAX_IMPORT_MAX_CELLS", 25_000_000)
PARALLAX_IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("PARALLAX_IMPORT_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024)
# Seizure imports: rows per file, and how many rows are checked in the request (a larger file is
# stored and checked by the worker).
PARALLAX_SEIZURE_IMPORT_MAX_ROWS = env_int("PARALLAX_SEIZURE_IMPORT_MAX_ROWS", 5000)
PARALLAX_SEIZURE_IMPORT_INLINE_ROWS = env_int("PARALLAX_SEIZURE_IMPORT_INLINE_ROWS", 200)

# --- Security -------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a refused token answers 401 with WWW-Authenticate (cases/tokens.py).
        "cases.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular, plus the error answers and read-only nullable fields (cases/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "cases.api.schema.ParallaxAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["cases.api.filters.CaseScopedFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {"login": "20/min"},
    # Throttles key on the client address behind the trusted proxies only (see PARALLAX_TRUSTED_PROXIES).
    "NUM_PROXIES": PARALLAX_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    # The schema is checked by tests/test_api_schema.py; `check --deploy` is about deployment.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "TITLE": "Parallax API",
    "DESCRIPTION": "Case management and parallel financial investigation for joint firearms task forces.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Cache ----------------------------------------------------------------
# API throttles count here, so every process must see the same counts: Redis when there is one,
# otherwise a file cache on this machine (the lockout counts live in the database). The test suite
# runs in one process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "parallax"}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": os.environ.get("PARALLAX_CACHE_DIR", str(VAR_DIR / "cache"))}}

# --- Celery ---------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3 * 3600)}
else:
    # Embedded default: a broker on the filesystem, shared by the web process,
    # the worker and beat. Real messages, real worker, no server.
    _broker_dir = VAR_DIR / os.environ.get("PARALLAX_BROKER_DIR", "test-broker" if TESTING else "broker")
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
# Tests run tasks in-process unless a test starts a real worker (tests/cases/test_worker.py).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("JOB_SOFT_TIME_LIMIT", 30 * 60)
CELERY_TASK_TIME_LIMIT = env_int("JOB_TIME_LIMIT", 35 * 60)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_IGNORE_RESULT = True  # results live in Job rows
CELERY_TASK_ROUTES = {
    "finance.tasks.import_*": {"queue": "imports"},
    "finance.tasks.analysis_*": {"queue": "analyses"},
    "cases.tasks.evidence_*": {"queue": "documents"},
    "cases.tasks.dossier_*": {"queue": "documents"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "jobs-reap-stale": {"task": "cases.tasks.jobs_reap_stale", "schedule": 15 * 60},
    "tasks-due-check": {"task": "cases.tasks.tasks_due_check", "schedule": 24 * 3600},
    "seizures-tracing-due-check": {"task": "seizures.tasks.tracing_due_check", "schedule": 24 * 3600},
    # Hourly: reminders are sent once per measure and lead time, so re-runs are harmless.
    "recovery-deadline-reminders": {"task": "finance.recovery.tasks.deadline_reminders", "schedule": 3600},
    # Signed checkpoint of the audit chain head, appended outside the database (cases/audit_checkpoints.py).
    "audit-checkpoint": {"task": "cases.tasks.audit_checkpoint", "schedule": env_int("PARALLAX_AUDIT_CHECKPOINT_SECONDS", 10 * 60)},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Parallax -------------------------------------------------------------
PARALLAX_DEMO_PASSWORD = os.environ.get("PARALLAX_DEMO_PASSWORD", "parallax-demo-2026")
PARALLAX_CLASSIFICATION = os.environ.get("PARALLAX_CLASSIFICATION", "RESTRICTED — LAW ENFORCEMENT")
# The goAML schema of this FIU's variant (each FIU publishes its own XSD); empty: no schema check.
GOAML_XSD_PATH = os.environ.get("GOAML_XSD_PATH", "")
# Write-once home of the signed audit checkpoints: one append-only JSON-lines file, outside the database.
PARALLAX_AUDIT_CHECKPOINT_DIR = os.environ.get("PARALLAX_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))
# Days before a freeze order's expiry or review date when the team is reminded.
RECOVERY_REMINDER_LEAD_DAYS = [int(d) for d in env_list("RECOVERY_REMINDER_LEAD_DAYS", ["30", "7", "1"])]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
