"""API schemas every app shares about orgs."""

from ninja import Schema


class OrgRef(Schema):
    """An org named in another record: its id and full name."""

    id: int
    name: str
