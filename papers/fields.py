"""A sort key that orders the same way on SQLite and PostgreSQL."""

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
