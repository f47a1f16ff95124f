from typing import Any

from django.core.management.base import BaseCommand

from privacy.retention import retention_run


class Command(BaseCommand):
    help = "Apply the retention periods now (the daily beat job does the same) and print counts."

    def handle(self, *args: Any, **options: Any) -> None:
        run = retention_run()
        for name, count in run.counts.items():
            self.stdout.write(f"{name}: {count}")
