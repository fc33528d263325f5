"""Class the contacts that existed before provenance: confirmed, unless they came only from a
health notification (the setting and the SEND team never checked them). Such a contact's mobile
and email move to unconfirmed details, so nothing is texted to them until someone checks."""

from django.db import migrations
from django.db.models import Q

HEALTH = "health_notification"


def classify(apps, schema_editor):
    FamilyContact = apps.get_model("earlyyears", "FamilyContact")
    ContactDetail = apps.get_model("earlyyears", "ContactDetail")
    Referral = apps.get_model("pathway", "Referral")
    details = []
    for contact in FamilyContact.objects.all().iterator():
        named = Referral.objects.filter(
            child_id=contact.child_id, consent_given_by__iexact=contact.name
        )
        health_only = (
            named.filter(source=HEALTH).exists() and not named.filter(~Q(source=HEALTH)).exists()
        )
        source = "health" if health_only else "setting"
        status = "unconfirmed" if health_only else "confirmed"
        for kind, field in (("mobile", "mobile_phone"), ("email", "email")):
            value = getattr(contact, field)
            if value:
                details.append(
                    ContactDetail(
                        contact_id=contact.pk,
                        kind=kind,
                        value=value,
                        source=source,
                        sms_consent=contact.sms_consent if kind == "mobile" else False,
                        status=status,
                        submitted_at=contact.sms_consent_recorded_at or contact.added_at,
                    )
                )
        if health_only:
            FamilyContact.objects.filter(pk=contact.pk).update(
                source="health", confirmation="unconfirmed", mobile_phone="", email=""
            )
        else:
            FamilyContact.objects.filter(pk=contact.pk).update(confirmed_at=contact.added_at)
    ContactDetail.objects.bulk_create(details, batch_size=1000)


def unclassify(apps, schema_editor):
    FamilyContact = apps.get_model("earlyyears", "FamilyContact")
    ContactDetail = apps.get_model("earlyyears", "ContactDetail")
    for detail in ContactDetail.objects.filter(status="unconfirmed", source="health"):
        field = {"mobile": "mobile_phone", "email": "email"}.get(detail.kind)
        if field:
            FamilyContact.objects.filter(pk=detail.contact_id).update(**{field: detail.value})
    ContactDetail.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("pathway", "0009_child_identity")]

    operations = [migrations.RunPython(classify, unclassify)]
