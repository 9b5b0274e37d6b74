"""A one-line progress bar on stderr, shared by the long-running management commands."""

import time


class Progress:
    """Count, percentage and rate on one redrawn line.

    `total` may be None when the amount of work is not known ahead (a streamed import):
    the line then shows the count and rate only. `unit` names what is counted.
    """

    WIDTH = 30
    # Redraw at most this often: a caller may advance thousands of times a second.
    INTERVAL = 0.2

    def __init__(self, label, total, stream, unit=""):
        self.label, self.total, self.stream, self.unit = label, total, stream, unit
        self.done = 0
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.draw()

    def advance(self, n):
        self.done += n
        if self.total is not None or time.monotonic() - self.drawn_at >= self.INTERVAL:
            self.draw()

    def draw(self):
        self.drawn_at = time.monotonic()
        rate = self.done / max(self.drawn_at - self.started, 1e-6)
        unit = f" {self.unit}" if self.unit else ""
        if self.total is None:
            line = f"\r{self.label:<10} {self.done:,}{unit} {rate:,.0f}/s"
        else:
            share = self.done / self.total if self.total else 1
            filled = int(share * self.WIDTH)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            line = f"\r{self.label:<10} [{bar}] {self.done}/{self.total} {share:4.0%} {rate:,.0f}/s"
        self.stream.write(line, ending="")
        self.stream.flush()

    def finish(self):
        if self.total is None:
            self.draw()
        self.stream.write("")
