from django.core.management.base import BaseCommand

from gonghui.care.jobs import resume_stuck, run_payment_job


class Command(BaseCommand):
    help = "Run one mutual-aid payment job (--job ID) or resume every failed or stuck one."

    def add_arguments(self, parser):
        parser.add_argument("--job", type=int)

    def handle(self, *args, job=None, **options):
        if job:
            done = run_payment_job(job)
            self.stdout.write(f"job {done.pk}: {done.state} {done.done}/{done.total}")
        else:
            self.stdout.write(f"resumed jobs: {resume_stuck()}")
