"""Fields whose values order the same way everywhere: a sort key for titles, and times
of whole seconds."""

from datetime import datetime

from django.db import models


class SortKeyField(models.CharField):
    """The lower-cased copy of another field, compared code point by code point.

    SQLite's lower() only folds ASCII and PostgreSQL's ordering follows the database
    locale, so ordering by Lower("title") differs between the two. This field is filled
    by Python (`str.lower()`) whenever the row is saved or bulk-created, and its column
    uses the "C" collation on PostgreSQL (SQLite's default, BINARY, already compares
    code points), so both databases give one order and can serve it from an index.

    `QuerySet.update()` and `bulk_update()` bypass it: include this field when they
    change the source.
    """

    def __init__(self, *args, source, **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = (getattr(model_instance, self.source) or "").lower()[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


def whole_seconds(moment):
    """`moment` without its fraction of a second; anything else (None, an expression)
    as it is."""
    if isinstance(moment, datetime) and moment.microsecond:
        return moment.replace(microsecond=0)
    return moment


class WholeSecondsDateTimeField(models.DateTimeField):
    """A date and time saved without its fraction of a second.

    The search reads notes newest first by their `recency` (papers/search.py): the
    second of publication, then the paper's id. With whole seconds that is exactly the
    order of (published_at, id) in which the search's other tiers read them, so every
    tier agrees on which notes are the newest.

    Values are cut on saves and bulk creation (`pre_save`, which also trims the
    instance's value), `QuerySet.update()` and `bulk_update()` (`get_db_prep_save`).
    Expressions (`Now()`, `F()`) and raw SQL are not: nothing in the site writes those
    to this field. Lookups are left alone: `published_at__lte=now` compares with the
    exact time, as it should.
    """

    def pre_save(self, model_instance, add):
        value = whole_seconds(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str):
            value = self.to_python(value)
        return super().get_db_prep_save(whole_seconds(value), connection)
