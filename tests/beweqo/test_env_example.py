"""`.env.example` documents every environment variable the code reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = re.compile(
    r"""env_(?:str|bool|int|list|url)\(\s*["']([A-Z_]+)["']|environ(?:\.get)?\(\s*["']([A-Z_]+)["']|getenv\(\s*["']([A-Z_]+)["']"""
)
APPS = ["beweqo", "network", "offerings", "counselling", "workgroups"]
IGNORED = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def variables_read_by_code() -> set[str]:
    names = set()
    paths = [p for app in APPS for p in (ROOT / app).glob("**/*.py")]
    for path in paths:
        for match in READERS.finditer(path.read_text()):
            names.add(next(group for group in match.groups() if group))
    return names - IGNORED


def test_every_variable_is_documented():
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    missing = variables_read_by_code() - documented
    assert not missing, f"add these to .env.example: {sorted(missing)}"
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SMTP_HOST"} <= documented
