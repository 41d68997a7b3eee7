"""Settings of the BeWeQO portal, read from environment variables (see .env.example).

With no DATABASE_URL and REDIS_URL the portal runs on an embedded default: SQLite, Celery
tasks executed inline, a local memory cache and mail printed to the console.
"""

import ipaddress
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from beweqo.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "insecure-development-key-only-for-debug"
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"

# The absolute address of the portal, used for links in emails and feeds.
SITE_URL = env_url("SITE_URL", schemes=("http", "https")) or "http://127.0.0.1:8000"
SITE_NAME = "BeWeQO"

INSTALLED_APPS = [
    "beweqo.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    "beweqo",
    "common",
    "outbox",
    "network",
    "offerings",
    "events",
    "counselling",
    "workgroups",
    "news",
    "steering",
    "portal",
]

MIDDLEWARE = [
    "common.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (static files come precompressed from WhiteNoise). Django pads each
    # response with random bytes against BREACH, which matters as pages carry CSRF tokens.
    # Shared public pages come compressed once from common.pagecache: they hold no secret.
    "django.middleware.gzip.GZipMiddleware",
    # Shared public pages (common.pagecache): answered here for visitors without a session.
    "common.pagecache.SharedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "beweqo.middleware.StaffSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # NUL and broken text in the path, query or form: a 400 here, not a 500 in PostgreSQL.
    "common.middleware.RejectBadTextMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "beweqo.urls"
WSGI_APPLICATION = "beweqo.wsgi.application"
ASGI_APPLICATION = "beweqo.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "beweqo.context_processors.portal",
                "beweqo.context_processors.languages",
            ],
        },
    },
]
FORM_RENDERER = "common.forms.PortalFormRenderer"

# Database: PostgreSQL through DATABASE_URL, else an SQLite file next to the code.
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache (shared by allauth's rate limits) and Celery broker, when configured.
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's backend, reusing its redis-py clients (common.cache says why).
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "beweqo",
            # A Redis that is gone or hangs costs a page at most two seconds, not forever:
            # callers such as the rate limits and the search log carry on without it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# After another process changed the catalogue, answer from the previous index while a thread
# builds the new one (offerings.index).
CATALOGUE_INDEX_REBUILD_IN_BACKGROUND = True
# Rendered fragments of the catalogue (course cards), per process: their keys carry the
# catalogue index's token, so a change to the data makes new keys rather than stale hits.
# Whole public pages for anonymous visitors in the default cache (common.pagecache): how
# long one is kept at most (writes replace it at once through the data versions) and how
# long a reverse proxy may keep it (browsers ask again every time: max-age=0).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_TIMEOUT = env_int("PAGE_CACHE_TIMEOUT", 600, minimum=1)
PAGE_CACHE_SHARED_MAX_AGE = env_int("PAGE_CACHE_SHARED_MAX_AGE", 60, minimum=0)
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 6 * 3600,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task while Redis is down must not wait: kombu takes max_retries
# and the intervals from here when a publish opens its connection (else it retries for
# about six seconds, even with retry=False); redis-py gives up on a host that does not
# answer the connect after socket_connect_timeout, and on a Redis that accepts but hangs
# after socket_timeout (else a publish waits forever). The outbox's sweeper sends what was
# not queued. The worker's own reconnecting follows broker_connection_max_retries.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}

AUTH_USER_MODEL = "network.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "network.validators.MaximumLengthPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:my_area"

# The client's address (common/clientip.py), for every rate limit, allauth's included
# (network.adapters), and the access log: X-Forwarded-For is read from the right, one entry
# per reverse proxy of ours; optionally only from proxies inside these networks.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
TRUSTED_PROXY_NETWORKS = env_list("TRUSTED_PROXY_NETWORKS")
for _network in TRUSTED_PROXY_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_NETWORKS: {_network!r} is not a network (e.g. 10.0.0.0/8)."
        ) from None

# django-allauth: the email address is the login, and it must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[BeWeQO] "
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "BeWeQO"
# The second factor before personal data: views marked with common.twofactor.personal_data.

