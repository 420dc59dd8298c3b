"""Model field for personal data: encrypted at rest, found by keyed hash, masked on display."""

from django.core import checks
from django.db import models

from gonghui.core import pii


class PIIField(models.TextField):
    """Store a phone or resident ID number encrypted with GONGHUI_PII_KEY.

    The model declares the companion hash column right after this field, e.g.
    ``phone = PIIField(kind="phone", hash_field="phone_hash")`` then
    ``phone_hash = models.CharField(max_length=64, db_index=True)``; find rows with
    ``filter(phone_hash=pii.digest("phone", value))``. Values are normalised and
    validated on save, so an invalid number can never be stored.
    """

    def __init__(self, *args, kind: str, hash_field: str, **kwargs):
        if kind not in pii.KINDS:
            raise ValueError(f"unknown personal-data kind {kind!r}")
        self.kind = kind
        self.hash_field = hash_field
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        kwargs["hash_field"] = self.hash_field
        return name, path, args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        names = [f.name for f in self.model._meta.local_fields]
        if self.hash_field not in names or names.index(self.hash_field) < names.index(self.name):
            errors.append(
                checks.Error(
                    f"{self.model.__name__}.{self.name} needs its hash field "
                    f"{self.hash_field!r} declared after it.",
                    obj=self,
                    id="gonghui.E001",
                )
            )
        return errors

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return pii.decrypt(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value in (None, ""):
            setattr(model_instance, self.hash_field, "")
            return value
        value = pii.normalize(self.kind, value)
        setattr(model_instance, self.attname, value)
        setattr(model_instance, self.hash_field, pii.digest(self.kind, value))
        return value

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        return pii.encrypt(str(value))
