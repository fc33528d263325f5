"""Task names are what the broker and the beat schedule know a task by: moving the code that
defines one must not change it."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from earlyyears.celery import app

APPS = ("earlyyears", "pathway", "training", "cms", "dataprotection")
ROOT = Path(__file__).resolve().parents[2]


def _task_decorators():
    for package in APPS:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef):
                    for decorator in node.decorator_list:
                        target = decorator.func if isinstance(decorator, ast.Call) else decorator
                        name = getattr(target, "id", None) or getattr(target, "attr", None)
                        if name in ("shared_task", "task"):
                            yield path.relative_to(ROOT), node.name, decorator


def test_every_task_names_itself():
    found = list(_task_decorators())
    assert found
    unnamed = [
        f"{path}:{function}"
        for path, function, decorator in found
        if not (
            isinstance(decorator, ast.Call)
            and any(keyword.arg == "name" for keyword in decorator.keywords)
        )
    ]
    assert unnamed == []


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled
    assert scheduled - set(app.tasks) == set()
