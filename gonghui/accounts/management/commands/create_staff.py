"""Create a staff account with its roles at one org, as an operator sets up a new colleague."""

from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.management.commands.create_api_key import find_org
from gonghui.accounts.services import create_staff
from gonghui.core.errors import ServiceError
from gonghui.orgs.choices import Role


class Command(BaseCommand):
    help = "Create a staff user holding one or more roles at an org (id or administrative code)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True, help="checked by the password rules")
        parser.add_argument(
            "--role",
            required=True,
            action="append",
            choices=Role.values,
            help="repeat for several roles at the same org",
        )
        parser.add_argument("--org", required=True, help="org id or administrative code")
        parser.add_argument("--full-name", default="")

    def handle(self, *args, **options):
        org = find_org(options["org"])
        try:
            user = create_staff(
                username=options["username"],
                password=options["password"],
                org=org,
                roles=options["role"],
                full_name=options["full_name"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"staff {user.username}: {', '.join(options['role'])} at {org.name}")
