"""A threaded HTTP server on a free loopback port, in the test process: the base of the
stand-ins for outside services (tests/sources_server.py, tests/oauth_server.py)."""

import threading
from http.server import ThreadingHTTPServer


class LocalServer:
    """Serves `handler` at `url` once started; `server` carries the handler's state."""

    def __init__(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
