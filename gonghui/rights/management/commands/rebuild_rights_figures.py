"""Recount the rights figures' daily roll-up (DailyFigures) from the cases themselves."""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from gonghui.rights import rollups
from gonghui.rights.models import AidCase, Dispute


class Command(BaseCommand):
    help = "Recount every DailyFigures row from the mediation and legal-aid cases."

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0
        disputes, aid = Dispute.objects.count(), AidCase.objects.count()
        started = time.perf_counter()
        # One grouped query per org depth and case type: a step of the bar each.
        with tqdm(
            total=len(rollups.recount_steps()), desc="rights figures", disable=not verbose
        ) as bar:
            rows = rollups.rebuild(progress=bar.update)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"rebuilt {rows} DailyFigures rows from {disputes} disputes and {aid} "
            f"legal-aid cases in {elapsed:.1f}s"
        )
