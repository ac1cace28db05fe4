"""Trusted construction: a frozen record from values its builder has already checked.

Validating a record is the slow part of reading a large file: a service line with two
Decimal fields costs over ten microseconds in pydantic. A reader that has already checked
every value against what the record's validators would check (patterns, lengths, bounds,
Decimal places, field and model validators) may build the record without a second look.

- `trusted_builder(cls) -> Callable[[dict], cls]`: a function that builds `cls` from a dict
  of field values the caller has checked, giving exactly the record ``cls(**values)``
  would give (same field values in declaration order, same ``model_fields_set``; defaults
  for the fields left out). A required field missing from the values raises `TypeError`:
  that is a programmer error, never bad data. Records of a frozen class built with the same
  keys share one ``model_fields_set`` object (see `trusted_builder`).

The contract is the caller's: a value that fails the caller's own checks must go through
``cls(**values)`` (full validation), so that bad data yields the same error it always did.
`x12.t837` does this and a hypothesis test compares both ways on mutated files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T", bound=BaseModel)

_new = object.__new__
_MISSING = object()
_KEY_ORDERS = 4096  # the key orders kept per record class (a reader uses few)
# the slots every pydantic model has, set through their descriptors (faster than setattr)
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def trusted_builder(cls: type[T]) -> Callable[[dict[str, Any]], T]:
    """A builder of `cls` records from already-checked values (see the module docstring)."""
    template: dict[str, Any] = {}
    required: set[str] = set()
    for name, info in cls.model_fields.items():
        if info.default_factory is not None:
            raise TypeError(f"{cls.__name__}.{name} has a default factory; build it normally")
        if info.is_required():
            required.add(name)
            template[name] = _MISSING
        else:
            template[name] = info.default
    if cls.__private_attributes__:
        raise TypeError(f"{cls.__name__} has private attributes; build it normally")
    needed = frozenset(required)
    # the key orders met so far, each with its fields-set: a record built with keys met
    # before needs no check of them again. The set is shared by the records built with those
    # keys (a set per record costs memory and the cyclic GC's time: a set is always
    # tracked); sharing is safe for frozen records, as pydantic copies the set when a record
    # is copied and only adds to it when an attribute is assigned, which a frozen record
    # refuses. A class that is not frozen gets a set of its own per record.
    known: dict[tuple[str, ...], set[str]] = {}
    frozen = bool(cls.model_config.get("frozen"))

    def remember(values: dict[str, Any]) -> set[str]:
        """The fields-set of a key order met for the first time, once its keys are checked."""
        if len(values) != len(values.keys() & template.keys()) or not needed <= values.keys():
            missing = sorted(needed - values.keys())
            unknown = sorted(values.keys() - template.keys())
            raise TypeError(f"{cls.__name__}: missing {missing}, unknown {unknown}")
        if len(known) >= _KEY_ORDERS:
            known.clear()
        fields = known[tuple(values)] = set(values)
        return fields

    # two builders, so that the frozen one (every record a reader builds) tests nothing
    def build_frozen(values: dict[str, Any]) -> T:
        record = _new(cls)
        data = template.copy()
        data.update(values)
        fields = known.get(tuple(values))
        if fields is None:
            fields = remember(values)
        _set_dict(record, data)
        _set_fields(record, fields)
        _set_extra(record, None)
        _set_private(record, None)
        return record

    def build_mutable(values: dict[str, Any]) -> T:
        record = _new(cls)
        data = template.copy()
        data.update(values)
        fields = known.get(tuple(values))
        if fields is None:
            fields = remember(values)
        _set_dict(record, data)
        _set_fields(record, set(fields))
        _set_extra(record, None)
        _set_private(record, None)
        return record

    build = build_frozen if frozen else build_mutable
    build.__name__ = f"trusted_{cls.__name__}"
    build.__doc__ = f"A {cls.__name__} from checked values, without validating them again."
    return build


__all__ = ["trusted_builder"]
