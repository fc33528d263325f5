"""Create the training section, its groups, permissions and approval workflow (idempotent).

Run once after `migrate` on a new installation; `demo_training` runs it too."""

from django.core.management.base import BaseCommand

from training.services import ensure_training_section


class Command(BaseCommand):
    help = "Create the training index, trainer groups, their permissions and the workflow."

    def handle(self, *args, **options):
        index = ensure_training_section()
        self.stdout.write(
            self.style.SUCCESS(f"Training section ready at {index.get_url() or index.url_path}")
        )
