"""What the benchmarks that start the portal share: its environment, the large catalogue,
and gunicorn started as docker-compose's web service runs it, on a loopback port."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "beweqo.settings",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "BEHIND_TLS_PROXY": "false",
    "SITE_URL": "http://127.0.0.1",
    "LOG_LEVEL": "WARNING",
}


def catalogue_prepare(offers: int, skip_seed: bool) -> None:
    """Migrate, collect the static files and, unless the benchmark catalogue (seed_large)
    already holds about `offers` offers, fill it; fresh bulk data is analysed so that the
    planner has statistics, as a database in use would."""
    from django.core.management import call_command
    from django.db import connection

    from offerings.models import Offer

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    count = Offer.objects.filter(institution__slug__startswith="bench-").count()
    if not skip_seed and abs(count - offers) > offers // 100:
        print(f"Filling the benchmark catalogue (seed_large --offers {offers}) …", flush=True)
        call_command("load_places", verbosity=0)
        call_command("seed_large", "--force", "--offers", str(offers), verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(port: int, *, workers: int | None = None, log: Path | None = None):
    """gunicorn with the project's gunicorn.conf.py (read from the working directory, as in
    the image's /app); `workers` sets WEB_CONCURRENCY as a deployment would. Returns the
    process once /healthz answers; exits with gunicorn's error output if it stops."""
    environment = os.environ | ENVIRONMENT
    if workers:
        environment["WEB_CONCURRENCY"] = str(workers)
    command = [sys.executable, "-m", "gunicorn", "beweqo.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    if log is not None:
        command += ["--access-logfile", str(log)]
    errors = log.with_suffix(".err") if log is not None else None
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=errors.open("w") if errors is not None else None,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.1)
        if server.poll() is not None:
            sys.exit(errors.read_text() if errors is not None else "gunicorn stopped")
    gunicorn_stop(server)
    sys.exit("gunicorn did not answer within 30 seconds")


def gunicorn_stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