# Staff sessions: 30 minutes idle, 12 hours at most. Others keep Django's defaults.
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
STAFF_SESSION_MAX_SECONDS = env_int("STAFF_SESSION_MAX_SECONDS", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "de"
# German is the portal's language and keeps its addresses without a prefix; English lives
# under /en/ (beweqo/urls.py). The names are each language's own, as the switcher shows them.
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates follow the active language: named formats (DATE_FORMAT, LONG_DATETIME_FORMAT, ...)
# per language in beweqo/formats/<lang>/formats.py; templates never hard-code a pattern.
FORMAT_MODULE_PATH = ["beweqo.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Upload limits: request bodies and single files; logos have their own, smaller limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
LOGO_MAX_BYTES = 2 * 1024 * 1024

# Mail: SMTP when SMTP_HOST is set, otherwise printed to the console.
SMTP_HOST = env_str("SMTP_HOST")
if SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": env_int("SMTP_PORT", 587, minimum=1),
                "username": env_str("SMTP_USER"),
                "password": env_str("SMTP_PASSWORD"),
                "use_tls": env_bool("SMTP_STARTTLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BeWeQO <portal@beweqo.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
NETWORK_OFFICE_EMAIL = env_str("NETWORK_OFFICE_EMAIL", "geschaeftsstelle@beweqo.example")

# Security headers. Inline scripts and styles are not allowed anywhere: every script
# carries the request's nonce, styles come from files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # No inline scripts at all, so no nonce: shared cached pages (common.pagecache) cannot
    # carry one per answer. JSON-LD data blocks are not run and need none.
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz and /readyz answer probes over plain HTTP inside the deployment.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Outbox, course alerts and digests (issue 7) ----------------------------------------
# Every mail goes through outbox: a row first, then a Celery task delivers it.
ACCOUNT_ADAPTER = "network.adapters.AccountAdapter"
# Task modules that are not an app's tasks.py (autodiscovery finds only those).
CELERY_IMPORTS = [
    "offerings.alerts.tasks",
    "counselling.wishes.tasks",
    "counselling.joint.tasks",
]
# Attempts per message before a temporary failure counts as final.
OUTBOX_MAX_ATTEMPTS = 8
# Back-off: 1, 2, 4 … minutes, capped well below the Redis visibility timeout (1 hour),
# because a longer countdown would be delivered twice.
OUTBOX_RETRY_BASE_SECONDS = 60
OUTBOX_RETRY_MAX_SECONDS = 30 * 60
# A queued message not picked up for this long is queued again by the sweeper.
OUTBOX_STALE_SECONDS = 10 * 60
# A delivery interrupted for this long is flagged for the network office, not resent.
OUTBOX_SENDING_TIMEOUT = 15 * 60
# An open SMTP connection is reused by a worker thread for this many idle seconds.
OUTBOX_CONNECTION_REUSE = 30
# Mails of a digest run per delivery task (outbox.send_many), sent over one connection.
OUTBOX_SEND_BATCH = 100
# Mails of such a batch claimed together (one disk flush); a worker killed mid-batch
# leaves at most this many flagged for the network office, of which only two may have left.
OUTBOX_CLAIM_CHUNK = 20
# Delivered mail is deleted after this many days.
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 90, minimum=1)

# Issue 22: an offer not reviewed for this many months leaves the catalogue (after two
# reminders, a month and two weeks before), and a rolling or on-demand date not confirmed
# for as long no longer counts as open.
OFFER_REVIEW_MONTHS = env_int("OFFER_REVIEW_MONTHS", 12, minimum=2)

# Celery beat, in CELERY_TIMEZONE (Europe/Berlin).
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "outbox.sweep", "schedule": 5 * 60},
    "outbox-purge": {"task": "outbox.purge", "schedule": crontab(hour=3, minute=15)},
    "course-alerts-purge-unconfirmed": {
        "task": "offerings.course_alerts_purge_unconfirmed",
        "schedule": crontab(hour=3, minute=30),
    },
    "course-alert-digests-daily": {
        "task": "offerings.course_alert_digests_send",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    # Issue 15: imports nobody committed within a week are closed and their files deleted.
    "import-jobs-purge": {
        "task": "offerings.import_jobs_purge",
        "schedule": crontab(hour=3, minute=20),
    },
    # Issue 4: offers needing attention, to each institution's editors, once a month.
    "offer-freshness-reminders-monthly": {
        "task": "offerings.freshness_reminders_send",
        "schedule": crontab(hour=6, minute=30, day_of_month="1"),
    },
    # Issue 22: the two reminders before an offer leaves the catalogue unreviewed.
    "offer-review-reminders-daily": {
        "task": "offerings.review_reminders_send",
        "schedule": crontab(hour=6, minute=45),
    },
    "course-alert-digests-weekly": {
        "task": "offerings.course_alert_digests_send",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "args": ("weekly",),
    },
    # The bodies' weekly mails (issue 7): each member's digest, then the steering circle's
    # summary of the past week, Mondays before the working day starts.
    "workgroup-digests-weekly": {
        "task": "workgroups.digests_send",
        "schedule": crontab(hour=7, minute=15, day_of_week="mon"),
    },
    "steering-summary-weekly": {
        "task": "steering.summary_send",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    # Issue 8: the catalogue's search counts, from Redis into offerings.SearchDay, and the
    # dashboard's preset periods counted anew where their data changed.
    "search-log-flush": {"task": "offerings.search_log_flush", "schedule": 10 * 60},
    "dashboard-presets-refresh": {
        "task": "steering.dashboard_presets_refresh",
        "schedule": 10 * 60,
    },
}

# --- Counselling (issue 6) -----------------------------------------------------------------
# Closed counselling requests (and met company needs) are anonymised after this many days.
COUNSELLING_ANONYMISE_AFTER_DAYS = env_int("COUNSELLING_ANONYMISE_AFTER_DAYS", 183, minimum=1)
# Open requests nobody touched for this many days are reported to the network office.
COUNSELLING_ESCALATE_AFTER_DAYS = env_int("COUNSELLING_ESCALATE_AFTER_DAYS", 30, minimum=1)
CELERY_BEAT_SCHEDULE |= {
    "counselling-anonymise": {
        "task": "counselling.requests_anonymise_closed",
        "schedule": crontab(hour=2, minute=30),
    },
    "counselling-escalate": {
        "task": "counselling.requests_escalate_untouched",
        "schedule": crontab(hour=8, minute=0),
    },
    # Issue 21: course wishes' addresses, once told, unconfirmed or a year old.
    "counselling-course-wishes-retain": {
        "task": "counselling.course_wishes_retain",
        "schedule": crontab(hour=2, minute=40),
    },
    # Issue 21: the safety net of "told once" for courses published without the signal
    # (the admin); before the retention, which then removes the told wishes' addresses.
    "counselling-joint-measures-tell": {
        "task": "counselling.joint_measures_tell_published",
        "schedule": crontab(hour=2, minute=20),
    },
}

# --- News and newsletter (issue 9) ------------------------------------------------------------
NEWS_IMAGE_MAX_BYTES = 5 * 1024 * 1024
CELERY_BEAT_SCHEDULE |= {
    # A send interrupted (worker killed, broker down when it was queued) goes on from where
    # it stopped; the delivery claims keep it from mailing anyone twice.
    "newsletter-resume": {"task": "news.newsletter_issues_resume", "schedule": 15 * 60},
    "newsletter-purge-unconfirmed": {
        "task": "news.newsletter_purge_unconfirmed",
        "schedule": crontab(hour=3, minute=45),
    },
}

# --- Events calendar (issue 9) --------------------------------------------------------------
CELERY_BEAT_SCHEDULE |= {
    # Names and addresses of event registrations, 30 days after the event.
    "event-registrations-erase": {
        "task": "events.registrations_erase",
        "schedule": crontab(hour=3, minute=50),
    },
    # The day before an event, a reminder to everybody with a seat.
    "event-reminders": {
        "task": "events.reminders_send",
        "schedule": crontab(hour=9, minute=0),
    },
}
