"""A local web server that behaves like a visitor's network, for the benchmark and browser tests.

It serves what build.DistHandler serves (dist/ under a prefix, plus pages generated in
memory) the way a static host or CDN would, compressed and cacheable, and it throttles
in the server rather than through DevTools emulation, which may miss a worker's requests:

- every response waits one round trip before its first byte, and a new connection one
  more, for its TCP handshake (HTTP/1.1 keep-alive; Chromium opens up to 6 per origin);
- every byte written, headers and bodies of all connections, is paced through ONE link
  of the profile's bandwidth, so parallel downloads, the worker's included, share it;
- bodies are compressed as the browser asks (brotli, else gzip) and counted as sent, so
  "bytes sent" is what a visitor downloads, including anything downloaded twice.

Not modelled: TCP slow start, packet loss, DNS, TLS, HTTP/2.

    site = Site(profile=network.PROFILES["4g"])      # conftest.Site, throttled
    site.server.profile = network.PROFILES["cable"]  # switch between page loads
    sent = site.server.take_sent()                   # what went out since the last call
"""
import functools
import gzip
import math
import os
import pathlib
import queue
import sys
import threading
import time
from typing import NamedTuple

import brotli

import build


class Profile(NamedTuple):
    """A visitor's network: the round-trip time and the bandwidth of their one link."""
    name: str
    rtt_ms: float
    mbit_s: float


PROFILES = {profile.name: profile for profile in (Profile("cable", 40, 10), Profile("4g", 150, 1.6))}
# Compressed and counted, but as fast as the machine: for warming the compression cache.
UNTHROTTLED = Profile("unthrottled", 0, math.inf)

# What a host compresses; images and the like are left as they are. Already compressed
# files (python_stdlib.zip) are sent compressed only when that is smaller.
COMPRESSIBLE = {".js", ".mjs", ".wasm", ".json", ".html", ".css", ".py", ".mpy", ".bin", ".zip", ".txt", ".svg"}
# What the README advises hosts to send for dist/: its files never change under one URL per release.
CACHEABLE = "public, max-age=31536000"
ENCODINGS = ("br", "gzip")  # what the server offers, preferred first
CHUNK = 16 * 1024  # bytes the link sends at a time: parallel responses interleave by chunk


class Sent(NamedTuple):
    """One response, as the server wrote it."""
    method: str  # GET, or HEAD (the loader checks its worker's files so when the worker is slow)
    path: str
    bytes: int  # status line, headers and body
    encoding: str  # "br", "gzip" or "identity"
    started: float  # time.monotonic() when the request arrived


class Link:
    """One link shared by every connection: a single send schedule at the profile's bandwidth.

    Each chunk books the next free slot on the link and is written when its slot ends,
    so N parallel downloads each get about 1/N of the bandwidth, as on a real link. A
    write's next chunk was ready when the one before it ended, even if the thread woke
    later than that, so the machine's scheduling jitter does not cost bandwidth.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._free_at = 0.0

    def send(self, write, data: bytes, mbit_s: float) -> None:
        ready = time.monotonic()
        for start in range(0, len(data), CHUNK):
            chunk = data[start:start + CHUNK]
            if mbit_s != math.inf:
                with self._lock:
                    self._free_at = ready = max(self._free_at, ready) + len(chunk) * 8 / (mbit_s * 1e6)
                time.sleep(max(0.0, ready - time.monotonic()))
            write(chunk)


class PacedWriter:
    """The handler's socket writer, with every write going through the server's link, counted."""

    def __init__(self, raw, server: "NetworkServer"):
        self.raw = raw
        self.server = server
        self.written = 0

    def write(self, data: bytes) -> int:
        self.server.link.send(self.raw.write, data, self.server.profile.mbit_s)
        self.written += len(data)
        return len(data)

    def __getattr__(self, name: str):
        return getattr(self.raw, name)  # flush, close, closed


class NetworkHandler(build.DistHandler):
    """build.DistHandler behind the server's network profile, compressing what it sends."""

    server: "NetworkServer"

    def setup(self) -> None:
        super().setup()
        self.wfile = PacedWriter(self.wfile, self.server)

    def handle(self) -> None:
        """A new connection: its TCP handshake costs one round trip before the first request."""
        self.server.round_trip()
        super().handle()

    def do_GET(self) -> None:
        self.respond(super().do_GET)

    def do_HEAD(self) -> None:
        self.respond(super().do_HEAD)

    def respond(self, otherwise) -> None:
        """What DistHandler would send, compressed, after a round trip; `otherwise` answers what
        is neither a generated page nor a file (directories without index.html, 404s)."""
        started, before = time.monotonic(), self.wfile.written
        self.server.begin_response()
        encoding = "identity"
        try:
            self.server.round_trip()  # the request's way there and the first byte's way back
            found = self.body()
            if found is None:
                return otherwise()
            body, content_type, headers, static = found
            encoding, body = self.encode(body, static)
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            if encoding != "identity":
                self.send_header("Content-Encoding", encoding)
            if self.compressible():
                self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", CACHEABLE if static else "no-store")
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)
        finally:
            self.server.end_response(Sent(self.command, self.path, self.wfile.written - before, encoding, started))

    def body(self):
        """(body, content type, extra headers, whether it is a dist/ file), or None to leave to DistHandler."""
        found = self.generated.get(self.path.split("?")[0])
        if found is not None:
            content_type, body, headers = (found + ({},))[:3]
            return body, content_type, headers, False
        path = pathlib.Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if not path.is_file():
            return None
        return file_body(path), self.guess_type(str(path)), {}, True

    def compressible(self) -> bool:
        path = self.path.split("?")[0]
        return os.path.splitext(path)[1] in COMPRESSIBLE or path.endswith("/")

    def encode(self, body: bytes, static: bool) -> tuple:
        """(encoding, body) as the browser asked: brotli, else gzip, else as it is.

        A dist/ file is compressed once, at the levels a CDN stores static files with (gzip
        -6, brotli -11). Brotli -11 takes minutes for Pyodide's files, so until a file's
        brotli body is ready, the server sends gzip and makes it in the background
        (wait_for_compression() waits for it). Generated pages, which may change, are
        compressed on each request at the levels of on-the-fly compression.
        """
        if not self.compressible():
            return "identity", body
        accepted = accepted_encodings(self.headers.get("Accept-Encoding", ""))
        for encoding in self.server.encodings:
            if encoding in accepted:
                if not static:
                    encoded = compress(body, encoding, on_the_fly=True)
                elif encoding == "gzip":
                    encoded = compressed(body, encoding)
                else:
                    encoded = compressed_later(body, encoding)
                if encoded is not None and len(encoded) < len(body):
                    return encoding, encoded
        return "identity", body


