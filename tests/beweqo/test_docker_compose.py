"""docker-compose.yml cannot be started on these machines (no Docker engine), so this reads
it and checks that what it runs exists in the project: the WSGI application, the Celery app,
management commands and their options, and only environment variables that the settings
read. It also holds the deployment's promises: Redis persists and never evicts, and the
app waits for a healthy database.
"""

import ast
import json
import re
import shlex
import warnings
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.urls import resolve

ROOT = Path(settings.BASE_DIR)
COMPOSE_FILE = ROOT / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")


# --- a reader for the YAML that docker-compose.yml uses ------------------------------------
# PyYAML is not a dependency. This reads block mappings and lists, flow lists, quoted and
# plain scalars, comments, anchors, aliases and `<<` merges, and refuses anything else
# loudly, so the file cannot silently mean something other than what these tests see.


class YamlSubsetError(ValueError):
    pass


def _strip_comment(line: str) -> str:
    quote = None
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def _scalar(text: str):
    text = text.strip()
    if text in ("", "~", "null"):
        return None
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise YamlSubsetError(f"unterminated string: {text}")
        return text[1:-1].replace("''", "'")
    if text[0] in "|>{!%@`":
        raise YamlSubsetError(f"unsupported YAML: {text}")
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def _flow_list(text: str) -> list:
    inner = text.strip()[1:-1]
    items, current, quote = [], "", None
    for char in inner:
        if quote:
            current += char
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
            current += char
        elif char == ",":
            items.append(current)
            current = ""
        elif char in "[]{}":
            raise YamlSubsetError(f"nested flow collections are not supported: {text}")
        else:
            current += char
    if current.strip():
        items.append(current)
    return [_scalar(item) for item in items]


def read_yaml(text: str):
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise YamlSubsetError(f"line {number}: tabs in indentation")
        line = _strip_comment(raw)
        if line.strip() and line.strip() != "---":
            lines.append((number, len(line) - len(line.lstrip()), line.strip()))
    anchors: dict[str, object] = {}
    position = 0

    def value(text: str, indent: int):
        nonlocal position
        anchor = None
        if text.startswith("&"):
            anchor, _, text = text.partition(" ")
            anchor = anchor[1:]
        if text.startswith("*"):
            if text[1:] not in anchors:
                raise YamlSubsetError(f"unknown alias {text}")
            result = anchors[text[1:]]
        elif text.startswith("["):
            if not text.endswith("]"):
                raise YamlSubsetError(f"flow lists must end on their line: {text}")
            result = _flow_list(text)
        elif text == "":
            nested = position < len(lines) and lines[position][1] > indent
            nested_list = (
                position < len(lines)
                and lines[position][1] == indent
                and (lines[position][2].startswith("- "))
            )
            result = block(lines[position][1]) if nested or nested_list else None
        else:
            result = _scalar(text)
        if anchor:
            anchors[anchor] = result
        return result

    def block(indent: int):
        nonlocal position
        is_list = lines[position][2].startswith("- ") or lines[position][2] == "-"
        result: list | dict = [] if is_list else {}
        explicit: set = set()  # keys written out, which override merged ones
        while position < len(lines) and lines[position][1] == indent:
            number, _, content = lines[position]
            position += 1
            if is_list:
                if not content.startswith("-"):
                    raise YamlSubsetError(f"line {number}: expected a list item")
                item = content[1:].strip()
                if re.match(r"^[\w.-]+:( |$)", item):
                    raise YamlSubsetError(f"line {number}: mappings inside lists are not supported")
                result.append(value(item, indent))
                continue
            match = re.match(r"^([^\s\"'][^:]*|\"[^\"]*\"):(?: (.*))?$", content)
            if not match:
                raise YamlSubsetError(f"line {number}: expected `key: value`, got {content!r}")
            key = _scalar(match.group(1))
            item = value((match.group(2) or "").strip(), indent)
            if key == "<<":
                if not isinstance(item, dict):
                    raise YamlSubsetError(f"line {number}: `<<` needs a mapping")
                for merged_key, merged_value in item.items():
                    if merged_key not in explicit:
                        result[merged_key] = merged_value
            elif key in explicit:
                raise YamlSubsetError(f"line {number}: duplicate key {key!r}")
            else:
                explicit.add(key)
                result[key] = item
        if position < len(lines) and lines[position][1] > indent:
            number = lines[position][0]
            raise YamlSubsetError(f"line {number}: unexpected indentation")
        return result

    if not lines:
        return None
    document = block(lines[0][1])
    if position != len(lines):
        raise YamlSubsetError(f"line {lines[position][0]}: unexpected dedent")
    return document


