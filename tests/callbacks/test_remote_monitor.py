import http.server
import json
import socket
import threading
import urllib.parse

import numpy as np
import pytest

from lamina.callbacks import RemoteMonitor


@pytest.fixture
def server():
    """A local HTTP server on 127.0.0.1 that records each POST's path, headers and body."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, dict(self.headers), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass  # keep the test output clean

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_posts_each_epoch_as_a_form_field(server):
    root, received = server
    monitor = RemoteMonitor(root=root, headers={"X-Run": "seven"})
    monitor.on_epoch_end(0, {"loss": np.float32(0.5), "acc": np.array(0.25)})
    monitor.on_epoch_end(1, {"loss": 0.125})
    assert [path for path, _, _ in received] == ["/publish/epoch/end/"] * 2
    path, headers, body = received[0]
    assert headers["X-Run"] == "seven"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = urllib.parse.parse_qs(body.decode())
    assert json.loads(form["data"][0]) == {"epoch": 0, "loss": 0.5, "acc": 0.25}
    assert json.loads(urllib.parse.parse_qs(received[1][2].decode())["data"][0]) == {
        "epoch": 1,
        "loss": 0.125,
    }


def test_sends_json(server):
    root, received = server
    RemoteMonitor(root=root, path="/events", send_as_json=True).on_epoch_end(3, {"loss": 2.0})
    ((path, headers, body),) = received
    assert path == "/events"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"epoch": 3, "loss": 2.0}


def test_unreachable_server_warns():
    with socket.socket() as probe:  # a port with nobody listening once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monitor = RemoteMonitor(root=f"http://127.0.0.1:{port}")
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        monitor.on_epoch_end(0, {"loss": 1.0})
