"""numpy, imported on first use rather than at start-up.

``vmdebug run`` of a short program never seals a chunk of the log, so it never
needs numpy; importing it anyway costs 60-90 ms, a third of the command
(issue #17: ``run hello.s`` in under 150 ms).  Modules on that path write
``from events.lazy import np`` and use ``np`` as usual: the standard
library's :class:`importlib.util.LazyLoader` runs numpy's ``__init__`` at the
first attribute access and then turns the module object into the ordinary
module, so later accesses cost what they always did.
"""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module *name*, loaded when an attribute of it is first read.

    An already imported module is returned as it is.  The lazy module goes
    into ``sys.modules``, so a plain ``import numpy`` elsewhere gets the same
    object and the package's ``__init__`` still runs once.
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"No module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


np = lazy_module("numpy")


def unique(a: "np.ndarray") -> "np.ndarray":
    """``numpy.unique(a)``: the sorted distinct values of ``a``, flattened.  numpy 2.4's own
    takes a path that imports ``numpy.ma`` (10 ms) to ask whether ``a`` is masked, on the
    way to the first session a command opens; the columns here never are."""
    a = np.sort(np.asarray(a), axis=None)
    if a.size < 2:
        return a
    keep = np.empty(a.size, dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]
