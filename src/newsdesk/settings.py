"""Django settings, every one of them read from the environment.

The embedded default needs nothing installed: SQLite under var/, a secret key
generated once, mail kept in the database outbox. Production sets DATABASE_URL
(PostgreSQL), SECRET_KEY, NEWSDESK_BASE_URL and EMAIL_URL. Every variable is read
through `env(NAME)`, which takes its default from newsdesk/settings_table.py (the table
the README's configuration table is generated from) and refuses a name not in it.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from newsdesk.core.private_files import make_private, make_sqlite_private, write_private
from newsdesk.settings_table import env

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env("NEWSDESK_VAR_DIR") or Path.cwd() / "var").resolve()


# --- database -------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
# Connections outlive a request (no connect, and on PostgreSQL no authentication, per
# page), and are checked before a request reuses one, so a restarted database server
# costs no failed request.
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "newsdesk.sqlite3",
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the web server read while the worker writes; IMMEDIATE avoids
            # lock-upgrade deadlocks between the two.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": env("NEWSDESK_TEST_SQLITE")}
    _sqlite_file = str(DATABASES["default"]["NAME"])
    if _sqlite_file not in ("", ":memory:") and not _sqlite_file.startswith("file:"):
        # Subscribers and password hashes: readable by the desk's own user alone.
        make_sqlite_private(Path(_sqlite_file))
USING_POSTGRESQL = DATABASES["default"]["ENGINE"].endswith("postgresql")
if USING_POSTGRESQL and env("NEWSDESK_TEST_DATABASE_NAME"):
    # Lets two test runs share one server without fighting over test_<name>.
    DATABASES["default"]["TEST"] = {"NAME": env("NEWSDESK_TEST_DATABASE_NAME")}

# --- secrets and hosts ----------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if USING_POSTGRESQL and not env("NEWSDESK_TESTING"):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With PostgreSQL several machines share one database, "
            "so they must share one key: set SECRET_KEY in the environment of every process."
        )
    key_file = VAR_DIR / "secret_key"
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        write_private(key_file, secrets.token_urlsafe(50))
    make_private(key_file)
    SECRET_KEY = key_file.read_text().strip()

DEBUG = env("NEWSDESK_DEBUG")
NEWSDESK_BASE_URL = env("NEWSDESK_BASE_URL").rstrip("/")
ALLOWED_HOSTS = env("ALLOWED_HOSTS") or [
    urlsplit(NEWSDESK_BASE_URL).hostname or "127.0.0.1",
    "127.0.0.1",
    "localhost",
    "[::1]",
]
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS") or [NEWSDESK_BASE_URL]
NEWSDESK_TRUSTED_PROXIES = env("NEWSDESK_TRUSTED_PROXIES")

# --- applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    # Django's admin on our StaffAdminSite: login throttle, optional TOTP (issue 14).
    "newsdesk.staff.admin_config.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "newsdesk.sources",
    "newsdesk.articles",
    "newsdesk.stories",
    "newsdesk.web",
    "newsdesk.consent",
    "newsdesk.newsletter",
    "newsdesk.staff",
    "newsdesk.operations",
    "newsdesk",
]

MIDDLEWARE = [
    "newsdesk.operations.middleware.OperationsMiddleware",
    # First: forwarding headers are removed unless a trusted proxy sent them (issue 14).
    "newsdesk.core.proxies.TrustedProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "newsdesk.web.middleware.SiteHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified() for the admin
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "newsdesk.web.context.site",
                "newsdesk.newsletter.context.signup_form",
            ],
        },
    }
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- language and time ----------------------------------------------------------------
LANGUAGE_CODE = env("NEWSDESK_LANGUAGE")
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("NEWSDESK_TIME_ZONE")
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not env("NEWSDESK_TESTING")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- cache ----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
    }
    CACHES["images"] = CACHES["default"]
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsdesk_cache",
            # The whole-page cache needs room; the default of 300 entries would cull it.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        # Proxied publisher images: local files in the embedded default only.
        "images": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "image-cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }
NEWSDESK_IMAGE_CACHE = "images"
NEWSDESK_PAGE_CACHE_SECONDS = env("NEWSDESK_PAGE_CACHE_SECONDS")
# Whole pages: each process keeps the pages it served in memory for a few seconds in
# front of the shared cache, never past the shared entry's own expiry (web/local_cache.py).
NEWSDESK_PAGE_CACHE_LOCAL_SECONDS = env("NEWSDESK_PAGE_CACHE_LOCAL_SECONDS")
NEWSDESK_PAGE_CACHE_LOCAL_MB = env("NEWSDESK_PAGE_CACHE_LOCAL_MB")
# An expired page is rendered anew by one request while the others get the old copy.
NEWSDESK_PAGE_CACHE_STALE_SECONDS = env("NEWSDESK_PAGE_CACHE_STALE_SECONDS")
CACHES["pages"] = {
    "BACKEND": "newsdesk.web.local_cache.LocalFirstCache",
    "LOCATION": "pages",
    "OPTIONS": {
        "SHARED": "default",
        "LOCAL_SECONDS": NEWSDESK_PAGE_CACHE_LOCAL_SECONDS,
        "LOCAL_BYTES": NEWSDESK_PAGE_CACHE_LOCAL_MB * 2**20,
        "STALE_SECONDS": NEWSDESK_PAGE_CACHE_STALE_SECONDS,
    },
}

# --- background tasks -----------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("NEWSDESK_TASK_BACKEND"),
        "QUEUES": ["default", "clustering", "mail"],
    }
}

# --- mail -----------------------------------------------------------------------------
EMAIL_URL = env("EMAIL_URL")
DEFAULT_FROM_EMAIL = (
    env("NEWSDESK_FROM_EMAIL")
    or f"Newsdesk <newsdesk@{urlsplit(NEWSDESK_BASE_URL).hostname or 'localhost'}>"
)
# One mailer (Django 6.1's MAILERS; the EMAIL_* settings are deprecated), built from
# EMAIL_URL. The port is always given: without EMAIL_URL's port, smtp+tls:// and
# ?starttls=tls use 25 as they always did (Django alone would pick 587 for use_tls).
if EMAIL_URL:
    _mail = urlsplit(EMAIL_URL)
    _options = parse_qs(_mail.query)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _mail.hostname or "localhost",
                "port": _mail.port or (465 if _mail.scheme == "smtps" else 25),
                "username": unquote(_mail.username or ""),
                "password": unquote(_mail.password or ""),
                "use_ssl": _mail.scheme == "smtps",
                "use_tls": _mail.scheme == "smtp+tls" or "tls" in _options.get("starttls", []),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "newsdesk.newsletter.outbox.OutboxBackend"}}

# --- the guarded HTTP client ----------------------------------------------------------
NEWSDESK_FETCH_ALLOW_NETWORKS = env("NEWSDESK_FETCH_ALLOW_NETWORKS")
NEWSDESK_FETCH_RESOLVE = {
    name.strip(): address.strip()
    for name, _, address in (item.partition("=") for item in env("NEWSDESK_FETCH_RESOLVE"))
    if address
}
NEWSDESK_FETCH_TIMEOUT = env("NEWSDESK_FETCH_TIMEOUT")
NEWSDESK_FETCH_MAX_BYTES = env("NEWSDESK_FETCH_MAX_BYTES")
NEWSDESK_FETCH_MAX_REDIRECTS = env("NEWSDESK_FETCH_MAX_REDIRECTS")
NEWSDESK_FETCH_CONCURRENCY = env("NEWSDESK_FETCH_CONCURRENCY")
NEWSDESK_FETCH_PER_HOST = env("NEWSDESK_FETCH_PER_HOST")

# --- the desk -------------------------------------------------------------------------
NEWSDESK_SITE_NAME = env("NEWSDESK_SITE_NAME")
NEWSDESK_POLL_MIN_SECONDS = env("NEWSDESK_POLL_MIN_SECONDS")
NEWSDESK_POLL_MAX_SECONDS = env("NEWSDESK_POLL_MAX_SECONDS")
NEWSDESK_POLL_BATCH = env("NEWSDESK_POLL_BATCH")
NEWSDESK_POLL_CLAIM_SECONDS = env("NEWSDESK_POLL_CLAIM_SECONDS")
NEWSDESK_STALLED_SECONDS = env("NEWSDESK_STALLED_SECONDS")
NEWSDESK_WEBSUB_LEASE_SECONDS = env("NEWSDESK_WEBSUB_LEASE_SECONDS")
NEWSDESK_STORY_WINDOW_HOURS = env("NEWSDESK_STORY_WINDOW_HOURS")
NEWSDESK_STORY_SETTLE_MINUTES = env("NEWSDESK_STORY_SETTLE_MINUTES")
NEWSDESK_EXCERPT_CHARS = env("NEWSDESK_EXCERPT_CHARS")
NEWSDESK_DIGEST_HOUR = env("NEWSDESK_DIGEST_HOUR")
NEWSDESK_CONFIRM_MAX_AGE = env("NEWSDESK_CONFIRM_MAX_AGE")

# --- newsletter (docs/newsletter.md explains each) -------------------------------------
NEWSDESK_PREFERENCES_MAX_AGE = env("NEWSDESK_PREFERENCES_MAX_AGE")
NEWSDESK_CONSENT_FORM_VERSION = env("NEWSDESK_CONSENT_FORM_VERSION")
NEWSDESK_SIGNUP_MIN_SECONDS = env("NEWSDESK_SIGNUP_MIN_SECONDS")
NEWSDESK_SIGNUP_LIMIT_IP = env("NEWSDESK_SIGNUP_LIMIT_IP")
NEWSDESK_SIGNUP_LIMIT_ADDRESS = env("NEWSDESK_SIGNUP_LIMIT_ADDRESS")
NEWSDESK_SIGNUP_LIMIT_DOMAIN = env("NEWSDESK_SIGNUP_LIMIT_DOMAIN")
NEWSDESK_CONFIRMATIONS_PER_DAY = env("NEWSDESK_CONFIRMATIONS_PER_DAY")
NEWSDESK_BLOCKED_DOMAINS = env("NEWSDESK_BLOCKED_DOMAINS")
NEWSDESK_BLOCK_DISPOSABLE = env("NEWSDESK_BLOCK_DISPOSABLE")
NEWSDESK_SIGNUP_POW_BITS = env("NEWSDESK_SIGNUP_POW_BITS")
# A new subscriber's first digest waits this long for the choices of the confirmed page
# (saving them sends it at once).
NEWSDESK_FIRST_DIGEST_DELAY = env("NEWSDESK_FIRST_DIGEST_DELAY")
NEWSDESK_DIGEST_MAX_STORIES = env("NEWSDESK_DIGEST_MAX_STORIES")
NEWSDESK_BREAKING_PUBLISHERS = env("NEWSDESK_BREAKING_PUBLISHERS")
NEWSDESK_MAIL_CONCURRENCY = env("NEWSDESK_MAIL_CONCURRENCY")
NEWSDESK_MAIL_RATE = env("NEWSDESK_MAIL_RATE")
NEWSDESK_MAIL_MAX_ATTEMPTS = env("NEWSDESK_MAIL_MAX_ATTEMPTS")
NEWSDESK_MAIL_CLAIM_SECONDS = env("NEWSDESK_MAIL_CLAIM_SECONDS")
NEWSDESK_DIGEST_RUN_SECONDS = env("NEWSDESK_DIGEST_RUN_SECONDS")
NEWSDESK_BOUNCE_DOMAIN = env("NEWSDESK_BOUNCE_DOMAIN")
NEWSDESK_BOUNCE_LOCALPART = env("NEWSDESK_BOUNCE_LOCALPART")
NEWSDESK_UNSUBSCRIBE_LOCALPART = env("NEWSDESK_UNSUBSCRIBE_LOCALPART")
NEWSDESK_FEEDBACK_LOCALPART = env("NEWSDESK_FEEDBACK_LOCALPART")
NEWSDESK_SOFT_BOUNCE_LIMIT = env("NEWSDESK_SOFT_BOUNCE_LIMIT")
NEWSDESK_DKIM_KEY_FILE = env("NEWSDESK_DKIM_KEY_FILE")
NEWSDESK_DKIM_PRIVATE_KEY = env("NEWSDESK_DKIM_PRIVATE_KEY")
NEWSDESK_DKIM_SELECTOR = env("NEWSDESK_DKIM_SELECTOR")
NEWSDESK_DKIM_DOMAIN = env("NEWSDESK_DKIM_DOMAIN")
NEWSDESK_WEBHOOK_SECRET = env("NEWSDESK_WEBHOOK_SECRET")
NEWSDESK_WEBHOOK_MAX_AGE = env("NEWSDESK_WEBHOOK_MAX_AGE")
NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY = env("NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY")
NEWSDESK_POSTMARK_WEBHOOK_USERNAME = env("NEWSDESK_POSTMARK_WEBHOOK_USERNAME")
NEWSDESK_POSTMARK_WEBHOOK_PASSWORD = env("NEWSDESK_POSTMARK_WEBHOOK_PASSWORD")
NEWSDESK_SES_WEBHOOK_USERNAME = env("NEWSDESK_SES_WEBHOOK_USERNAME")
NEWSDESK_SES_WEBHOOK_PASSWORD = env("NEWSDESK_SES_WEBHOOK_PASSWORD")

# --- processes: `newsdesk run` gives up on a child that dies more often than this --------
NEWSDESK_RESTART_LIMIT = env("NEWSDESK_RESTART_LIMIT")

# --- staff: the admin's login (issue 14; newsdesk/staff/) ------------------------------
# Failed logins per (user name, client) before logins for that pair are refused with 429
# for the same number of seconds.
NEWSDESK_ADMIN_LOGIN_LIMIT = env("NEWSDESK_ADMIN_LOGIN_LIMIT")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env("NEWSDESK_PASSWORD_MIN_LENGTH")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Two-factor authentication (django-otp) is optional per account; authenticator apps show
# this name beside the code. (The admin shows a device's QR code to superusers.)
OTP_TOTP_ISSUER = NEWSDESK_SITE_NAME

# --- consent: non-essential services an operator enables (none by default) -------------
# A JSON list; each service declares its purpose, the hosts it loads from and its cookies
# with their durations (see the README). With none declared, no banner is shown.
NEWSDESK_SERVICES = env("NEWSDESK_SERVICES") or []
NEWSDESK_CONSENT_POLICY_VERSION = env("NEWSDESK_CONSENT_POLICY_VERSION")

# --- security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
_tls = NEWSDESK_BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _tls
SECURE_HSTS_SECONDS = 31536000 if _tls else 0
# Believed only from NEWSDESK_TRUSTED_PROXIES: core.proxies.TrustedProxyHeadersMiddleware
# removes X-Forwarded-* from every other peer's requests (and `serve` tells gunicorn the same).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NEWSDESK_TRUSTED_PROXIES else None
X_FRAME_OPTIONS = "DENY"

# --- operations: health, metrics, logs, retention (docs/deploy.md) ----------------------
# Every process of a machine counts into this directory (prometheus-client's multiprocess
# mode); /metrics on any web process of the machine adds the counts up. Set before
# anything imports prometheus_client, which reads it once.
NEWSDESK_METRICS_DIR = Path(
    env("PROMETHEUS_MULTIPROC_DIR") or env("NEWSDESK_METRICS_DIR") or VAR_DIR / "metrics"
).resolve()
NEWSDESK_METRICS_DIR.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(NEWSDESK_METRICS_DIR)
# /metrics answers these networks, and anyone with the bearer token (unset: nobody else).
NEWSDESK_METRICS_ALLOW_NETWORKS = env("NEWSDESK_METRICS_ALLOW_NETWORKS")
NEWSDESK_METRICS_TOKEN = env("NEWSDESK_METRICS_TOKEN")

# Retention (operations/retention.py): full article text, finished task rows, the delivery
# log and the mail logs. The text must outlive the story window: clustering reads it.
NEWSDESK_RETAIN_TEXT_DAYS = env("NEWSDESK_RETAIN_TEXT_DAYS")
if NEWSDESK_RETAIN_TEXT_DAYS * 24 <= NEWSDESK_STORY_WINDOW_HOURS:
    raise ImproperlyConfigured(
        f"NEWSDESK_RETAIN_TEXT_DAYS={NEWSDESK_RETAIN_TEXT_DAYS}: the text must be kept longer "
        f"than the story window (NEWSDESK_STORY_WINDOW_HOURS={NEWSDESK_STORY_WINDOW_HOURS}), "
        "since clustering compares it"
    )
NEWSDESK_RETAIN_TASKS_DAYS = env("NEWSDESK_RETAIN_TASKS_DAYS")
NEWSDESK_RETAIN_FAILED_TASKS_DAYS = env("NEWSDESK_RETAIN_FAILED_TASKS_DAYS")
NEWSDESK_RETAIN_DELIVERIES_DAYS = env("NEWSDESK_RETAIN_DELIVERIES_DAYS")
if NEWSDESK_RETAIN_DELIVERIES_DAYS <= 7:
    raise ImproperlyConfigured(
        f"NEWSDESK_RETAIN_DELIVERIES_DAYS={NEWSDESK_RETAIN_DELIVERIES_DAYS}: deliveries must "
        "be kept longer than a week, the longest an edition takes new subscribers"
    )
NEWSDESK_RETAIN_LOGS_DAYS = env("NEWSDESK_RETAIN_LOGS_DAYS")

NEWSDESK_LOG_FORMAT = env("NEWSDESK_LOG_FORMAT").lower()
if NEWSDESK_LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(
        f"NEWSDESK_LOG_FORMAT={NEWSDESK_LOG_FORMAT!r}: expected 'plain' or 'json'"
    )
LOG_FORMATTERS = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    # One JSON object per line: time (ISO 8601, UTC), level, logger, message, process,
    # plus any `extra` fields of the call.
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(levelname)s %(name)s %(message)s %(process)d",
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": "time",
    },
}
# INFO summarises (a line per poll round, per digest run that did something); DEBUG has the
# details, among them django.tasks' two lines per task (started, finished: failures stay
# at ERROR). The worker sets django.tasks' level itself, so a filter holds them back.
NEWSDESK_LOG_LEVEL = env("NEWSDESK_LOG_LEVEL").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"selected": LOG_FORMATTERS[NEWSDESK_LOG_FORMAT]},
    "filters": {
        "task_details": {
            "()": "newsdesk.core.logs.BelowLevelFrom",
            "names": ["django.tasks"],
            "level": "DEBUG" if NEWSDESK_LOG_LEVEL == "DEBUG" else "WARNING",
        },
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "selected",
                   "filters": ["task_details"]},
    },
    "root": {"handlers": ["stderr"], "level": NEWSDESK_LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
