"""Pull another publisher's Open Referral UK feed now (or every active feed)."""

from django.core.management.base import BaseCommand, CommandError

from cms import feeds
from cms.models import Feed


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="The feed's name (every active feed if none)")

    def handle(self, *args, name: str | None, **options):
        if name:
            feed = Feed.objects.filter(name=name).first()
            if feed is None:
                raise CommandError(f"No feed is called {name}")
            runs = [feeds.pull(feed)]
        else:
            runs = feeds.pull_active()
        failed = False
        for run in runs:
            self.stdout.write(
                f"{run.feed}: {run.get_status_display().lower()}, {run.pages} pages, "
                f"{run.records} records, {run.created} new, {run.updated} updated, "
                f"{run.held} held for an editor's approval"
            )
            for error in run.errors:
                self.stderr.write(f"  {error}")
            failed |= run.status == run.Status.FAILED
        if failed:
            raise CommandError("A feed could not be imported: nothing from it was saved")
