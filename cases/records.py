"""How a write names a related record it may not use: exactly like one that does not exist.

Services, forms and the API answer a record of another case, or one the user may not see, with the
same text as an id that names nothing (the text DRF gives a missing primary key), so an error never
tells whether the record exists, let alone its label, title or case.
"""
from django.core.exceptions import ValidationError

NOT_FOUND = 'Invalid pk "{pk}" - object does not exist.'


def not_found(pk) -> str:
    """The one message for a related id that cannot be used here (missing, foreign or hidden)."""
    return NOT_FOUND.format(pk=pk)


def not_found_error(field, pk) -> ValidationError:
    return ValidationError({field: not_found(pk)}) if field else ValidationError(not_found(pk))


def require_in_case(case, record, field, *, user=None, action="view"):
    """Refuse `record` unless it belongs to `case` (and, given `user`, is visible to him for `action`),
    with the message of a missing id."""
    if record is None:
        return
    if getattr(record, "case_id", None) != case.pk:
        raise not_found_error(field, record.pk)
    if user is not None and not type(record).objects.visible_to(user, action).filter(pk=record.pk).exists():
        raise not_found_error(field, record.pk)
