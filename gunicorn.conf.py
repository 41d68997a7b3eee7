"""gunicorn's settings for the portal's container (read from the working directory).

The access log names the client by the address the portal works out behind the reverse
proxy (common.clientip puts it into the WSGI environ), not by the proxy's address.

Workers: as many as the cores allow (README, "Sizing"). A request to the portal spends most
of its time in Python (the catalogue's in-memory index, templates) and a smaller part
waiting for PostgreSQL and Redis, so two processes per core keep the cores busy while some
requests wait, without the memory and the index builds of many more; `WEB_CONCURRENCY` and
`WEB_THREADS` override it (bench/load.py measures the choice).
"""

import os

access_log_format = (
    '%({beweqo_client_ip}e)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
)


def _positive(name: str, default: int) -> int:
    """A positive whole number from the environment; anything else stops gunicorn loudly."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdecimal() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def cores() -> int:
    """The cores this process may run on (CPU affinity, as `docker run --cpuset-cpus` sets
    it). A CPU quota (`--cpus`) is not visible here: set WEB_CONCURRENCY then."""
    return os.process_cpu_count() or 1


workers = _positive("WEB_CONCURRENCY", 2 * cores())
# One thread per worker: a sync worker; more threads (gthread) let a worker overlap waits for
# the database, but each thread holds a database connection of its own.
threads = _positive("WEB_THREADS", 1)
timeout = 30
