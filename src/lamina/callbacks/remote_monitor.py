"""RemoteMonitor: posts each epoch's logs to an HTTP server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

from lamina.callbacks._host import to_host
from lamina.callbacks.callback import Callback

_TIMEOUT_SECONDS = 10  # a slow monitor must not hold training up for long


class RemoteMonitor(Callback):
    """Streams the logs of each epoch to a server, as an HTTP POST to ``root + path``.

    The body is the JSON of ``{"epoch": epoch, **logs}``: sent as ``application/json``
    when ``send_as_json``, else as the form field ``field``. An unreachable server gives a
    warning, not an error. Uses the standard library (Keras needs ``requests``).

    Args:
        root: the server's root URL.
        path: the path under ``root`` the events are posted to.
        field: the form field holding the JSON (when ``send_as_json=False``).
        headers: extra HTTP headers, a dict.
        send_as_json: post the JSON itself, with content type ``application/json``.
    """

    def __init__(
        self,
        root="http://localhost:9000",
        path="/publish/epoch/end/",
        field="data",
        headers=None,
        send_as_json=False,
    ):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            value = to_host(value)
            send[key] = value.tolist() if hasattr(value, "tolist") else value
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(
            self.root + self.path, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError:
            pass  # the server was reached; as Keras, its answer is not checked
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)


__all__ = ["RemoteMonitor"]
