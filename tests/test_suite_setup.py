"""The suite's own set-up: what makes every test file pass alone, in any order, on any machine."""

import ast
from pathlib import Path

import pytest

from .conftest import NOT_REFERENCE_DATA, SEEDING_APPS, reference_data

ROOT = Path(__file__).resolve().parents[1]


def _migrations_with_runpython() -> set[str]:
    found = set()
    for app in SEEDING_APPS:
        for path in sorted((ROOT / app / "migrations").glob("[0-9]*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                func = getattr(node, "func", None)
                if isinstance(func, ast.Attribute) and func.attr == "RunPython":
                    found.add(f"{app}.migrations.{path.stem}")
    return found


def test_every_data_migration_is_seeded_again_before_transactional_tests():
    """A flush after a transactional test takes the rows data migrations made: the autouse
    `_reference_data` fixture seeds them again, from every RunPython it finds in the migration
    graph, except those listed (with a reason) as not seeding rows."""
    found = {module for module, _ in reference_data()}
    assert "earlyyears.migrations.0003_message_templates" in found
    missing = _migrations_with_runpython() - found - set(NOT_REFERENCE_DATA)
    assert not missing, f"not found in the migration graph: {sorted(missing)}"
    assert all(callable(seed) for _, seed in reference_data())


def test_no_test_relies_on_serialized_rollback():
    """tests/conftest.py refuses serialized_rollback among the tests collected; this also looks
    at those a run does not collect (the benchmarks)."""
    offenders = []
    for path in (ROOT / "tests").rglob("*.py"):
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        if "serialized_rollback=True" in text or "serialized_rollback = True" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], offenders


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_finds_the_reference_data():
    from django.contrib.auth.models import Group

    from earlyyears.models import MessageTemplate

    assert MessageTemplate.objects.exists()
    assert Group.objects.filter(name="Trainers").exists()
