"""vmdebug: a time-travel debugger for a simulated 32-bit Linux process."""

__version__ = "0.1.0"
