"""Import the laws and typical cases from the shared data folder (idempotent)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from gonghui.knowledge import importer


class Command(BaseCommand):
    help = "Import the 31 labour laws and the typical cases into the knowledge base."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true")

    def handle(self, *args, if_empty=False, **options):
        from gonghui.knowledge.models import Document

        if if_empty and Document.objects.exists():
            self.stdout.write("knowledge base already imported")
            return
        with tqdm(total=importer.file_count(), desc="import_laws", disable=None) as bar:
            counts = importer.import_laws(progress=lambda: bar.update(1))
        self.stdout.write(f"{counts['documents']} documents, {counts['articles']} articles")
