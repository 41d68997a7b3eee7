"""Helpers for the apps' demo loaders (`manage.py load_demo`): read an app's demo data files
and write rows so that loading a second time changes nothing.

Each app keeps its demo as a `demo/` package: the loader in Python, the data in TOML files
under `demo/data/`. The helpers take the models as arguments, so this module imports no app.
"""

import tomllib
from collections.abc import Iterable
from importlib.resources import files
from typing import Any

from django.db import models


def demo_data_read(package: str, name: str) -> dict[str, Any]:
    """The TOML file `data/<name>` of the demo package `package` (pass `__package__`).

    Read through importlib.resources, so the file is found wherever the package is installed
    and whatever the working directory is.
    """
    return tomllib.loads(files(package).joinpath("data", name).read_text(encoding="utf-8"))


def demo_data_read_all(package: str, folder: str) -> list[dict[str, Any]]:
    """Every TOML file in `data/<folder>` of `package`, in the order of their names.

    The order is part of the data where a seeded draw walks through it, hence the sort.
    """
    paths = files(package).joinpath("data", folder).iterdir()
    return [
        tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted(paths, key=lambda path: path.name)
        if path.name.endswith(".toml")
    ]


def demo_upsert[M: models.Model](
    model: type[M], *, lookup: dict[str, Any], values: dict[str, Any]
) -> M:
    """update_or_create that writes only when a value differs.

    update_or_create saves every row it finds, which bumps `updated_at`, the freshness a
    visitor sees on an institution, on every `make run` although nothing changed.
    """
    obj, created = model._default_manager.get_or_create(**lookup, defaults=values)
    if not created and any(getattr(obj, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
    return obj


def demo_roles_prune(
    model: type[models.Model],
    *,
    person_field: str,
    people: Iterable[models.Model],
    kept: list[int],
) -> None:
    """Delete roles of demo people that the data set no longer gives them.

    Without this, a role moved in a data file (or added by hand while trying the portal)
    would stay, and a demo login would quietly hold two roles. Only demo people are touched.
    """
    stray = model._default_manager.filter(**{f"{person_field}__in": list(people)})
    stray.exclude(pk__in=kept).delete()
