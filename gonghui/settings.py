"""Settings for gonghui, read from environment variables (see docs/configuration.md)."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GONGHUI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The shared data folder sits beside the checkout; /work/shared/data is where the
# team's machines and CI keep it when the checkout lives elsewhere.
SHARED_DATA_DIR = Path(
    os.environ.get("GONGHUI_SHARED_DATA")
    or next(
        (p for p in [BASE_DIR.parent / "shared" / "data", Path("/work/shared/data")] if p.exists()),
        BASE_DIR.parent / "shared" / "data",
    )
)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def dev_secret(name: str, make) -> str:
    """Return a development secret kept in var/, creating it on first use."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = dev_secret("secret_key", lambda: secrets.token_urlsafe(50))

# Comma-separated Fernet keys; the first encrypts, all decrypt (key rotation).
GONGHUI_PII_KEY = os.environ.get("GONGHUI_PII_KEY", "")
if not GONGHUI_PII_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("GONGHUI_PII_KEY is required when DEBUG is off")
    from cryptography.fernet import Fernet

    GONGHUI_PII_KEY = dev_secret("pii_key", lambda: Fernet.generate_key().decode())

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.orgs",
    "gonghui.accounts",
    "gonghui.appeals",
    "gonghui.stations",
    "gonghui.members",
    "gonghui.triage",
    "gonghui.knowledge",
    "gonghui.warnings",
    "gonghui.rights",
    "gonghui.surveys",
    "gonghui.care",
    "gonghui.h5",
    "gonghui.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gonghui.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (static files come compressed ahead of time), before anything that
    # reads or writes the body.
    "gonghui.core.middleware.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale (its refusals are translated), before anything reads the body.
    "gonghui.core.request_guard.RequestGuard",
    "gonghui.core.middleware.ApiErrorsAsJson",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A 404 inside the console shows the console's page (menu kept), DEBUG or not.
    "gonghui.core.middleware.ConsoleNotFound",
    "gonghui.core.replica.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context_processors.console",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Behind a pooler in transaction mode (pgbouncer) a server connection is shared between
