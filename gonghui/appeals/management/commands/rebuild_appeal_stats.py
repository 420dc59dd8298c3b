"""Recount the three rates' daily roll-up (DailyStat) from the appeals themselves."""

import threading
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from gonghui.appeals import metrics
from gonghui.appeals.models import Appeal


class Command(BaseCommand):
    help = "Recount every DailyStat row from the appeals (metrics.rebuild) and print the time."

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0
        appeals = Appeal.objects.count()
        if verbose:
            self.stderr.write(f"recounting DailyStat from {appeals} appeals ...")
        done = threading.Event()
        # metrics.rebuild() is two grouped queries and one bulk insert: show elapsed time.
        bar = tqdm(
            disable=not verbose, desc="rebuild", bar_format="{desc}: {elapsed} elapsed", leave=True
        )

        def tick():
            while not done.wait(0.5):
                bar.refresh()

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        started = time.perf_counter()
        try:
            rows = metrics.rebuild()
        finally:
            done.set()
            ticker.join()
            bar.close()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"rebuilt {rows} DailyStat rows from {appeals} appeals in {elapsed:.1f}s")
