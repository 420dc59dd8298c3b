"""Train the triage classifier (seeded) and write it under var/triage/."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from gonghui.triage import classifier, training


class Command(BaseCommand):
    help = "Train the triage classifier from the real and synthetic rows and the corrections."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="only when there is no model of the current version",
        )
        parser.add_argument("--no-corrections", action="store_true")

    def handle(self, *args, if_missing=False, no_corrections=False, **options):
        path = classifier.model_path()
        if if_missing and classifier.load(path) is not None:
            self.stdout.write(f"model exists: {path}")
            return
        with tqdm(total=2, desc="train_triage", disable=None) as bar:

            def progress(message: str) -> None:
                bar.set_postfix_str(message)
                bar.update(1)

            model = training.train_and_save(
                path=path, use_corrections=not no_corrections, progress=progress
            )
            bar.update(1)
        meta = model.meta
        self.stdout.write(
            f"wrote {path} (data {meta['data_sha256'][:12]}, rows {meta['rows']}, "
            f"metrics {meta['metrics']})"
        )
