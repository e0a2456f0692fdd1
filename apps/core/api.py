"""What every Slate API shares: the version an update is based on, model serializers whose fields are built once.

The production-scoped pieces (a foreign key limited to the user's productions, the CRUD viewset)
live with the tenancy root, in `apps.productions.scoped`.

Pagination lives in `apps.core.pagination`, the error format in `apps.core.exceptions`.
"""
from __future__ import annotations

import copy
import threading

from rest_framework import serializers

from apps.core.errors import ApplicationError
from apps.core.integers import parse_int


class BuiltOnceModelSerializer(serializers.ModelSerializer):
    """DRF's `ModelSerializer` whose fields are built from the model once per class, then copied for each serializer.

    DRF builds a model serializer's fields from the model's fields (`get_field_kwargs`, validators,
    choices) every time one is made: for a scene, about 1.5 ms of a PATCH's validation and as much
    again for its event. Here the first build is kept and each serializer gets a deep copy, as DRF
    itself copies declared fields (`Field.__deepcopy__` re-creates a field from its arguments): a
    third of the cost. Only for serializers whose fields depend on their class (Meta, declared
    fields), never on the context or the instance.
    """

    def get_fields(self):
        """A deep copy of the class's fields, built by `ModelSerializer.get_fields` on first use."""
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built  # a race builds it twice: the same fields
        return copy.deepcopy(built)

    @classmethod
    def represent(cls, instance) -> dict:
        """`cls(instance).data` without a request, rendered by one serializer of this class per thread.

        For an event's `data`: the serializer and its fields are made once per thread and each row
        only rendered (`to_representation` keeps no state on the serializer). Not for answers to a
        request, whose serializer has the request in its context.
        """
        readers = _readers.__dict__.setdefault("by_class", {})
        reader = readers.get(cls)
        if reader is None:
            reader = readers[cls] = cls()
        return reader.to_representation(instance)


_readers = threading.local()


def requested_version(request) -> int | None:
    """The version an update is based on: the body's `version`, else an `If-Match: "N"` header.

    Raises `ApplicationError` (400 `invalid`) for a version that is not a whole number from 1 to 2**63 - 1.
    """
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    if raw is None:
        raw = request.headers.get("If-Match", "").strip().strip('W/').strip('"') or None
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise ApplicationError("version: Must be a whole number of 1 or more.", code="invalid",
                               extra={"fields": {"version": ["Must be a whole number of 1 or more."]}})
    return parse_int(raw, name="version", minimum=1)
