"""The event vocabulary as frozen pydantic models, discriminated by ``kind``.

The models are built from the kinds' descriptors (:mod:`events.kinds`), which
declare each kind's fields once; nothing about a kind is written here.

These models are the public, validated form of an event: export, the public
API and validation of loaded files use them.  The hot recording loop never
builds them; it appends compact tuples (see :mod:`events.codes`).

Every event carries the value it replaces, so each one can be undone exactly.

Schema changes bump :data:`SCHEMA_VERSION` and add an explicit upcaster to
:data:`UPCASTERS` (``upcast_v1_v2`` style), so old session files stay readable.
"""
from __future__ import annotations

from typing import Annotated, Any, Callable, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from events.codes import SCHEMA_VERSION
from events.kinds import KINDS, Kind

__all__ = ["SCHEMA_VERSION", "Event", "EVENT_ADAPTER", "MODELS", "UPCASTERS", "parse_event", "upcast"]



class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_bytes="hex", val_json_bytes="hex")


def _model(k: Kind) -> type[_Event]:
    """The frozen model of one kind, from the fields its descriptor declares."""
    fields: dict[str, Any] = {"kind": (Literal[k.name], k.name)}   # type: ignore[valid-type]
    fields.update({name: (annotation, default) for name, annotation, default in k.fields})
    return create_model(k.model, __base__=_Event, __doc__=k.doc, __module__=__name__, **fields)


#: Every public model by class name, one per kind (the memory codes share one).
MODELS: dict[str, type[_Event]] = {}
for _k in KINDS:
    if _k.model not in MODELS:
        MODELS[_k.model] = _model(_k)
globals().update(MODELS)      # events.schema.PageMapped and the rest, for callers and tests

Event = Annotated[Union[tuple(MODELS.values())], Field(discriminator="kind")]   # type: ignore[valid-type]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

# version -> function turning a dict of that version into a dict of the next.
UPCASTERS: dict[int, Callable[[dict], dict]] = {}


def upcast_v1_v2(data: dict) -> dict:
    """Version 2 added page_copied and kernel_mapped; version 1 events are unchanged."""
    return data


UPCASTERS[1] = upcast_v1_v2


def upcast_v2_v3(data: dict) -> dict:
    """Version 3 added task_forked, task_switched and page_unmapped's ``kept``; version 2
    events are one process's and mean what they meant."""
    return data


UPCASTERS[2] = upcast_v2_v3


def upcast_v3_v4(data: dict) -> dict:
    """Version 4 added the FPU and SSE registers to register writes; version 3 events
    name only the general registers, which keep their meaning."""
    return data


UPCASTERS[3] = upcast_v3_v4


def upcast(data: dict, version: int) -> dict:
    """Bring an event dict written with schema ``version`` up to :data:`SCHEMA_VERSION`."""
    while version < SCHEMA_VERSION:
        data = UPCASTERS[version](data)
        version += 1
    return data


def parse_event(data: dict, version: int = SCHEMA_VERSION) -> Event:
    """Validate one event dict (e.g. from export or a file), upcasting it first."""
    return EVENT_ADAPTER.validate_python(upcast(dict(data), version))
