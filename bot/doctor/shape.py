"""Compare a real JSON item with the wire model qbx reads it with, field by field.

The fields qbx reads, their JSON types and their vocabularies all come from the pydantic
models in bot.qboxmail.models (one source of truth). Pure: values in, a Shape out.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from bot.qboxmail.models import Vocabulary, unwrap_data

_SAFE_VALUE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-.")
MAX_SHOWN = 40
MAX_KEY = 64


class Kind(StrEnum):
    """JSON value kinds."""

    NULL = "null"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    NUMBER = "number"
    STRING = "string"
    ARRAY = "array"
    OBJECT = "object"
    ANY = "any"


@dataclass(frozen=True)
class Unexpected:
    """One field whose value is not what qbx assumes."""

    field: str
    expected: str
    got: str

    def text(self) -> str:
        return f"{self.field} (expected {self.expected}, got {self.got})"


@dataclass(frozen=True)
class Shape:
    """What one or more sample items showed, compared with the model."""

    missing: tuple[str, ...] = ()
    unexpected_type: tuple[Unexpected, ...] = ()
    unknown_fields: tuple[str, ...] = ()

    @property
    def drifted(self) -> bool:
        return bool(self.missing or self.unexpected_type)


def kind_of(value: Any) -> Kind:
    if value is None:
        return Kind.NULL
    if isinstance(value, bool):
        return Kind.BOOLEAN
    if isinstance(value, int):
        return Kind.INTEGER
    if isinstance(value, float):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.STRING
    return Kind.ARRAY if isinstance(value, list) else Kind.OBJECT


_SIMPLE: dict[Any, frozenset[Kind]] = {
    type(None): frozenset({Kind.NULL}),
    bool: frozenset({Kind.BOOLEAN}),
    int: frozenset({Kind.INTEGER}),
    float: frozenset({Kind.NUMBER, Kind.INTEGER}),
    str: frozenset({Kind.STRING}),
    datetime: frozenset({Kind.STRING}),
    date: frozenset({Kind.STRING}),
    Any: frozenset({Kind.ANY}),
}


def kinds_of(annotation: Any) -> frozenset[Kind]:
    """The JSON kinds a field annotation stands for (a union: any of its members')."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return kinds_of(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return frozenset().union(*(kinds_of(arg) for arg in get_args(annotation)))
    if origin in (list, tuple, set, frozenset):
        return frozenset({Kind.ARRAY})
    if origin is dict or annotation is dict:
        return frozenset({Kind.OBJECT})
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return frozenset({Kind.OBJECT})
    return _SIMPLE.get(annotation, frozenset({Kind.ANY}))


def item_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a `list[Model]` field's items, if it is one."""
    if get_origin(annotation) in (Union, types.UnionType):
        found = [item_model(arg) for arg in get_args(annotation)]
        return next((m for m in found if m is not None), None)
    args = get_args(annotation)
    if get_origin(annotation) is list and args and isinstance(args[0], type):
        return args[0] if issubclass(args[0], BaseModel) else None
    return None


def vocabulary(info: FieldInfo) -> Vocabulary | None:
    return next((m for m in info.metadata if isinstance(m, Vocabulary)), None)


def wire_name(name: str, info: FieldInfo) -> str:
    return info.alias or name


def printable(key: str) -> str:
    """A field name from the wire as it may be printed: short, without control characters."""
    if len(key) <= MAX_KEY and key.isprintable():
        return key
    return repr(key[:MAX_KEY])


def shown(value: Any) -> str:
    """A vocabulary value safe to print (short, plain); anything else only by its kind."""
    text = str(value)
    if len(text) <= MAX_SHOWN and set(text.lower()) <= _SAFE_VALUE_CHARS:
        return repr(value)
    return f"a {kind_of(value).value}"


def loose_kind(value: Any) -> Kind:
    """The kind a value counts as under the documented leniency: numbers and booleans may
    arrive as strings (A§1), so "12" counts as an integer and "true" as a boolean."""
    kind = kind_of(value)
    if kind is not Kind.STRING:
        return kind
    if value.strip().lower() in ("true", "false"):
        return Kind.BOOLEAN
    try:
        float(value)
    except ValueError:
        return kind
    return Kind.INTEGER if value.strip().lstrip("-").isdigit() else Kind.NUMBER


def _value_problem(info: FieldInfo, value: Any) -> tuple[str, str] | None:
    """(expected, got) when `value` does not fit the field's kinds or vocabulary."""
    expected = kinds_of(info.annotation)
    got = kind_of(value)
    if Kind.ANY not in expected and got not in expected and loose_kind(value) not in expected:
        return " or ".join(sorted(k.value for k in expected)), got.value
    vocab = vocabulary(info)
    if vocab is not None and value is not None and value not in vocab.values:
        return f"one of {vocab.name}", f"{shown(value)}, not in the vocabulary"
    return None


@dataclass
class _Tally:
    seen: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)  # prefixes with at least one object seen
    unexpected: dict[str, Unexpected] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)


def _walk(model: type[BaseModel], item: dict[str, Any], prefix: str, tally: _Tally) -> None:
    tally.objects.add(prefix)
    known = set()
    for name, info in model.model_fields.items():
        key = wire_name(name, info)
        known.add(key)
        if key not in item:
            continue
        path = prefix + key
        tally.seen.add(path)
        problem = _value_problem(info, item[key])
        if problem and path not in tally.unexpected:
            tally.unexpected[path] = Unexpected(path, *problem)
        inner = item_model(info.annotation)
        if inner is not None and isinstance(item[key], list):
            _walk_items(inner, item[key], f"{path}[].", tally)
    tally.unknown.update(prefix + printable(key) for key in item if key not in known)


def _walk_items(model: type[BaseModel], values: list[Any], prefix: str, tally: _Tally) -> None:
    for value in values:
        value = unwrap_data(value)
        if isinstance(value, dict):
            _walk(model, value, prefix, tally)
            _unreadable(model, value, prefix, tally)


def _unreadable(model: type[BaseModel], item: dict[str, Any], prefix: str, tally: _Tally) -> None:
    """Values of the right JSON kind that the model still cannot read (a date that is not one)."""
    try:
        model.model_validate(item)
    except ValidationError as error:
        for problem in error.errors(include_input=False, include_url=False):
            loc = problem["loc"]
            path = prefix + (str(loc[0]) if loc else "body")
            if problem["type"] != "missing" and path not in tally.unexpected:
                tally.unexpected[path] = Unexpected(path, "a value qbx can read", problem["msg"])


def expected_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every wire field qbx reads from `model` (nested list items as `field[].inner`)."""
    names: list[str] = []
    for name, info in model.model_fields.items():
        key = prefix + wire_name(name, info)
        names.append(key)
        inner = item_model(info.annotation)
        if inner is not None:
            names.extend(expected_fields(inner, f"{key}[]."))
    return names


def compare(model: type[BaseModel], items: list[Any]) -> Shape:
    """Fields of `model` that no item carried, values of the wrong kind or vocabulary, and
    fields present that the model does not know. Nested fields count only when their parent
    list had objects to look at."""
    tally = _Tally()
    _walk_items(model, items, "", tally)
    missing = [
        name
        for name in expected_fields(model)
        if name not in tally.seen and _prefix(name) in tally.objects
    ]
    return Shape(
        missing=tuple(missing),
        unexpected_type=tuple(tally.unexpected[k] for k in sorted(tally.unexpected)),
        unknown_fields=tuple(sorted(tally.unknown)),
    )


def _prefix(name: str) -> str:
    parent, sep, _ = name.rpartition("[].")
    return parent + sep
