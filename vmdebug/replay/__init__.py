"""Replay: the state at any step, as the fold of the event log up to it.

Between the machine that *decides* events (:mod:`vmdebug.machine`) and the
views that show them (:mod:`vmdebug.debugger`, :mod:`vmdebug.gdbserver`):

* :mod:`~vmdebug.replay.fold` applies and undoes runs of events, vectorised;
* :mod:`~vmdebug.replay.history` rebuilds any step from checkpoints;
* :mod:`~vmdebug.replay.checkpoints` is the stored form of those checkpoints;
* :mod:`~vmdebug.replay.timeline` is the cursor and the state at it;
* :mod:`~vmdebug.replay.query` answers questions over the compact columns
  (values per step, writes to an address, output, frames), so that no view
  reads raw event codes.
"""