def test_the_reader_understands_anchors_merges_and_lists():
    document = read_yaml(
        """
x-base: &base  # comment
  image: "a#b"
  keep: 1
svc:
  <<: *base
  keep: 2
  cmd: ["sh", "-c", 'echo "x, y"']
  list:
    - one
    - 'two'
  empty:
"""
    )
    assert document["svc"] == {
        "keep": 2,
        "image": "a#b",
        "cmd": ["sh", "-c", 'echo "x, y"'],
        "list": ["one", "two"],
        "empty": None,
    }


@pytest.mark.parametrize(
    "text",
    ["a: |\n  text\n", "a:\n  - b: c\n", "a: [1, [2]]\n", "a: *missing\n", "a: 1\na: 2\n"],
)
def test_the_reader_refuses_what_it_does_not_understand(text):
    with pytest.raises(YamlSubsetError):
        read_yaml(text)


# --- the compose file ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return read_yaml(COMPOSE_FILE.read_text(encoding="utf-8"))


def interpolate(value: str) -> str:
    """The value compose uses when the variable is not set: `${X:-default}` → default."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))


def command_lines(command) -> list[list[str]]:
    """A service's command as the programs it runs, each as an argument list."""
    argv = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
    if argv[:2] in (["sh", "-c"], ["/bin/sh", "-c"], ["bash", "-c"]):
        lines = [shlex.split(part) for part in argv[2].split("&&")]
    else:
        lines = [argv]
    return [line[1:] if line[0] == "exec" else line for line in lines]


def settings_environment_variables(source: Path = ROOT / "beweqo" / "settings.py") -> set[str]:
    """Every environment variable that beweqo/settings.py (or `source`) reads, found in its
    source."""
    readers = {"env_str", "env_bool", "env_int", "env_list", "env_url", "getenv", "get"}
    readers.add("_positive")  # gunicorn.conf.py's reader
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            function = node.func
            name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
            first = node.args[0]
            if (
                name in readers
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and (name != "get" or "environ" in ast.unparse(function))
            ):
                names.add(first.value)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def test_the_settings_scanner_finds_the_variables():
    found = settings_environment_variables()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SMTP_HOST"} <= found


