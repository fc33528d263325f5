"""A demo family's way in (issue 21): `manage.py demo_family` gives a demo parent access to their
child (as the SEND team would, from a checked contact), texts them a sign-in link through the
outbox and prints that link; `manage.py demo_family --code` prints the newest one-time code the
outbox holds for them (the text a parent would read on their phone).

Demo only: both refuse where a production setting is present (earlyyears.accounts.demo), because
a sign-in link or code printed on a console is a way in."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from earlyyears.access import open_family_links
from earlyyears.accounts import demo
from earlyyears.models import SEND_TEAM_ROLES, FamilyContact, OutboxMessage, User
from pathway.families import services
from pathway.models import FamilySignInLink, Referral

DEMO_MOBILE = "+447700900999"
DEMO_NAME = "Demo Parent"


class Command(BaseCommand):
    help = "Text a demo parent a sign-in link and print it; --code prints their newest code."

    def add_arguments(self, parser):
        parser.add_argument(
            "--code", action="store_true", help="Print the newest sign-in code texted to them"
        )

    def handle(self, *args, code: bool = False, **options):
        found = demo.production_settings_present()
        if found:
            raise CommandError("Refusing: this is for a local demo only (" + "; ".join(found) + ")")
        if code:
            self.stdout.write(self._newest_code())
            return
        with transaction.atomic():
            contact = self._demo_contact()
            officer = (
                User.objects.filter(role__in=SEND_TEAM_ROLES, is_active=True)
                .order_by("username")
                .first()
            )
            if officer is None:
                raise CommandError("Load the demo first: there is no SEND team account.")
            link = open_family_links().filter(contact=contact).first()
            if link is None:
                link = services.link_contact(contact, by=officer)
            _, token = services.send_sign_in_link(link, by=officer)
        url = services.base_url() + reverse("family-link", kwargs={"token": token})
        self.stdout.write(url)
        self.stderr.write(
            f"{contact.name} can follow {contact.child.first_name}'s referral. Open the link, "
            "press the button for a code, then run `manage.py demo_family --code` to read the "
            "text they would get (or see Messages as the SEND team)."
        )

    def _demo_contact(self) -> FamilyContact:
        contact = FamilyContact.objects.filter(name=DEMO_NAME, mobile_phone=DEMO_MOBILE).first()
        if contact is not None:
            return contact
        referral = Referral.objects.select_related("child").order_by("pk").first()
        if referral is None:
            raise CommandError("Load the demo first: there is no referral.")
        return FamilyContact.objects.create(
            child=referral.child,
            name=DEMO_NAME,
            relationship=FamilyContact.Relationship.PARENT,
            mobile_phone=DEMO_MOBILE,
            sms_consent=True,
        )

    def _link_id(self) -> int:
        return (
            FamilySignInLink.objects.filter(
                contact__name=DEMO_NAME, contact__mobile_phone=DEMO_MOBILE
            )
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )

    def _newest_code(self) -> str:
        link_id = self._link_id()
        code = (
            OutboxMessage.objects.filter(template="family_sign_in_code", to_contact__name=DEMO_NAME)
            .exclude(context={})
            .order_by("-pk")
            .first()
        )
        if link_id is None or code is None:
            raise CommandError("No code yet: open the link and press the button for a code.")
        return code.context["code"]
