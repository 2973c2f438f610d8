"""A GDB Remote Serial Protocol stub over the time-travel debugger.

``packets`` frames and checks packets, ``tdesc`` describes the i386 registers
to gdb, ``target`` answers each request from a :class:`~vmdebug.debugger.session.Debugger`
(the cursor is the inferior's "now"; resuming forward or backward is a scan of
the recorded history) and ``server`` runs the socket loop, one client at a time.
"""
