"""The local AWS emulator: moto's server mode behind a threaded WSGI server.

Every service reaches it over HTTP through `AWS_ENDPOINT_URL`, so the aiobotocore code path is the one used in AWS.
moto's own dev server (werkzeug) is single-threaded by default; granian in WSGI mode with a pool of blocking
threads serves the same WSGI app about twice as fast, so it is the default. `WEBDPRO_AWS_SERVER=werkzeug` falls
back to moto's ThreadedMotoServer (werkzeug, one thread per request) if granian ever misbehaves.

Entry: `python -m webdpro_local.emulator` (env: WEBDPRO_AWS_PORT=4566, WEBDPRO_AWS_HOST=127.0.0.1,
WEBDPRO_AWS_THREADS=64, WEBDPRO_AWS_SERVER=granian|werkzeug).

ACM: moto would flip a DNS-validated certificate to ISSUED after MOTO_ACM_VALIDATION_WAIT seconds without looking
at DNS. Here that wait is ten years, and `POST /_local/acm/issue {"arn"}` (granian mode) issues a certificate: the
local platform's finisher (webdpro_local.acm_validation) calls it once the validation CNAMEs are in Route 53, as
ACM does in AWS.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

from webdpro_local.procs import set_pdeathsig

DEFAULT_PORT = 4566
ACM_NEVER_SELF_VALIDATES = str(10 * 365 * 24 * 3600)  # MOTO_ACM_VALIDATION_WAIT: the finisher issues instead


class _Untracked(list):
    """An always-empty `instances_tracked`: moto keeps every model instance ever created in a class-level list
    (for its dashboard), which for DynamoDB items, SQS messages and S3 objects is an unbounded leak under a
    benchmark and makes `/moto-api/data.json` slow."""

    def append(self, _item: Any) -> None:
        return None


_HOT_MODELS = [
    ("moto.dynamodb.models.dynamo_type", "Item"),
    ("moto.sqs.models", "Message"),
    ("moto.s3.models", "FakeKey"),
    ("moto.s3.models", "FakeDeleteMarker"),
]

# What the dev inbox reads from data.json. moto records no send time, so we stamp one.
_SENT_MODELS = [
    ("moto.sns.models", "SMS"),
    ("moto.ses.models", "Message"),
    ("moto.ses.models", "TemplateMessage"),
    ("moto.ses.models", "RawMessage"),
]


def _patch_moto() -> None:
    import importlib
    from datetime import UTC, datetime

    from moto.core.model_instances import model_data

    from webdpro_local import dynamo_atomic

    dynamo_atomic.install()

    for module, name in _HOT_MODELS:
        cls = getattr(importlib.import_module(module), name)
        cls.instances_tracked = _Untracked()
        # Drop it from the registry too, so a /moto-api/reset does not put a real list back.
        model_data[module.split(".")[1]].pop(name, None)

    for module, name in _SENT_MODELS:
        cls = getattr(importlib.import_module(module), name)
        original = cls.__init__

        def stamped_init(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> None:
            __original(self, *args, **kwargs)
            self.sent_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

        cls.__init__ = stamped_init


def _issue_certificate(arn: str) -> bool:
    """Mark a moto ACM certificate ISSUED (what ACM does once its DNS validation records resolve)."""
    from moto.acm.models import acm_backends

    parts = arn.split(":")
    if len(parts) < 6 or parts[2] != "acm":
        return False
    region, account = parts[3], parts[4]
    cert = acm_backends[account][region]._certificates.get(arn)
    if cert is None:
        return False
    if cert.status == "PENDING_VALIDATION":
        cert.status = "ISSUED"
    return True


def _local_control(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """`POST /_local/acm/issue {"arn": …}` → 200 / 404 (unknown certificate) / 400."""
    import json

    def answer(status: str, body: dict[str, Any]) -> list[bytes]:
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    if environ.get("PATH_INFO") != "/_local/acm/issue" or environ.get("REQUEST_METHOD") != "POST":
        return answer("404 Not Found", {"message": "unknown local control path"})
    try:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        arn = json.loads(environ["wsgi.input"].read(size) or b"{}").get("arn")
    except (ValueError, AttributeError):
        arn = None
    if not isinstance(arn, str) or not arn:
        return answer("400 Bad Request", {"message": 'body must be {"arn": "arn:aws:acm:…"}'})
    if not _issue_certificate(arn):
        return answer("404 Not Found", {"message": f"no certificate {arn}"})
    return answer("200 OK", {"arn": arn, "status": "ISSUED"})


def _with_local_control(app: Any) -> Any:
    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO", "").startswith("/_local/"):
            return _local_control(environ, start_response)
        return app(environ, start_response)

    return wrapped


def create_app() -> Any:
    """WSGI app factory (runs inside the granian worker): moto's host/header based dispatcher."""
    # moto reads these at import time; no real credentials are ever needed or looked up.
    os.environ.setdefault("MOTO_ACM_VALIDATION_WAIT", ACM_NEVER_SELF_VALIDATES)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-south-1")
    # granian serves from a forked worker; if the emulator's master is SIGKILLed the worker must not live on
    # holding the port.
    set_pdeathsig()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    _patch_moto()
    return _with_local_control(DomainDispatcherApplication(create_backend_app))


def serve_granian(host: str, port: int, threads: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    Granian(
        "webdpro_local.emulator:create_app",
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=1,  # moto keeps its state in process memory: exactly one worker, many threads
        blocking_threads=threads,
        backlog=1024,
        log_level=LogLevels.warning,
    ).serve()


def serve_werkzeug(host: str, port: int) -> None:
    import logging

    os.environ.setdefault("MOTO_ACM_VALIDATION_WAIT", ACM_NEVER_SELF_VALIDATES)
    from moto.server import ThreadedMotoServer

    _patch_moto()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per AWS call
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop()


def main() -> None:
    # No death signal here: run from a shell, the parent may legitimately exit first. The supervisor sets it
    # for its children (procs.Child), and the granian worker sets it towards this process (create_app).
    host = os.environ.get("WEBDPRO_AWS_HOST", "127.0.0.1")
    port = int(os.environ.get("WEBDPRO_AWS_PORT", DEFAULT_PORT))
    kind = os.environ.get("WEBDPRO_AWS_SERVER", "granian")
    print(f"aws emulator ({kind}) on http://{host}:{port}", file=sys.stderr, flush=True)
    if kind == "werkzeug":
        serve_werkzeug(host, port)
    else:
        # Many threads: every service's consumer holds one in an SQS long poll (up to 10 s) at all times; with
        # a handful of threads those polls starve every other call. DynamoDB stays serialised by its own lock.
        serve_granian(host, port, int(os.environ.get("WEBDPRO_AWS_THREADS", "64")))


if __name__ == "__main__":
    main()
