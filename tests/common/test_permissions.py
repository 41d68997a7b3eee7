"""The one shape of the apps' permissions (common.permissions): the shared check, and that
every app's permissions.py keeps to the signatures its docstring sets."""

import importlib
import inspect

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from common.permissions import Access, check_access

APPS = ["network", "offerings", "events", "counselling", "workgroups", "news", "steering"]


def test_a_stranger_gets_a_404_even_when_only_reading():
    with pytest.raises(Http404):
        check_access("Kurs", can_read=False, can_write=False, write=False)


def test_a_reader_reads_and_learns_that_they_may_not_write():
    assert check_access("Kurs", can_read=True, can_write=False, write=False) == Access(
        "Kurs", can_write=False
    )


def test_a_reader_who_asks_to_write_gets_a_403():
    with pytest.raises(PermissionDenied):
        check_access("Kurs", can_read=True, can_write=False, write=True)


def test_a_writer_gets_the_object_and_may_write():
    access = check_access("Kurs", can_read=True, can_write=True, write=True)
    obj, can_write = access
    assert (access.obj, access.can_write, obj, can_write) == ("Kurs", True, "Kurs", True)


def test_the_right_to_write_does_not_open_what_may_not_be_read():
    # An action item's assignee may write it, but only inside a body they can read.
    with pytest.raises(Http404):
        check_access("Aufgabe", can_read=False, can_write=True, write=True)


def _public_functions():
    for app in APPS:
        module = importlib.import_module(f"{app}.permissions")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                yield f"{app}.permissions.{name}", name, inspect.signature(function)


FUNCTIONS = list(_public_functions())


@pytest.mark.parametrize(
    ("name", "signature"),
    [pytest.param(name, sig, id=path) for path, name, sig in FUNCTIONS if name.startswith("get_")],
)
def test_every_getter_takes_the_request_and_write_and_returns_an_access(name, signature):
    params = list(signature.parameters.values())
    assert name.endswith("_for")
    assert params[0].name == "request"
    write = signature.parameters["write"]
    assert (write.kind, write.default) == (inspect.Parameter.KEYWORD_ONLY, False)
    assert signature.return_annotation.__origin__ is Access


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(sig, id=path)
        for path, name, sig in FUNCTIONS
        if name.startswith(("require_", "can_"))
    ],
)
def test_every_gate_and_predicate_takes_the_request(signature):
    assert next(iter(signature.parameters)) == "request"


def test_every_app_has_getters_or_gates():
    assert {path.split(".")[0] for path, name, _sig in FUNCTIONS} == set(APPS)
