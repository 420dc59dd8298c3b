from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.models import OrgApiKey
from gonghui.accounts.services import revoke_api_key


class Command(BaseCommand):
    help = "Revoke an org API key by its prefix (the 8 characters after gh_)."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, **options):
        key = OrgApiKey.objects.filter(prefix=options["prefix"]).first()
        if key is None:
            raise CommandError(f"no API key with prefix {options['prefix']!r}")
        revoke_api_key(key)
        self.stdout.write(f"revoked {key}")
