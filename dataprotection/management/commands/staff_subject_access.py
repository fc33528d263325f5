"""A member of staff's subject access request: what the service holds about their account,
council sign-in, ended accounts, access reviews and the account events in the audit trail, in
words, as JSON for the records manager to send."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dataprotection.models import AccessEvent
from earlyyears.access_review.selectors import staff_subject_access
from earlyyears.models import User


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


class Command(BaseCommand):
    help = "Print what the service holds about a member of staff (their subject access request)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        person = User.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"There is no account with the username {username}")
        record = staff_subject_access(person)
        record["Changes to the account"] = [
            {"When": _when(event.at), "What": event.detail}
            for event in AccessEvent.objects.filter(
                action=AccessEvent.Action.ACCOUNT, object_id=str(person.pk)
            ).order_by("at")
        ]
        self.stdout.write(json.dumps(record, indent=2, ensure_ascii=False))
