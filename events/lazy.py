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
