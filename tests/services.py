"""Finds the services the test suite can use: PostgreSQL, Redis, Chromium and the Nu HTML
Checker (npm vnu-jar, on Java).

What is missing is skipped with a notice; under CI (CI=true) it is an error instead.
"""

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"


@dataclass
class Services:
    database_url: str = ""
    redis_url: str = ""
    chromium: str = ""
    # The command that runs the Nu HTML Checker, empty when Java or the jar is missing.
    vnu: tuple[str, ...] = ()
    notices: list[str] = field(default_factory=list)


def _postgres_reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def discover() -> Services:
    services = Services()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if database_url.startswith("sqlite"):
        services.notices.append("DATABASE_URL points to SQLite: PostgreSQL-only tests are skipped.")
    elif _postgres_reachable(database_url):
        services.database_url = database_url
    else:
        services.notices.append(f"PostgreSQL is not reachable at {database_url}: using SQLite.")

    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    if _redis_reachable(redis_url):
        services.redis_url = redis_url
    else:
        services.notices.append(f"Redis is not reachable at {redis_url}: tests needing it skip.")

    executable = os.environ.get("CHROMIUM_PATH") or next(
        (found for c in CHROMIUM_CANDIDATES if (found := shutil.which(c))), ""
    )
    if executable:
        services.chromium = executable
    else:
        services.notices.append("Chromium is not installed: browser tests are skipped.")

    java = shutil.which("java")
    if java and VNU_JAR.exists():
        services.vnu = (java, "-jar", str(VNU_JAR))
    else:
        missing = "Java" if not java else f"{VNU_JAR} (npm ci)"
        services.notices.append(f"{missing} is missing: the browser tests' HTML is not validated.")
    return services


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


SERVICES = discover()
if in_ci() and SERVICES.notices:
    raise SystemExit(
        "CI needs PostgreSQL, Redis, Chromium and the Nu HTML Checker, but:\n- "
        + "\n- ".join(SERVICES.notices)
    )
