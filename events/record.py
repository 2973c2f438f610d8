"""Value classes written out in full: what ``@dataclass`` gave, without building it at import.

Python 3.11's ``dataclass`` compiles every method it adds (``__init__``, ``__repr__``,
``__eq__``, and for a frozen class ``__setattr__``, ``__delattr__`` and ``__hash__``) from
generated source with ``exec``, each time a module is imported: 0.7 ms a class, 1.4 ms a
frozen one, measured on the development machine.  A ``vmdebug run examples/hello.s`` built 63
of them (about 50 ms of its 150, a third of the command), a ``vmdebug debug`` of a session 49
(issue #17).  A class here writes its ``__slots__`` and ``__init__`` in its own source, which
Python compiles once into the ``.pyc``; what is the same for every class (the repr, equality,
hashing, immutability, pickling) is one method here, shared.

A class's fields are its ``__init__``'s parameters, in order (read from the code object
when the class is made: no ``inspect``).  As with ``@dataclass``:

* ``repr`` is ``Name(field=value, ...)`` without the fields named in ``_repr_skip``;
* equality compares the fields, less those in ``_eq_skip``, of two objects of exactly one
  class; a :class:`Record` with equality is unhashable, a :class:`Frozen` one hashes the
  same fields;
* ``class X(Record, eq=False)`` keeps identity equality and hashing;
* a :class:`Frozen` object refuses ``setattr``/``delattr`` after ``__init__`` (which sets
  its fields with ``object.__setattr__``), and pickles and copies through its constructor;
* :func:`replace` is ``dataclasses.replace``.
"""
from __future__ import annotations

from typing import Any, TypeVar

R = TypeVar("R", bound="Record")


class FrozenInstanceError(AttributeError):
    """A field of a :class:`Frozen` object was assigned or deleted (dataclasses' own name)."""


class Record:
    """Equality and repr over the fields ``__init__`` takes."""

    __slots__ = ()
    _record_fields: tuple[str, ...] = ()     # __init__'s parameters, in order
    _repr_skip: tuple[str, ...] = ()
    _eq_skip: tuple[str, ...] = ()
    _compared: tuple[str, ...] = ()
    _shown: tuple[str, ...] = ()

    def __init_subclass__(cls, eq: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        code = getattr(cls.__init__, "__code__", None)        # None: object's own (a base class)
        names = code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount] if code else ()
        cls._record_fields = names
        cls.__match_args__ = names
        cls._compared = tuple(n for n in names if n not in cls._eq_skip)
        cls._shown = tuple(n for n in names if n not in cls._repr_skip)
        if not eq:
            cls.__eq__ = object.__eq__              # type: ignore[method-assign]
            cls.__hash__ = object.__hash__          # type: ignore[method-assign]

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._shown)
        return f"{type(self).__qualname__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = self._compared
        return tuple([getattr(self, n) for n in names]) == tuple([getattr(other, n) for n in names])

    __hash__ = None     # type: ignore[assignment]  # equal by value and mutable: as @dataclass(eq=True)


class Frozen(Record):
    """A :class:`Record` whose fields cannot change once ``__init__`` has set them."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __hash__(self) -> int:
        return hash(tuple([getattr(self, n) for n in self._compared]))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy through ``__init__`` (the default would restore with ``setattr``)."""
        return type(self), tuple([getattr(self, n) for n in self._record_fields])


def replace(obj: R, **changes: Any) -> R:
    """A copy of ``obj`` with ``changes`` to its fields, made by its ``__init__``."""
    values = {n: getattr(obj, n) for n in obj._record_fields}
    values.update(changes)
    return type(obj)(**values)
