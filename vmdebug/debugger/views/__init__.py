"""Views: pure functions from the state at the cursor (and what is known about
the program) to lines of text.  Commands print them; the REPL's context uses
them too.  None reads anything but its arguments."""
from __future__ import annotations