class NetworkServer(build.DistServer):
    """build.DistServer with a network profile (changeable between page loads) and a record of what it sent."""

    def __init__(self, address, handler, profile: Profile, encodings: tuple):
        super().__init__(address, handler)
        self.profile = profile
        self.encodings = encodings
        self.link = Link()
        self._sent = []
        self._in_flight = 0
        self._changed = threading.Condition()

    def round_trip(self) -> None:
        time.sleep(self.profile.rtt_ms / 1000)

    def begin_response(self) -> None:
        with self._changed:
            self._in_flight += 1

    def end_response(self, sent: Sent) -> None:
        with self._changed:
            self._in_flight -= 1
            self._sent.append(sent)
            self._changed.notify_all()

    def take_sent(self, timeout: float = 10) -> list:
        """Every response sent since the last call, once the responses still being sent have
        ended (they do soon after their browser context is closed)."""
        with self._changed:
            self._changed.wait_for(lambda: self._in_flight == 0, timeout)
            sent, self._sent = self._sent, []
        return sent

    def handle_error(self, request, client_address) -> None:
        """A browser closing a connection mid-response is normal here, not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(port: int = 0, generated: dict = None, prefix: str = "/", profile: Profile = UNTHROTTLED,
                encodings: tuple = ENCODINGS) -> NetworkServer:
    """As build.make_server, behind `profile`. `encodings` are what the server offers: a test that
    does not weigh bytes may pass ("gzip",) to spare the minutes of CPU brotli -11 takes."""
    handler = functools.partial(NetworkHandler, directory=str(build.DIST),
                                generated=generated if generated is not None else {}, prefix=prefix)
    return NetworkServer(("127.0.0.1", port), handler, profile, encodings)


def accepted_encodings(header: str) -> set:
    """The codings an Accept-Encoding header accepts ("gzip, deflate, br, zstd"; q=0 refuses one)."""
    accepted = set()
    for item in header.split(","):
        name, _, parameters = item.strip().partition(";")
        if parameters.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            accepted.add(name.strip().lower())
    return accepted


@functools.lru_cache(maxsize=None)
def _file_body(path: str, mtime_ns: int, size: int) -> bytes:
    return pathlib.Path(path).read_bytes()


def file_body(path: pathlib.Path) -> bytes:
    """A file's bytes, read once per version of the file: the same object each time, so the
    compression cache finds it by identity instead of comparing megabytes."""
    stat = path.stat()
    return _file_body(str(path), stat.st_mtime_ns, stat.st_size)


def compress(body: bytes, encoding: str, on_the_fly: bool = False) -> bytes:
    """gzip -6 or brotli -11, as CDNs store static files; brotli -5 on the fly, as servers compress pages."""
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=6, mtime=0)
    return brotli.compress(body, quality=5 if on_the_fly else 11)


_compressed = {}  # (body, encoding) -> compressed body
_lock = threading.Lock()
_later = queue.Queue()  # (body, encoding) for the background thread
_queued = set()  # keys put on _later, so each is queued once


def compressed(body: bytes, encoding: str) -> bytes:
    """`body` compressed with compress(), computed once per body (the benchmark's byte counts use it too)."""
    key = (body, encoding)
    with _lock:
        found = _compressed.get(key)
    if found is None:
        found = compress(body, encoding)
        with _lock:
            _compressed[key] = found
    return found


def compressed_later(body: bytes, encoding: str):
    """As compressed(), if it has been computed; else None, and it is computed in the background."""
    key = (body, encoding)
    with _lock:
        found = _compressed.get(key)
        if found is None and key not in _queued:
            _queued.add(key)
            _later.put(key)
            if not _worker.is_alive():
                _worker.start()
    return found


def wait_for_compression() -> None:
    """Until every body queued by compressed_later() is compressed; the caller's thread helps."""
    while True:
        try:
            _compress_queued(_later.get_nowait())
        except queue.Empty:
            break
    _later.join()


def _compress_queued(key: tuple) -> None:
    compressed(*key)
    _later.task_done()


def _compress_in_background() -> None:
    while True:
        _compress_queued(_later.get())


# One thread, so that at least one core is left for the browser; a daemon, so that
# leaving does not wait for minutes of brotli.
_worker = threading.Thread(target=_compress_in_background, daemon=True, name="brotli")