def test_it_has_the_services_of_a_deployment(compose):
    assert set(compose["services"]) >= {"web", "worker", "beat", "db", "redis", "mailcatcher"}


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_are_built_from_the_projects_dockerfile(compose, service):
    build = compose["services"][service]["build"]
    context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
    dockerfile = context / (
        "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    )
    assert dockerfile.is_file()
    text = dockerfile.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.13-slim\b", text, re.MULTILINE)
    assert "pip install -r requirements.lock" in text
    assert (ROOT / "requirements.lock").is_file()
    assert "static/vendor" in text, "the image needs the npm assets (KERN UX, htmx)"


def _check_manage_py(argv: list[str]) -> None:
    assert argv[:2] == ["python", "manage.py"]
    assert (ROOT / "manage.py").is_file()
    name, args = argv[2], argv[3:]
    commands = get_commands()
    assert name in commands, f"manage.py has no command {name!r}"
    parser = load_command_class(commands[name], name).create_parser("manage.py", name)
    parser.parse_args(args)  # an unknown option ends in SystemExit


def _check_gunicorn(argv: list[str]) -> None:
    from gunicorn.config import Config

    options = Config().parser().parse_args(argv[1:])
    assert len(options.args) == 1, f"gunicorn needs exactly one application: {argv}"
    module_name, _, attribute = options.args[0].partition(":")
    assert (module_name, attribute) == ("beweqo.wsgi", "application")
    application = getattr(import_module(module_name), attribute)
    assert callable(application)


def _check_celery(argv: list[str]) -> None:
    from celery.app.utils import find_app
    from celery.bin.base import CLIContext
    from celery.bin.celery import celery as celery_cli

    context = celery_cli.make_context("celery", argv[1:], resilient_parsing=False)
    assert context.params["app"] == "beweqo"
    app = find_app(context.params["app"])
    assert app.main == "beweqo"
    with warnings.catch_warnings():
        # Click 8.2 deprecates protected_args; Click 9 will put the subcommand in args.
        warnings.simplefilter("ignore", DeprecationWarning)
        subcommand, *rest = [*context.protected_args, *context.args]
    assert subcommand in celery_cli.commands, f"celery has no command {subcommand!r}"
    # Celery's own group callback would put this object on the context; it is not invoked.
    context.obj = CLIContext(app=app, no_color=True, workdir=None, quiet=True)
    celery_cli.commands[subcommand].make_context(subcommand, rest, parent=context)
    if subcommand == "beat":
        schedule = app.conf.beat_schedule
        assert isinstance(schedule, dict)
        app.loader.import_default_modules()
        for entry in schedule.values():
            assert entry["task"] in app.tasks, f"beat schedules an unknown task {entry['task']}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_command_exists_in_the_project(compose, service):
    lines = command_lines(compose["services"][service]["command"])
    programs = {"python": _check_manage_py, "gunicorn": _check_gunicorn, "celery": _check_celery}
    for argv in lines:
        assert argv[0] in programs, f"{service} runs {argv[0]!r}, which this test does not know"
        try:
            programs[argv[0]](argv)
        except SystemExit as exit_:
            pytest.fail(f"{service}: {shlex.join(argv)} does not parse (exit {exit_.code})")


def test_web_migrates_collects_static_files_and_serves_the_wsgi_application(compose):
    lines = command_lines(compose["services"]["web"]["command"])
    assert [line[:3] for line in lines[:2]] == [
        ["python", "manage.py", "migrate"],
        ["python", "manage.py", "collectstatic"],
    ]
    assert "--no-input" in lines[1]
    # Places of all Germany and their venues (idempotent, about a second): a release that
    # brings new places needs no step of its own.
    assert ["python", "manage.py", "load_places"] in lines
    assert lines[-1][0] == "gunicorn"


def test_worker_and_beat_run_the_beweqo_celery_app(compose):
    assert command_lines(compose["services"]["worker"]["command"])[0][:4] == [
        "celery",
        "-A",
        "beweqo",
        "worker",
    ]
    assert command_lines(compose["services"]["beat"]["command"])[0][:4] == [
        "celery",
        "-A",
        "beweqo",
        "beat",
    ]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_set_only_variables_the_settings_read(compose, service):
    environment = compose["services"][service]["environment"]
    assert isinstance(environment, dict), "use the mapping form of `environment`"
    known = settings_environment_variables()
    if service == "web":  # gunicorn reads its own settings file
        known |= settings_environment_variables(ROOT / "gunicorn.conf.py")
    unknown = set(environment) - known
    assert not unknown, f"{service} sets variables that beweqo/settings.py never reads: {unknown}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_run_in_production_mode_on_the_compose_services(compose, service):
    written = compose["services"][service]["environment"]
    environment = {name: interpolate(value) for name, value in written.items()}
    assert environment["DEBUG"] == "false"
    # No default for the secret: compose refuses to start without it (`${SECRET_KEY:?...}`).
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*\}", written["SECRET_KEY"])
    assert "localhost" in environment["ALLOWED_HOSTS"].split(",")
    assert re.match(r"postgres://[^@]+@db:5432/", environment["DATABASE_URL"])
    assert re.match(r"redis://redis:6379/", environment["REDIS_URL"])
    assert environment["SMTP_HOST"] == "mailcatcher"
    assert environment["SMTP_PORT"] == "1025"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_wait_for_a_healthy_database_and_redis(compose, service):
    depends_on = compose["services"][service]["depends_on"]
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


def test_web_health_check_asks_healthz(compose):
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert "http://localhost:8000/healthz" in " ".join(test)
    assert resolve("/healthz").url_name == "healthz"


