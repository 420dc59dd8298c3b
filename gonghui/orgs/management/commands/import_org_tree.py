from django.core.management.base import BaseCommand

from gonghui.orgs.importers import import_beijing_tree


class Command(BaseCommand):
    help = "Import the real Beijing union tree (city, 17 district-level, 339 street federations)."

    def handle(self, *args, **options) -> None:
        result = import_beijing_tree(progress=options["verbosity"] > 0)
        self.stdout.write(f"orgs created: {result.created}, updated: {result.updated}")
