"""The thread that reads, cleans and batches records while the last batch is written."""

import contextlib
import queue
import threading
from dataclasses import dataclass, field

from .records import Rejected, clean

# Batches read ahead of the one being written: enough for the reader never to wait for
# a batch to be written, few enough for memory to stay flat.
_READ_AHEAD = 3


@dataclass(slots=True)
class _Batch:
    records: list = field(default_factory=list)  # cleaned, keys unique within the batch
    rejected: list = field(default_factory=list)
    skipped: int = 0
    shortened: int = 0
    read: int = 0


class _Stop(Exception):
    pass


class Reader(threading.Thread):
    """Reads, cleans and batches the records on a thread of its own.

    Reading is Python's work and writing mostly the database's, and the database driver
    lets other threads run while it waits for the server: with the two on separate
    threads the next batch is parsed while the server stores the last one. The
    database is only used from the importing thread (a Django connection belongs to
    one thread, and a caller's transaction must see the import).
    """

    def __init__(self, records, batch_size, venue_name=None):
        super().__init__(name="import-reader", daemon=True)
        self.records = records
        self.batch_size = batch_size
        # A record's venue to its canonical name (papers.venues.VenueMap.canonical): a
        # dict lookup, from a map the importing thread read before this one started.
        self.venue_name = venue_name
        self.batches = queue.Queue(maxsize=_READ_AHEAD)
        self.stopping = threading.Event()

    def run(self):
        try:
            for batch in self._batches():
                self._put(batch)
            self._put(None)
        except _Stop:
            pass
        except BaseException as error:  # raised again by the importing thread
            with contextlib.suppress(_Stop):
                self._put(error)

    def _batches(self):
        batch, first_line = _Batch(), {}
        for record in self.records:
            batch.read += 1
            if record is None:
                batch.skipped += 1
                continue
            if not isinstance(record, Rejected):
                record = clean(record)
            if isinstance(record, Rejected):
                batch.rejected.append(record)
                continue
            if self.venue_name and (venue := record.fields.get("venue")):
                record.fields["venue"] = self.venue_name(venue)
            lower = record.key.lower()
            if lower in first_line:
                batch.rejected.append(
                    Rejected(
                        record.file,
                        record.line,
                        f"{record.key}: key repeated (first at line {first_line[lower]})",
                    )
                )
                continue
            first_line[lower] = record.line
            batch.records.append(record)
            batch.shortened += record.shortened
            if len(batch.records) >= self.batch_size:
                yield batch
                batch, first_line = _Batch(), {}
        yield batch

    def _put(self, item):
        while not self.stopping.is_set():
            try:
                self.batches.put(item, timeout=0.1)
                return
            except queue.Full:
                pass
        raise _Stop

    def get(self):
        """The next batch, None after the last; what went wrong in the reader is raised."""
        item = self.batches.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self):
        self.stopping.set()
        self.join(timeout=10)
