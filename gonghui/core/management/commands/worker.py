import threading

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from gonghui.core.sweeps import run_forever


class Command(DbWorkerCommand):
    help = "Run background tasks and, beside them, the periodic sweeps (outbox, deadlines...)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval", type=float, default=30.0, help="seconds between sweeps"
        )

    def handle(self, *args, **options):
        stop = threading.Event()
        sweeper = threading.Thread(
            target=run_forever, args=(options.pop("sweep_interval"), stop), daemon=True
        )
        sweeper.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
