import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gonghui.demo.services import DEMO_PASSWORD, DEMO_STAFF, SCALES, seed
from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = (
        "Load deterministic demo data (the real union tree plus generated enterprises and staff)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=12351)
        parser.add_argument("--if-empty", action="store_true", help="do nothing if orgs exist")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")
        parser.add_argument(
            "--no-appeals",
            action="store_true",
            help="no demo appeals and warnings (the laws and curated answers still load)",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates demo logins; refusing with DEBUG off (use --force)"
            )
        if options["if_empty"] and Org.objects.exists():
            self.stdout.write("demo data already loaded; keeping it")
            return
        if Org.objects.filter(kind="grassroots").exists():
            raise CommandError("demo data is already loaded; use a fresh database")
        started = time.perf_counter()
        result = seed(
            options["scale"],
            seed_value=options["seed"],
            progress=options["verbosity"] > 0,
            appeals=not options["no_appeals"],
        )
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{k}={v}" for k, v in result.counts.items())
        self.stdout.write(f"seeded {result.rows} rows in {elapsed:.1f}s ({counts})")
        self.stdout.write(
            f"demo logins (password {DEMO_PASSWORD}, demo only): "
            + " ".join(u for u, *_ in DEMO_STAFF)
        )
