"""Wagtail looks for hooks in each app's `wagtail_hooks` module: the core's are its activities'."""

from .accounts import wagtail_hooks  # noqa: F401 - registers the account rules for bulk actions
