"""Settings for the test suite: the real ones, on the services that tests/services.py found."""

import os

from tests.services import SERVICES

os.environ["DEBUG"] = "false"
os.environ["SECRET_KEY"] = "test-secret-key-" + "x" * 50
os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
os.environ["SITE_URL"] = "https://beweqo.test"
os.environ["DATABASE_URL"] = SERVICES.database_url
os.environ["REDIS_URL"] = SERVICES.redis_url
os.environ.pop("SMTP_HOST", None)

from beweqo.settings import *  # noqa: F403

# One test database per run, so that two runs on one machine do not drop each other's.
if SERVICES.database_url:
    DATABASES["default"]["TEST"] = {"NAME": f"test_beweqo_{os.getpid()}"}  # noqa: F405

# Keys of one run only, so that two runs sharing the Redis database do not see (or clear,
# tests/conftest.py) each other's rate limits and catalogue tokens.
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405

# A thread of its own would not see a test's uncommitted data: tests build the catalogue
# index in the request (tests/offerings/test_index.py turns the thread on where it commits).
CATALOGUE_INDEX_REBUILD_IN_BACKGROUND = False

# Whole-page caching off, so that tests which change data inside a transaction (no commit,
# so no new data version) see their change; tests/common/test_page_cache.py turns it on.
PAGE_CACHE = False

# Tests talk plain HTTP to the test client and the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Static files straight from the finders: no collectstatic run before the tests.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
PRIVATE_FILES_ROOT = BASE_DIR / "var" / "test-private"  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run inline unless a test starts a real worker (tests/beweqo/test_celery.py).
CELERY_TASK_ALWAYS_EAGER = True

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
