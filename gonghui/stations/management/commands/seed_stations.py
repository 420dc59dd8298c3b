"""Load the demo station network alone (the tree must be imported; seed_demo also does it)."""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from faker import Faker

from gonghui.orgs.models import Org
from gonghui.stations.demo import seed_positions


class Command(BaseCommand):
    help = "Load demo service positions (small or city scale) into an empty station registry."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "city"], default="small")
        parser.add_argument("--seed", type=int, default=12351)
        parser.add_argument("--force", action="store_true", help="allow with DEBUG=0")

    def handle(self, *args, scale, seed, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("refusing to load demo stations with DEBUG=0 (use --force)")
        if not Org.objects.filter(kind="district").exists():
            raise CommandError("import the union tree first: manage.py import_org_tree")
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        started = time.perf_counter()
        with transaction.atomic():
            counts = seed_positions(
                scale, rng=random.Random(seed), fake=fake, progress=options["verbosity"] > 0
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(f"stations: {counts} in {elapsed:.1f}s")
