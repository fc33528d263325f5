from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pathway", "0028_self_evaluation")]

    operations: list = []
