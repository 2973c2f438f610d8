"""The fold: forward then back is the identity, and every route to a step agrees."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from eventgen import random_log
from events.kinds import apply, revert
from events.state import ProcessState
from vmdebug.replay.history import History
from vmdebug.replay.fold import apply_range

NFRAMES = 64


def same(a: ProcessState, b: ProcessState) -> None:
    assert a.regs == b.regs
    assert np.array_equal(a.phys, b.phys)
    assert a.pagemap == b.pagemap
    assert a.vmas == b.vmas
    assert a.stack == b.stack
    assert (a.brk, a.exited, a.fault, a.outputs) == (b.brk, b.exited, b.fault, b.outputs)


def sequential(log, last: int) -> ProcessState:
    state = ProcessState(NFRAMES)
    for row in log.steps(0, last).cols.tolist():
        apply(state, tuple(row), log.extras)
    return state


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), nsteps=st.integers(0, 300))
def test_folding_forward_then_back_returns_the_initial_state(seed: int, nsteps: int) -> None:
    log = random_log(seed, nsteps)
    state = ProcessState(NFRAMES)
    rows = [tuple(r) for r in log.steps(0, log.last_step).cols.tolist()]
    for row in rows:
        apply(state, row, log.extras)
    for row in reversed(rows):
        revert(state, row, log.extras)
    same(state, ProcessState(NFRAMES))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), nsteps=st.integers(1, 600), data=st.data())
def test_state_at_agrees_with_the_sequential_fold(seed: int, nsteps: int, data) -> None:
    log = random_log(seed, nsteps)
    history = History(log, NFRAMES, interval=data.draw(st.sampled_from([1, 7, 64, 1000])))
    step = data.draw(st.integers(0, log.last_step))
    same(history.state_at(step), sequential(log, step))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), nsteps=st.integers(50, 400), data=st.data())
def test_vectorised_backward_range_undoes_the_forward_range(seed: int, nsteps: int, data) -> None:
    log = random_log(seed, nsteps)
    lo = data.draw(st.integers(1, log.last_step))
    hi = data.draw(st.integers(lo, log.last_step))
    state = sequential(log, hi)
    apply_range(state, log.steps(lo, hi).cols, log.extras, forward=False)
    same(state, sequential(log, lo - 1))


def test_stepping_back_one_step_at_a_time_retraces_every_state() -> None:
    log = random_log(7, 200)
    history = History(log, NFRAMES, interval=16)
    state = history.state_at(log.last_step)
    for step in range(log.last_step, 0, -1):
        history.backward(state, step)
        same(state, sequential(log, step - 1))