# clients from one transaction to the next: no server-side cursors, no prepared
# statements kept on it (docs/scaling.md, "The topology").
if env_bool("DATABASE_POOLER", False):
    DISABLE_SERVER_SIDE_CURSORS = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A streaming replica for reads that tolerate a little staleness (gonghui/core/replica.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["gonghui.core.replica.ReplicaRouter"]
GONGHUI_REPLICA_MAX_LAG = float(os.environ.get("GONGHUI_REPLICA_MAX_LAG", "5"))
# GET paths whose reads may be a few seconds old: dashboards, rankings, statistics and
# the knowledge and station searches.
GONGHUI_REPLICA_PATHS = [
    r"^/console/appeals/dashboard",
    r"^/console/members/stats",
    r"^/console/stations/coverage",
    r"^/console/orgs/coverage",
    r"^/api/v1/appeals/metrics",
    r"^/api/v1/appeals/ranking",
    r"^/api/v1/appeals/hot-topics",
    r"^/api/v1/knowledge/search",
    r"^/api/v1/stations/nearby",
    r"^/api/v1/stations/coverage",
    r"^/api/v1/members/stats",
    r"^/api/v1/rights/stats",
    r"^/api/v1/care/stats",
    r"^/h5/stations/$",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("GONGHUI_MEDIA_DIR", VAR_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Whole request bodies, refused from Content-Length before they are read (core.request_guard):
# the API takes JSON only; pages take uploads (5 attachments of 10 MB, an 8 MB photo).
GONGHUI_API_MAX_BODY_BYTES = int(os.environ.get("GONGHUI_API_MAX_BODY_BYTES", str(1024 * 1024)))
GONGHUI_MAX_REQUEST_BYTES = int(os.environ.get("GONGHUI_MAX_REQUEST_BYTES", str(56 * 1024 * 1024)))

# Only the hashed names are kept and compressed (half the work of collectstatic); every
# reference goes through {% static %}, so nothing asks for an unhashed name.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# SMS transport: "console" writes to stdout and var/sms.log (development).
GONGHUI_SMS_BACKEND = os.environ.get("GONGHUI_SMS_BACKEND", "gonghui.core.sms.ConsoleFileSMS")
GONGHUI_SMS_LOG = Path(os.environ.get("GONGHUI_SMS_LOG", VAR_DIR / "sms.log"))
# The one signature every text message carries (the carriers register one per sender);
# added by core.sms.send_sms, so no message text writes it.
GONGHUI_SMS_SIGNATURE = os.environ.get("GONGHUI_SMS_SIGNATURE", "【北京市总工会】")
# Seconds after which another worker takes over a message a dead worker had claimed.
GONGHUI_OUTBOX_CLAIM_SECONDS = int(os.environ.get("GONGHUI_OUTBOX_CLAIM_SECONDS", "120"))
# Public nearby-station searches allowed per IP per minute (docs/configuration.md).
GONGHUI_NEARBY_PER_MINUTE = int(os.environ.get("GONGHUI_NEARBY_PER_MINUTE", "120"))
# Open311 requests per IP per minute (docs/open311.md).
GONGHUI_OPEN311_PER_MINUTE = int(os.environ.get("GONGHUI_OPEN311_PER_MINUTE", "120"))
# Optional raster tiles under the find-a-station map ({z}/{x}/{y}; see docs/stations.md).
GONGHUI_MAP_TILE_URL = os.environ.get("GONGHUI_MAP_TILE_URL", "")
GONGHUI_MAP_TILE_CRS = os.environ.get("GONGHUI_MAP_TILE_CRS", "gcj02")
GONGHUI_MAP_TILE_ATTRIBUTION = os.environ.get("GONGHUI_MAP_TILE_ATTRIBUTION", "")

# Triage model file (trained by `manage.py train_triage`, or on first use when missing).
TRIAGE_MODEL_PATH = Path(
    os.environ.get("GONGHUI_TRIAGE_MODEL", VAR_DIR / "triage" / "model.joblib")
)
# Early-warning thresholds (docs/warnings.md lists every key and its default).
GONGHUI_WARNINGS = {
    "interval_minutes": int(os.environ.get("WARNING_INTERVAL_MINUTES", "60")),
    "employer_min_appeals": int(os.environ.get("WARNING_EMPLOYER_MIN_APPEALS", "3")),
    "employer_window_days": int(os.environ.get("WARNING_EMPLOYER_WINDOW_DAYS", "7")),
    "surge_alpha": float(os.environ.get("WARNING_SURGE_ALPHA", "0.001")),
}

# Login throttling: failures of one account from one IP (and of any account from one IP)
# within the window lock that pair (that IP) out; the account holder gets a notice once
# the account's failures from anywhere reach LOGIN_NOTICE_AFTER (docs/access.md).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "30"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
LOGIN_NOTICE_AFTER = int(os.environ.get("LOGIN_NOTICE_AFTER", "5"))
STAFF_TOKEN_HOURS = int(os.environ.get("STAFF_TOKEN_HOURS", "12"))
WORKER_TOKEN_DAYS = int(os.environ.get("WORKER_TOKEN_DAYS", "30"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


def content_security_policy(tile_url: str) -> str:
    """Return the Content-Security-Policy sent on every response (gonghui/core/middleware.py).

    Styles may be inline: ECharts and Swagger UI write style attributes, and with img-src
    and connect-src held to our origin an injected style cannot send anything away. Map
    tiles, when a deployment has a tile server, come from its host.
    """
    tiles = urlsplit(tile_url)
    tile_origin = f"{tiles.scheme}://{tiles.netloc}" if tiles.scheme and tiles.netloc else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            " ".join(filter(None, ["img-src 'self' data:", tile_origin])),
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy(GONGHUI_MAP_TILE_URL)
# The find-a-station page and the appeal form ask for the position; nothing else is used.
PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)

if not DEBUG:
    # `make run` serves the demo with DEBUG off on plain http://127.0.0.1, so the
    # HTTPS-only settings each have an override (scripts/serve sets them; docs/configuration.md).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Off only for plain HTTP on loopback (the black-box tests): a client never sends a
    # Secure cookie over http, so console sign-in would not stick.
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
