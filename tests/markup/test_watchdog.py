"""markup.watchdog: a deadline on the main thread, and blocks it must not cut short."""

import signal
import threading
import time

import pytest

from markup.watchdog import Overrun, deadline, shielded


def spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_overrun_is_raised_in_the_block():
    with pytest.raises(Overrun), deadline(0.05):
        spin(2)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_a_block_within_its_deadline_finishes():
    with deadline(1):
        spin(0.01)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_a_shielded_block_finishes_and_the_overrun_comes_after():
    finished = []
    with pytest.raises(Overrun), deadline(0.05):
        with shielded():
            spin(0.2)
            finished.append(True)
        spin(2)  # not reached: the held alarm is raised as the shield ends
    assert finished == [True]


def test_nested_deadlines_keep_the_outer_one():
    with pytest.raises(Overrun), deadline(0.05), deadline(10):
        spin(2)


def test_other_threads_run_without_a_deadline():
    outcome = []

    def work():
        with deadline(0.01):
            spin(0.1)
        outcome.append("done")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == ["done"]
