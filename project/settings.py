"""Slate's settings: one module, configured from the environment (django-environ).

Every variable is listed, with its default, in `.env.example` and the README. With no
configuration at all Slate runs embedded: SQLite (WAL) under `var/` and a Redis server on a unix
socket under `var/` that `make run` starts. `DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and
an external Redis with no code change.
"""
from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("SLATE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


# manage.py commands that only read the code and the migrations (never serve, sign or store anything): a clean
# clone runs them without an environment, on a throwaway key.
_KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}
_KEYLESS = len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" and sys.argv[1] in _KEYLESS_COMMANDS


def _secret_key() -> str:
    """SECRET_KEY from the environment; in DEBUG a generated key kept under var/ will do; for `_KEYLESS_COMMANDS`
    (`manage.py makemigrations --check` on a clean clone) a throwaway one. Raises ImproperlyConfigured otherwise."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG and _KEYLESS:
        return secrets.token_urlsafe(50)
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS and not _KEYLESS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "huey.contrib.djhuey",
    # Two-factor authentication (apps/accounts/two_factor.py): authenticator-app (TOTP) devices and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "apps.core",
    "apps.accounts",
    "apps.productions",
    "apps.scenes",
    "apps.breakdown",
    "apps.continuity",
    "apps.comments",
    "apps.scripts",
    "apps.media",
    "apps.jobs",
    "apps.realtime",
    "apps.generation",
    "apps.callsheets",
    "apps.notifications",
    "apps.audit",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (settings: "Security").
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # WhiteNoise, with the app's Vite-hashed assets cached for good (apps/core/static_files.py).
    "apps.core.static_files.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request being served, for the audit log's who/from where in services that take no request (apps/audit/context.py).
    "apps.audit.context.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A write under /api/ sent with an Idempotency-Key runs once per user and key; a repeat gets the first answer.
    # Inside the session and authentication middlewares (it needs the user) and outside the next one, which turns a
    # view's exception into a 500 before this one sees the answer (a 500 is not kept).
    "apps.core.idempotency.IdempotencyMiddleware",
    # A member's GET naming its production gets the stream position it was read at (Slate-Stream-Seq): the client
    # subscribes from there instead of fetching everything again (apps/realtime/positions.py).
    "apps.realtime.positions.StreamPositionMiddleware",
    # Each signed-in device's "last seen", at most one write a minute per process, never waiting on Redis (apps/accounts/devices.py).
    "apps.accounts.devices.DeviceSeenMiddleware",
    # Last, so it sees a view's exception first: /api/ answers a bug with JSON 500, in DEBUG too.
    "apps.core.middleware.ApiServerErrorMiddleware",
]

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'slate.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with one process's write transactions taking turns in arrival order instead of
    # polling SQLite's busy handler (a burst of writes was served unfairly: apps/core/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "apps.core.sqlite"
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while the worker writes; a busy timeout instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI every request runs in a thread of its own: persistent connections (CONN_MAX_AGE) pile up one
    # per thread (70 for one daphne under load, past PostgreSQL's default 100). Django's docs ("Databases:
    # connection pool") give psycopg's pool for that: at most DB_POOL_MAX_SIZE connections a process, a
    # request waits up to DB_POOL_TIMEOUT_S for one (then 503 busy).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DB_POOL_TIMEOUT_S", default=10.0),
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["apps.accounts.backends.UsernameOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded media is never served publicly: every file goes through a view that checks membership.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/files/"
# Behind nginx (`make run` with SLATE_WEB_PROCESSES > 1, deploy/nginx/): the file views answer with an empty body and
# `X-Accel-Redirect: <this prefix><path under MEDIA_ROOT>`, and nginx sends the file (ranges included) from its
# `internal` location of that prefix. Empty: the web process streams the file itself.
SLATE_MEDIA_ACCEL_REDIRECT = env.str("SLATE_MEDIA_ACCEL_REDIRECT", default="")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # bigger uploads spill to a temporary file
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# A multipart POST /api/media/ is held in the web process's memory whole (daphne queues every body at once):
# bigger files go through resumable uploads (/api/uploads/, tus), which the browser always uses.
SLATE_MAX_MEDIA_UPLOAD_BYTES = env.int("SLATE_MAX_MEDIA_UPLOAD_BYTES", default=256 * 1024**2)
SLATE_MAX_SCRIPT_UPLOAD_BYTES = env.int("SLATE_MAX_SCRIPT_UPLOAD_BYTES", default=5 * 1024**2)
# Any request body larger than this is refused 413 before it is read (0: the largest upload limit + 1 MiB).
SLATE_MAX_REQUEST_BODY_BYTES = env.int("SLATE_MAX_REQUEST_BODY_BYTES", default=0)
SLATE_MAX_PHOTO_UPLOAD_BYTES = env.int("SLATE_MAX_PHOTO_UPLOAD_BYTES", default=25 * 1024**2)
SLATE_PROXY_MAX_WIDTH = env.int("SLATE_PROXY_MAX_WIDTH", default=1280)
SLATE_FFMPEG_TIMEOUT_S = env.float("SLATE_FFMPEG_TIMEOUT_S", default=6 * 3600)
# Resumable uploads (tus 1.0) of camera files and card ZIPs: whole-file limit, largest accepted PATCH body,
# and how long an unfinished upload is kept before the cleanup task deletes it (seconds).
SLATE_MAX_RESUMABLE_UPLOAD_BYTES = env.int("SLATE_MAX_RESUMABLE_UPLOAD_BYTES", default=256 * 1024**3)
SLATE_UPLOAD_MAX_CHUNK_BYTES = env.int("SLATE_UPLOAD_MAX_CHUNK_BYTES", default=64 * 1024**2)
SLATE_UPLOAD_EXPIRY_S = env.int("SLATE_UPLOAD_EXPIRY_S", default=24 * 3600)
SLATE_UPLOAD_CLEANUP_INTERVAL_S = env.int("SLATE_UPLOAD_CLEANUP_INTERVAL_S", default=15 * 60)
# Camera-card ZIPs: at most this many entries, this many bytes unpacked in all, and this compression ratio
# (uncompressed : compressed) per entry and overall; camera media hardly compresses, a bomb does.
SLATE_ZIP_MAX_ENTRIES = env.int("SLATE_ZIP_MAX_ENTRIES", default=2000)
SLATE_ZIP_MAX_TOTAL_BYTES = env.int("SLATE_ZIP_MAX_TOTAL_BYTES", default=256 * 1024**3)
SLATE_ZIP_MAX_RATIO = env.float("SLATE_ZIP_MAX_RATIO", default=100.0)
# Renditions: tiles in a scrub filmstrip (at most), each this many pixels wide; waveform picture size.
SLATE_FILMSTRIP_MAX_TILES = env.int("SLATE_FILMSTRIP_MAX_TILES", default=100)
SLATE_FILMSTRIP_TILE_WIDTH = env.int("SLATE_FILMSTRIP_TILE_WIDTH", default=160)
SLATE_WAVEFORM_SIZE = env.str("SLATE_WAVEFORM_SIZE", default="1800x120")
# The TrueType font of the slate line burnt into selects reels (Debian's fonts-dejavu-core by default).
SLATE_REEL_FONT = env.str("SLATE_REEL_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")

# --- Redis: channel layer and job queue ---------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default=f"unix://{VAR_DIR / 'redis' / 'redis.sock'}")
REDIS_MAX_CONNECTIONS = env.int("REDIS_MAX_CONNECTIONS", default=1000)
# The channel layer alone may be spread over several Redis servers: channels-redis puts each channel and group on
# one of them by a consistent hash of its name. Comma-separated, the same list in the same order for every web and
# worker process; default REDIS_URL alone. The job queue, cache and presence stay on REDIS_URL.
SLATE_CHANNEL_REDIS_URLS = env.list("SLATE_CHANNEL_REDIS_URLS", default=[]) or [REDIS_URL]

CHANNEL_LAYERS = {
    "default": {
        # Pub/sub layer: measured p99 276 ms vs 1,162 ms for the list-based layer (DESIGN.md).
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": url,
                    # redis-py 8 times reads out after 5 s, killing idle subscribers (channels_redis#422).
                    "socket_timeout": None,
                    # redis-py's asyncio pool raises past its limit instead of waiting.
                    "max_connections": REDIS_MAX_CONNECTIONS,
                }
                for url in SLATE_CHANNEL_REDIS_URLS
            ],
            "prefix": env.str("SLATE_CHANNEL_PREFIX", default="slate"),
        },
    }
}

# Django's cache (DRF's rate limits count here): the same Redis, so every web process shares one count.
# Short socket timeouts: a Redis that does not answer must not hold a sign-in (apps.core.throttling).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] + ":cache",
        "OPTIONS": {"socket_timeout": 1.0, "socket_connect_timeout": 1.0},
    }
}

HUEY = {
    "huey_class": "huey.RedisHuey",
    "name": env.str("SLATE_HUEY_NAME", default="slate"),
    "url": REDIS_URL,
    # djhuey's default is DEBUG: tasks would run inside the web process. Never implicit.
    "immediate": env.bool("HUEY_IMMEDIATE", default=False),
    "results": False,
    "utc": True,
    "consumer": {
        "workers": env.int("HUEY_WORKERS", default=2),
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
        "health_check_interval": 5,
    },
}

# --- Slate behaviour ----------------------------------------------------------------------
SLATE_REPLAY_LIMIT = env.int("SLATE_REPLAY_LIMIT", default=1000)
# How long a stored event's live frame is retried while Redis does not take it (seconds); after that
# the subscribers' gap repair reads it from the event log.
SLATE_LIVE_RETRY_S = env.float("SLATE_LIVE_RETRY_S", default=30.0)
# How often each web process compares its sockets' stream positions with the event log (seconds):
# a socket still behind an event the previous check saw is sent what it missed.
SLATE_STREAM_CHECK_S = env.float("SLATE_STREAM_CHECK_S", default=2.0)
# The ASGI server of the web processes (`manage.py run_web`): uvicorn (faster at fan-out: make bench-live,
# docs/performance.md) or daphne.
SLATE_ASGI_SERVER = env.str("SLATE_ASGI_SERVER", default="uvicorn")
# The proxies whose X-Forwarded-For/-Proto uvicorn believes (its --forwarded-allow-ips: addresses, networks or "*"):
# make run's nginx is on loopback; in docker-compose.yml only nginx reaches the web replicas, so "*".
SLATE_FORWARDED_ALLOW_IPS = env.str("SLATE_FORWARDED_ALLOW_IPS", default="127.0.0.1")
# The web process's garbage collector (project/gc_tuning.py): freeze start-up's objects; generation thresholds.
SLATE_GC_FREEZE = env.bool("SLATE_GC_FREEZE", default=True)
SLATE_GC_THRESHOLD = env.str("SLATE_GC_THRESHOLD", default="10000,10,10")
SLATE_WS_MAX_FRAME_BYTES = env.int("SLATE_WS_MAX_FRAME_BYTES", default=16 * 1024)
SLATE_WS_RATE_PER_S = env.float("SLATE_WS_RATE_PER_S", default=20.0)
SLATE_WS_BURST = env.int("SLATE_WS_BURST", default=60)
SLATE_JOB_PROGRESS_INTERVAL_S = env.float("SLATE_JOB_PROGRESS_INTERVAL_S", default=0.2)
SLATE_JOB_STALE_AFTER_S = env.int("SLATE_JOB_STALE_AFTER_S", default=300)
SLATE_JOB_MAX_ATTEMPTS = env.int("SLATE_JOB_MAX_ATTEMPTS", default=2)


def _served_url() -> str:
    """The address `make run` serves (SLATE_HOST, SLATE_PORT: 127.0.0.1:8000); a wildcard bind is named localhost."""
    host = env.str("SLATE_HOST", default="127.0.0.1").strip() or "127.0.0.1"
    host = "localhost" if host in ("0.0.0.0", "::", "[::]") else host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL (RFC 3986 section 3.2.2)
    return f"http://{host}:{env.int('SLATE_PORT', default=8000)}"


# The browser address emailed links point at; unset, the address the app serves (SLATE_HOST/SLATE_PORT).
SLATE_PUBLIC_URL = env.str("SLATE_PUBLIC_URL", default="") or _served_url()
SLATE_INVITATION_DAYS = env.int("SLATE_INVITATION_DAYS", default=14)  # how long an emailed crew invitation stays valid

# --- AI (apps/generation) -----------------------------------------------------------------
# Without a key the features answer "not configured" (HTTP 503, code `not_configured`); nothing pretends.
ANTHROPIC_API_KEY = env.str("ANTHROPIC_API_KEY", default="")
ANTHROPIC_BASE_URL = env.str("ANTHROPIC_BASE_URL", default="") or None  # a proxy, or the tests' fake server
SLATE_ANTHROPIC_MODEL = env.str("SLATE_ANTHROPIC_MODEL", default="claude-sonnet-4-5")
SLATE_ANTHROPIC_MAX_TOKENS = env.int("SLATE_ANTHROPIC_MAX_TOKENS", default=8000)
# Unset by default: newer models choose their own sampling and refuse the parameter.
SLATE_ANTHROPIC_TEMPERATURE = env.float("SLATE_ANTHROPIC_TEMPERATURE", default=None)
SLATE_ANTHROPIC_TIMEOUT_S = env.float("SLATE_ANTHROPIC_TIMEOUT_S", default=300.0)
FAL_KEY = env.str("FAL_KEY", default="")
SLATE_FAL_MODEL = env.str("SLATE_FAL_MODEL", default="fal-ai/flux/schnell")
SLATE_FAL_TIMEOUT_S = env.float("SLATE_FAL_TIMEOUT_S", default=600.0)
REPLICATE_API_TOKEN = env.str("REPLICATE_API_TOKEN", default="")  # look-development orders on Replicate
# Replicate's HTTP API root (the `replicate` SDK's base_url); the tests point it at their fake server.
SLATE_REPLICATE_BASE_URL = env.str("SLATE_REPLICATE_BASE_URL", default="https://api.replicate.com")
SLATE_REPLICATE_TIMEOUT_S = env.float("SLATE_REPLICATE_TIMEOUT_S", default=600.0)  # one generation item, from submission
SLATE_STORYBOARD_MAX_IMAGES = env.int("SLATE_STORYBOARD_MAX_IMAGES", default=24)
# Most items one generation order may expand into (apps.generation.orders.params), refused before anything is stored.
SLATE_GENERATION_MAX_ITEMS = env.int("SLATE_GENERATION_MAX_ITEMS", default=48)

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Slate <slate@localhost>")

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    # JWT first: an anonymous or expired-token request gets 401 + WWW-Authenticate (refresh and retry).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.DeviceJWTAuthentication",  # simplejwt's, refusing signed-out devices' tokens
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "apps.productions.filters.ScopedFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.AutoSchema",  # declares each operation's error responses
    "EXCEPTION_HANDLER": "apps.core.exceptions.exception_handler",
    "DEFAULT_METADATA_CLASS": "apps.core.metadata.Metadata",
    "DEFAULT_THROTTLE_RATES": {"auth": env.str("SLATE_AUTH_THROTTLE", default="20/min")},  # per address (apps.core.throttling.AddressThrottle)
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Each token carries a hash of the password: a changed password revokes every JWT (apps/accounts/passwords.py).
    "CHECK_REVOKE_TOKEN": True,
}
# A link confirming a new email address works once and for this long (seconds; apps/accounts/email_change.py).
SLATE_EMAIL_CHANGE_TIMEOUT_S = env.int("SLATE_EMAIL_CHANGE_TIMEOUT_S", default=24 * 3600)
# The largest picture one may upload as an avatar (it is kept as a 256 px square WebP: apps/accounts/profile.py).
SLATE_MAX_AVATAR_UPLOAD_BYTES = env.int("SLATE_MAX_AVATAR_UPLOAD_BYTES", default=5 * 1024**2)
# A password reset link works once and for this long (seconds; Django's PasswordResetTokenGenerator).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_S", default=3 * 3600)
# The audit log (apps/audit) keeps entries this many days; a daily Huey task deletes older ones.
SLATE_AUDIT_RETENTION_DAYS = env.int("SLATE_AUDIT_RETENTION_DAYS", default=365)
SPECTACULAR_SETTINGS = {
    "TITLE": "Slate API",
    "DESCRIPTION": "A live shared workspace for film productions.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # `<id:pk>` (apps.core.integers.IdConverter): an id the database can hold.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "ENUM_NAME_OVERRIDES": {
        "SceneStatusEnum": "apps.scenes.models.SceneStatus",
        "ShotStatusEnum": "apps.scenes.models.ShotStatus",
        "PropStatusEnum": "apps.breakdown.models.PropStatus",
        "JobStatusEnum": "apps.jobs.models.JobStatus",
        "MediaStatusEnum": "apps.media.models.MediaStatus",
        "RenditionStatusEnum": "apps.media.models.RenditionStatus",
        "ApprovalStatusEnum": "apps.media.models.ApprovalStatus",
        "UploadStateEnum": "apps.media.models.UploadState",
        "RoleEnum": "apps.productions.models.Role",
        "StripKindEnum": "apps.callsheets.models.StripKind",  # schedule and call sheets
        "CallSheetStatusEnum": "apps.callsheets.models.CallSheetStatus",
        "NotificationKindEnum": "apps.notifications.models.NotificationKind",
        "MediaKindEnum": "apps.media.models.MediaKind",  # with three `kind` choice sets, each needs its name
    },
}

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # Referrer-Policy: Slate's URLs (production ids, tokens) never leave the site
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp 4.x, csp.middleware.CSPMiddleware; docs/architecture.md,
# "Security headers"). Scripts only from Slate's own files: the built app (static/app/index.html) has no inline
# script, and /api/docs/ serves its starter script as a file (SpectacularSwaggerSplitView). Inline <style> is
# allowed: index.html paints its first frame with one and Mantine inserts its CSS variables and colour scheme as
# <style> elements at run time with no nonce (the page is a static file). Styles cannot run code. connect-src
# 'self' covers ws:/wss: to the same host (CSP Level 3, Chromium and Firefox); blob: and data: are the offline
# outbox's photo previews and the downloads made from fetched files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "manifest-src": ["'self'"],
        "frame-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Failed sign-ins per account (apps.core.throttling.AccountLockout): past this many in the window, that login is
# refused with 429 `signin_locked` until the oldest failure leaves the window (DRF's rate format).
SLATE_SIGNIN_LOCKOUT = env.str("SLATE_SIGNIN_LOCKOUT", default="10/hour")
# Two-factor authentication (django-otp; apps/accounts/two_factor.py): the issuer an authenticator app shows next to
# the account in its list (the otpauth:// URI's `issuer`, Google's Key Uri Format).
OTP_TOTP_ISSUER = env.str("SLATE_TOTP_ISSUER", default="Slate")
# Permissions-Policy (django-permissions-policy): the browser features Slate never uses are off for it and for
# anything it might embed; the photo inputs use <input capture>, which needs no camera permission.
PERMISSIONS_POLICY = {
    "accelerometer": [], "autoplay": ["self"], "camera": [], "display-capture": [], "fullscreen": ["self"],
    "geolocation": [], "gyroscope": [], "magnetometer": [], "microphone": [], "midi": [], "payment": [],
    "publickey-credentials-get": [], "screen-wake-lock": [], "usb": [], "xr-spatial-tracking": [],
}
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("SLATE_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "daphne": {"level": "WARNING"},
        "django.channels.server": {"level": "WARNING"},
        "huey": {"handlers": [], "propagate": False},  # run_huey adds its own handler; avoid double lines
    },
}

# --- Notifications (issue 6: in the app, email, Web Push) ---------------------------------
# Email uses the EMAIL_* settings and DEFAULT_FROM_EMAIL above; deep links use SLATE_PUBLIC_URL.
# VAPID (RFC 8292): a P-256 private key as PEM or base64url (raw 32 bytes or DER). Unset: one is
# generated on first use and kept in the database, shared by every web and worker process.
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
# The contact the push services may write to (RFC 8292 section 2.1); default mailto:admin@<public host>.
SLATE_VAPID_SUBJECT = env.str("SLATE_VAPID_SUBJECT", default="")
# Push endpoints are only stored for these hosts (the server POSTs to them: no SSRF). "*.x" = any subdomain of x.
SLATE_PUSH_ALLOWED_HOSTS = env.list("SLATE_PUSH_ALLOWED_HOSTS", default=[
    "fcm.googleapis.com", "updates.push.services.mozilla.com", "*.push.apple.com", "*.notify.windows.com",
])
SLATE_PUSH_ALLOW_INSECURE = env.bool("SLATE_PUSH_ALLOW_INSECURE", default=False)  # http:// endpoints: local fake services only
SLATE_PUSH_TTL_S = env.int("SLATE_PUSH_TTL_S", default=86400)  # how long a push service keeps a message for an offline device
SLATE_PUSH_TIMEOUT_S = env.float("SLATE_PUSH_TIMEOUT_S", default=10.0)
SLATE_PUSH_RETRY_DELAY_S = env.int("SLATE_PUSH_RETRY_DELAY_S", default=30)
SLATE_EMAIL_RETRY_DELAY_S = env.int("SLATE_EMAIL_RETRY_DELAY_S", default=60)
# --- end of notifications ------------------------------------------------------------------

# --- Schedule and call sheets (apps.callsheets) --------------------------------------------
# Day out of days: a cast member is dropped (off the payroll) when the next work day is more than this many
# calendar days after the last one (SAG-AFTRA consecutive employment: 10 in the USA, 14 elsewhere).
SLATE_DOOD_DROP_AFTER_DAYS = env.int("SLATE_DOOD_DROP_AFTER_DAYS", default=10)
# Where the call-sheet PDF finds DejaVuSans.ttf and DejaVuSans-Bold.ttf (else it uses Latin-1 Helvetica).
SLATE_CALLSHEET_FONT_DIR = env.str("SLATE_CALLSHEET_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
# --- end of schedule and call sheets -------------------------------------------------------

# --- Screenplays (apps.scripts, issue 11): what one screenplay may hold ----------------------
# Past these a screenplay is refused (400, or a failed job naming the setting), decided in linear
# time before the heavy work. A feature script is 90-180 pages, ~150 scenes, ~5,000 elements and
# ~8,000 lines; the defaults leave ten times that, except scenes: a version's one transaction
# publishes an event per scene it adds or changes (~1.5 ms each on PostgreSQL), so 500 scenes keep
# it under a second.
SLATE_SCRIPT_MAX_LINES = env.int("SLATE_SCRIPT_MAX_LINES", default=100_000)
SLATE_SCRIPT_MAX_ELEMENTS = env.int("SLATE_SCRIPT_MAX_ELEMENTS", default=50_000)
SLATE_SCRIPT_MAX_SCENES = env.int("SLATE_SCRIPT_MAX_SCENES", default=500)
SLATE_SCRIPT_MAX_PAGES = env.int("SLATE_SCRIPT_MAX_PAGES", default=3_000)
# A diff or export of texts up to this size is made in the request (well under 100 ms, whatever
# the text); a bigger one by a job (the request answers 202 with it), kept under MEDIA_ROOT.
SLATE_SCRIPT_INLINE_MAX_BYTES = env.int("SLATE_SCRIPT_INLINE_MAX_BYTES", default=16 * 1024)
# --- end of screenplays -----------------------------------------------------------------------

# --- metrics (issue 14) ---------------------------------------------------------------------
# Prometheus at /metrics (apps/core/metrics.py, apps/core/metrics_view.py; README, "Metrics"). With a token, a
# scrape must send `Authorization: Bearer <token>`; without one only loopback requests made straight to a web process
# are answered. PROMETHEUS_MULTIPROC_DIR (prometheus-client's own variable, read when it is imported: set it in the
# environment of every web and worker process, the same folder for all processes of one host or container, emptied
# before they start): each process writes its metrics there and /metrics adds them up. Unset: one process's own.
SLATE_METRICS_TOKEN = env.str("SLATE_METRICS_TOKEN", default="")
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
if PROMETHEUS_MULTIPROC_DIR:
    Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)
else:
    import os

    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)  # set but empty would mean "the current folder" to prometheus-client
# django-prometheus: requests by view, method and status, with their latency (the two middlewares around the others),
# and every database query (its backends, and apps.core.sqlite for SQLite).
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
# Prometheus scrapes web processes over plain HTTP on the private network: no redirect to HTTPS for it.
SECURE_REDIRECT_EXEMPT = [*globals().get("SECURE_REDIRECT_EXEMPT", []), r"^metrics$"]
# --- end of metrics -----------------------------------------------------------------------------

# --- Health and logs (issue 14) -------------------------------------------------------------
# /api/ready/ (apps/core/readiness.py): each Redis check waits at most this long (a hung Redis answers 503 fast);
# a worker is alive while its heartbeat (written every SLATE_WORKER_HEARTBEAT_S by run_huey) is at most
# SLATE_READY_WORKER_STALE_S old; the media disk is ready with at least this much free under MEDIA_ROOT.
SLATE_READY_TIMEOUT_S = env.float("SLATE_READY_TIMEOUT_S", default=0.5)
SLATE_WORKER_HEARTBEAT_S = env.float("SLATE_WORKER_HEARTBEAT_S", default=5.0)
# The worker's threads (and the ffmpeg they start) run at this nice value (0-19, `man 2 setpriority`): when web and
# worker share cores, a member's request is answered before a 5 MiB import's next step (apps/jobs/tasks.py).
SLATE_WORKER_NICE = env.int("SLATE_WORKER_NICE", default=10)
SLATE_READY_WORKER_STALE_S = env.float("SLATE_READY_WORKER_STALE_S", default=30.0)
SLATE_READY_MEDIA_MIN_FREE_BYTES = env.int("SLATE_READY_MEDIA_MIN_FREE_BYTES", default=1024**3)
# Log lines: `plain` (readable, the default) or `json` (one object a line, python-json-logger), both with the
# request id (apps/core/logs.py): X-Request-ID in, or a new one; sent back, and carried into events and jobs.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
MIDDLEWARE.insert(0, "apps.core.logs.RequestIdMiddleware")
LOGGING["filters"] = {**LOGGING.get("filters", {}), "request_id": {"()": "apps.core.logs.RequestIdFilter"}}
LOGGING["formatters"]["json"] = {"()": "apps.core.logs.JsonFormatter"}
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
    # The servers', Huey's and Python's warnings' loggers write through the same JSON handler (plain: as before).
    for _name in ("huey", "uvicorn", "uvicorn.error", "uvicorn.access", "py.warnings"):
        LOGGING["loggers"][_name] = {**LOGGING["loggers"].get(_name, {}), "handlers": ["console"], "propagate": False}
    import logging as _logging

    _logging.captureWarnings(True)  # Python's warnings become records of `py.warnings`, so JSON lines too
# --- end of health and logs -------------------------------------------------------------------

# --- Idempotency-Key (issue 15; apps/core/idempotency.py) ----------------------------------------
# A POST/PUT/PATCH/DELETE under /api/ with `Idempotency-Key: <key>` runs at most once per user and key; a repeat is
# answered with the first answer. Answers are kept SLATE_IDEMPOTENCY_KEEP_S (at least a day: an offline tablet's
# outbox may send a change again the next morning); a repeat arriving while the first still runs waits for it up to
# SLATE_IDEMPOTENCY_WAIT_S (then 409 `idempotency_in_progress`); a run that has not finished after
# SLATE_IDEMPOTENCY_STALE_S is taken for a crashed process and a repeat runs the request again.
SLATE_IDEMPOTENCY_KEEP_S = env.int("SLATE_IDEMPOTENCY_KEEP_S", default=24 * 3600)
if SLATE_IDEMPOTENCY_KEEP_S < 24 * 3600:
    raise ImproperlyConfigured("SLATE_IDEMPOTENCY_KEEP_S must be at least 86400 (a day): clients retry for that long.")
SLATE_IDEMPOTENCY_WAIT_S = env.float("SLATE_IDEMPOTENCY_WAIT_S", default=10.0)
SLATE_IDEMPOTENCY_STALE_S = env.float("SLATE_IDEMPOTENCY_STALE_S", default=300.0)
# --- end of Idempotency-Key -------------------------------------------------------------------------

# --- Backups (issue 14) ---------------------------------------------------------------------
# `manage.py backup [PATH]` and `manage.py restore PATH` (apps/core/backup/; README, "Backups"). Without a PATH a
# backup goes into SLATE_BACKUP_DIR as slate-backup-<UTC time>[.tar|.tar.gz] (SLATE_BACKUP_FORMAT: dir, tar or
# tar.gz) and the folder keeps the newest SLATE_BACKUP_KEEP (0: all). With SLATE_BACKUP_CRON too (five crontab
# fields in UTC, e.g. "30 3 * * *") the workers make that backup on schedule (one of them, whatever their number).
SLATE_BACKUP_DIR = env.str("SLATE_BACKUP_DIR", default="")
SLATE_BACKUP_CRON = env.str("SLATE_BACKUP_CRON", default="")
SLATE_BACKUP_KEEP = env.int("SLATE_BACKUP_KEEP", default=7)
SLATE_BACKUP_FORMAT = env.str("SLATE_BACKUP_FORMAT", default="tar.gz")
# PostgreSQL: the folder of pg_dump, pg_restore and psql; empty: the PATH's and the usual install folders', the
# server's major version first (Debian: /usr/lib/postgresql/<major>/bin).
SLATE_PG_BIN_DIR = env.str("SLATE_PG_BIN_DIR", default="")
# The commit a backup's manifest records (an image build can set it); empty: `git rev-parse HEAD` of the checkout.
SLATE_COMMIT = env.str("SLATE_COMMIT", default="")
# --- end of backups -------------------------------------------------------------------------
