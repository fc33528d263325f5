from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pathway", "0027_consent_from_referrals")]

    operations: list = []
