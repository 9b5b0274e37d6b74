"""Every text within the length limit renders, or is refused with a message, quickly.

The corpus (tests/markup/adversarial.py) repeats, to a summary's full length, each
construct that once made a part of the pipeline slow or its output large. The bound
here is a guard against denial of service, generous for a loaded machine; the real
figures are in README "Rendering".
"""

import time

import pytest

from markup.limits import MAX_HTML
from markup.render import Refused, render

from .adversarial import AT_THE_LIMITS, CASES

# CPU seconds of the whole process (KaTeX's thread included). The renderer aims at a
# second for the worst text; its watchdog stops any render at three.
GUARD = 5.0


def _render_timed(text):
    start = time.process_time()
    try:
        html, refusal = render(text), None
    except Refused as error:
        html, refusal = None, str(error)
    return html, refusal, time.process_time() - start


@pytest.mark.parametrize("name", list(CASES))
def test_pathological_text_renders_or_is_refused_quickly(name):
    html, refusal, seconds = _render_timed(CASES[name])
    assert seconds < GUARD, f"{name}: {seconds:.1f} s"
    if refusal is None:
        assert len(html) <= MAX_HTML
    else:
        # The message names what was over and the limit, for the writer to act on.
        assert "limit" in refusal or "seconds" in refusal, refusal


@pytest.mark.parametrize("name", list(AT_THE_LIMITS))
def test_text_just_inside_the_limits_renders(name):
    html, refusal, seconds = _render_timed(AT_THE_LIMITS[name])
    assert refusal is None, refusal
    assert seconds < GUARD, f"{name}: {seconds:.1f} s"
    assert 0 < len(html) <= MAX_HTML
