"""Errors that services raise and every edge (API, pages) shows the same way."""

from django.core.exceptions import ValidationError


class ServiceError(Exception):
    """A refusal a person can understand: ``message`` (translated) plus a stable ``code``."""

    status = 400

    def __init__(self, message: str, *, code: str, status: int | None = None, **extra):
        super().__init__(message)
        self.message = str(message)
        self.code = code
        if status is not None:
            self.status = status
        self.extra = extra


class Throttled(ServiceError):
    status = 429


class NotAuthenticated(ServiceError):
    status = 401


def validation_payload(exc: ValidationError) -> dict:
    """Return ``{"detail", "code", "errors"?}`` for a Django ValidationError."""
    if hasattr(exc, "error_dict"):
        errors = {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
        first = next(iter(errors.values()))[0]
        codes = [e.code for errs in exc.error_dict.values() for e in errs if e.code]
        return {"detail": first, "code": codes[0] if codes else "invalid", "errors": errors}
    code = getattr(exc, "code", None) or next(
        (e.code for e in getattr(exc, "error_list", []) if e.code), "invalid"
    )
    return {"detail": " ".join(exc.messages), "code": code}


def error_message(exc: Exception, *, field_sep: str = " ", sep: str = " ") -> str:
    """Return the words a page shows for a refusal: a ServiceError's message, a
    ValidationError's messages (per field joined by ``field_sep``), or the text."""
    if isinstance(exc, ServiceError):
        return exc.message
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return field_sep.join(
                m for errs in exc.error_dict.values() for e in errs for m in e.messages
            )
        return sep.join(exc.messages)
    return str(getattr(exc, "message", exc))


class Conflict(ServiceError):
    """The record's state does not allow the step (409): e.g. accepting a closed case."""

    status = 409


class Forbidden(ServiceError):
    """The actor may see the record but their role does not allow the step (403)."""

    status = 403


class UnknownAction(ServiceError):
    """A step that the case type's workflow does not have (404, like an unknown URL)."""

    status = 404
