from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.services import create_api_key
from gonghui.core.errors import ServiceError
from gonghui.orgs.models import Org


def find_org(value: str) -> Org:
    """Return the org with this id or administrative code."""
    org = Org.objects.filter(admin_code=value).first()
    if org is None and value.isdigit():
        org = Org.objects.filter(pk=int(value)).first()
    if org is None:
        raise CommandError(f"no org with id or administrative code {value!r}")
    return org


class Command(BaseCommand):
    help = "Create an org API key (X-Api-Key); prints only the key, which is shown once."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="org id or administrative code")
        parser.add_argument("--name", required=True, help="what the key is for")

    def handle(self, *args, **options):
        org = find_org(options["org"])
        try:
            raw, key = create_api_key(org=org, name=options["name"])
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"key {key.prefix} for {org.name} ({key.name}); store it now")
        self.stdout.write(raw)
