"""A deadline on rendering: the backstop behind markup.limits, not a substitute for it.

The limits keep every text the site accepts well inside the time budget; this stops a
render that overruns anyway (a path nobody has found yet) so that the worker lives on
and the writer gets a message instead of a timeout.

It uses SIGALRM, so it works where requests run in the main thread: gunicorn's sync
workers (``make serve``), management commands and the tests. In other threads (the
development server, threaded workers) it does nothing and the limits alone hold.

Code that must not be cut off halfway runs ``shielded``: the KaTeX engine's Python side
waits on an event loop that an exception would leave broken. An alarm that comes during
a shielded block is held, and raised as it ends; KaTeX has its own timeouts.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Overrun", "deadline", "shielded"]


class Overrun(Exception):
    """The deadline passed."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise Overrun in the block's code if it runs longer than ``seconds``.

    Nested deadlines keep the outer one: a render inside a render is covered by it.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        yield
        return

    def on_alarm(signum, frame):
        if _state.shields:
            _state.held = True
        else:
            raise Overrun

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _state.held = False


class _State:
    shields = 0  # shielded blocks the main thread is in
    held = False  # an alarm came during one


_state = _State()


@contextmanager
def shielded() -> Iterator[None]:
    """Hold a deadline's alarm until the block ends (only the main thread has alarms)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state.shields += 1
    try:
        yield
    finally:
        _state.shields -= 1
    if not _state.shields and _state.held:
        _state.held = False
        raise Overrun