def test_database_has_a_health_check_and_a_volume(compose):
    db = compose["services"]["db"]
    assert db["image"] == "postgres:15"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_redis_persists_and_evicts_only_what_expires(compose):
    """Queued tasks have no expiry and so are never evicted; cache entries make room."""
    redis = compose["services"]["redis"]
    assert redis["image"] == "redis:7"
    argv = [interpolate(arg) for arg in command_lines(redis["command"])[0]]
    assert argv[argv.index("--appendonly") + 1] == "yes"
    assert argv[argv.index("--maxmemory-policy") + 1] == "volatile-lru"
    assert argv[argv.index("--maxmemory") + 1] == "512mb"
    assert any(str(v).endswith(":/data") for v in redis["volumes"])
    assert "healthcheck" in redis


def test_mail_catcher_takes_smtp_on_1025_and_shows_mail_on_8025(compose):
    mailcatcher = compose["services"]["mailcatcher"]
    assert "mailpit" in mailcatcher["image"]
    assert "1025" in [str(port) for port in mailcatcher["expose"]]
    assert any(str(port).endswith("8025") for port in mailcatcher["ports"])


def test_no_registry_host_names(compose):
    """Images come by their short names, and URLs point only into the deployment."""
    allowed_hosts = {*compose["services"], "localhost"}
    for path in (COMPOSE_FILE, ROOT / "Dockerfile"):
        text = re.sub(r"\$\{\w+:\?[^}]*\}", "", interpolate(path.read_text(encoding="utf-8")))
        for url_host in re.findall(r"://(?:[^@/\s\"']*@)?([^:/\s\"']+)", text):
            assert url_host in allowed_hosts, f"{path.name}: a URL points to {url_host}"
        for image in re.findall(r"^\s*(?:image:|FROM)\s+(\S+)", text, re.MULTILINE):
            first, *rest = image.split("/")
            names_a_host = bool(rest) and ("." in first or ":" in first or first == "localhost")
            assert not names_a_host, f"{path.name}: image {image} names a registry host"


# --- sizing (issue 19): as many workers as the cores allow -------------------------------


def _gunicorn_settings(monkeypatch, **environment) -> dict:
    for name in ("WEB_CONCURRENCY", "WEB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    from gunicorn.config import Config

    namespace: dict = {"__file__": str(ROOT / "gunicorn.conf.py")}
    exec((ROOT / "gunicorn.conf.py").read_text(encoding="utf-8"), namespace)  # noqa: S102
    config = Config()
    for name in ("workers", "threads", "timeout", "access_log_format"):
        config.set(name, namespace[name])
    return {name: config.settings[name].get() for name in ("workers", "threads", "timeout")}


def test_gunicorn_runs_two_workers_per_core_by_default(monkeypatch):
    monkeypatch.setattr("os.process_cpu_count", lambda: 4)
    assert _gunicorn_settings(monkeypatch) == {"workers": 8, "threads": 1, "timeout": 30}


def test_web_concurrency_and_threads_override_the_default(monkeypatch):
    monkeypatch.setattr("os.process_cpu_count", lambda: 4)
    settings_ = _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3", WEB_THREADS="2")
    assert (settings_["workers"], settings_["threads"]) == (3, 2)
    # Empty, as compose passes an unset variable: the default.
    assert _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="")["workers"] == 8


@pytest.mark.parametrize("value", ["0", "-2", "drei", "2.5"])
def test_a_bad_worker_count_stops_gunicorn(monkeypatch, value):
    with pytest.raises(ValueError, match="WEB_CONCURRENCY"):
        _gunicorn_settings(monkeypatch, WEB_CONCURRENCY=value)


def test_the_worker_count_comes_from_gunicorn_conf_not_the_command_line(compose):
    """A --workers on the command line would win over gunicorn.conf.py's count by cores."""
    web = command_lines(compose["services"]["web"]["command"])[-1]
    image = re.search(r"^CMD \[(.*)\]$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert image is not None
    for argv in (web, json.loads(f"[{image.group(1)}]")):
        assert argv[0] == "gunicorn"
        assert not any(a.startswith(("--workers", "-w", "--threads")) for a in argv), argv
    assert compose["services"]["web"]["environment"]["WEB_CONCURRENCY"] == "${WEB_CONCURRENCY:-}"
