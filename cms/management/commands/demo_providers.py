"""The demo's provider: a nursery that keeps its own local offer entry.

The first demo setting gets an organisation of its own and a local offer entry linked to it by
its Ofsted URN, and its manager (`provider`) an account that can change that entry, every change
waiting for the local offer moderator. Run after `demo_local_offer` (`make run` does)."""

from __future__ import annotations

import os

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms import providers, services
from cms.models import Organisation, ServiceLocation, ServicePage
from earlyyears.accounts import demo
from earlyyears.management.commands.demo_data import DEFAULT_PASSWORD
from earlyyears.models import Setting, User
from earlyyears.needs import BroadAreaOfNeed
from earlyyears.roles import Role

USERNAME = "provider"


class Command(BaseCommand):
    help = "Create (or keep) the demo provider account and its nursery's local offer entry."

    def handle(self, *args, **options):
        try:
            known_keys = demo.demo_keys_allowed()
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        setting = Setting.objects.order_by("urn").first()
        if setting is None or not ServicePage.objects.exists():
            raise CommandError("Run `manage.py demo_data` and `demo_local_offer` first")
        with transaction.atomic():
            index = services.ensure_local_offer_index()
            services.ensure_local_offer_groups(index)
            organisation, _ = Organisation.objects.get_or_create(
                name=setting.name,
                defaults={"description": f"Early years provider in {setting.town}."},
            )
            page = ServicePage.objects.filter(ofsted_urn=setting.urn).first()
            if page is None:
                page = self.entry(index, setting, organisation)
            providers.ensure_provider_group(organisation)
            user = User.objects.filter(username=USERNAME).first()
            if user is None:
                user = User.objects.create(
                    username=USERNAME,
                    first_name="Priya",
                    last_name="Shah",
                    job_title="Nursery manager",
                    organisation=organisation.name,
                    email="provider@example.com",
                    role=Role.PROVIDER,
                    password=make_password(os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)),
                )
            user.groups.add(organisation.provider_group)
            if known_keys:
                demo.give_demo_key(user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Provider: '{USERNAME}' keeps '{page.title}' ({organisation.name}, Ofsted URN "
                f"{setting.urn}); changes wait for local.offer.moderator."
            )
        )

    def entry(self, index, setting: Setting, organisation: Organisation) -> ServicePage:
        page = ServicePage(
            title=setting.name,
            description=(
                "A day nursery for children from birth to five, with a SENCO on every shift "
                "and a quiet room. Visits welcome before a first session."
            ),
            organisation=organisation,
            ofsted_urn=setting.urn,
            minimum_age_months=0,
            maximum_age_months=60,
            needs=[choice.value for choice in BroadAreaOfNeed],
            is_free=False,
            fees="Funded hours for 2, 3 and 4 year olds; ask about other fees",
        )
        page.service_areas = [setting.area]
        page.locations = [
            ServiceLocation(
                name=setting.name,
                address_1=setting.address_line_1,
                city=setting.town,
                postcode=setting.postcode,
            )
        ]
        index.add_child(instance=page)
        page.save_revision().publish()
        return page
