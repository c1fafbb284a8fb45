"""`make bench`'s AWS call counter, loaded into a service process by Python itself (`site` imports any
`sitecustomize` module found on sys.path at start-up; the bench puts this directory on PYTHONPATH).

It does something only in a process whose WEBDPRO_SERVICE is listed in WEBDPRO_BENCH_AWS_SERVICES, and only when
WEBDPRO_BENCH_AWS_CALLS names a directory; everywhere else (emulator, gateway, scheduler, other services) it
returns at once. The service's code is not touched: two things are wrapped in the process's memory.

- webdpro_http's RequestContextMiddleware (the outermost per-request code of every service) notes, in a
  context variable, which request is running, its asyncio task, and whether its response has been sent.
- Every aiobotocore session registers botocore `before-call` / `after-call` (and `after-call-error`) handlers:
  one line per AWS API call (an operation, botocore's own retries inside it) with its duration; `before-send`
  lines count the HTTP attempts, retries included.

Each line says where the call happened:
  req      in the request's own task before its response was complete: the caller waits for it (critical path)
  spawned  in a task the request started, while the request was still running (not awaited by the request)
  after    after the response was complete (a background task the request started, or after-response work)
  bg       outside any request (event consumers, outbox relay, sweepers)

File: <WEBDPRO_BENCH_AWS_CALLS>/<service>.<pid>.tsv, line-buffered, columns:
  unix time (the call's start), event (call|send), where, request key, "METHOD /path" of the request,
  service.Operation, milliseconds (the whole call as the caller waits for it; 0 for sends)
"""

from __future__ import annotations

import os


def _install() -> None:
    out_dir = os.environ.get("WEBDPRO_BENCH_AWS_CALLS", "")
    service = os.environ.get("WEBDPRO_SERVICE", "")
    wanted = {s.strip() for s in os.environ.get("WEBDPRO_BENCH_AWS_SERVICES", "").split(",") if s.strip()}
    if not out_dir or service not in wanted:
        return

    import asyncio
    import contextvars
    import itertools
    import time

    from aiobotocore.session import AioSession

    from webdpro_http.context import RequestContextMiddleware

    current: contextvars.ContextVar[list | None] = contextvars.ContextVar("bench_request", default=None)
    sequence = itertools.count(1)
    files: dict[int, object] = {}  # pid → file (granian forks its worker after this module ran)

    def write(line: str) -> None:
        pid = os.getpid()
        f = files.get(pid)
        if f is None:
            f = files[pid] = open(os.path.join(out_dir, f"{service}.{pid}.tsv"), "a", buffering=1)
        f.write(line)  # type: ignore[attr-defined]

    original_call = RequestContextMiddleware.__call__

    async def call(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return await original_call(self, scope, receive, send)
        # [key, label, task, answered]
        request = [f"{os.getpid()}-{next(sequence)}", f"{scope['method']} {scope['path']}", None, False]
        try:
            request[2] = asyncio.current_task()
        except RuntimeError:
            pass

        async def watch(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.body" and not message.get("more_body"):
                request[3] = True
            await send(message)

        token = current.set(request)
        try:
            return await original_call(self, scope, receive, watch)
        finally:
            request[3] = True
            current.reset(token)

    RequestContextMiddleware.__call__ = call  # type: ignore[method-assign]

    def where() -> tuple[str, str, str]:
        request = current.get()
        if request is None:
            return "bg", "-", "-"
        if request[3]:
            return "after", request[0], request[1]
        try:
            task = asyncio.current_task()
        except RuntimeError:
            task = None
        return ("req" if task is request[2] else "spawned"), request[0], request[1]

    def before_call(model=None, context=None, **_: object) -> None:  # type: ignore[no-untyped-def]
        # Must return None: a value from a before-call handler would replace the AWS response.
        if context is not None:
            context["bench_call"] = (time.time(), time.perf_counter(), where())

    def after_call(model=None, context=None, **_: object) -> None:  # type: ignore[no-untyped-def]
        started = (context or {}).pop("bench_call", None)
        if started is None:
            return
        at, t0, (kind, key, label) = started
        ms = (time.perf_counter() - t0) * 1e3
        op = f"{model.service_model.service_name}.{model.name}"
        write(f"{at:.6f}\tcall\t{kind}\t{key}\t{label}\t{op}\t{ms:.3f}\n")

    def before_send(request=None, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        kind, key, label = where()
        op = str(kwargs.get("event_name", "before-send.?.?")).split(".", 1)[-1]
        write(f"{time.time():.6f}\tsend\t{kind}\t{key}\t{label}\t{op}\t0\n")

    original_init = AioSession.__init__

    def init(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        original_init(self, *args, **kwargs)
        self.register("before-call", before_call)
        self.register("after-call", after_call)
        self.register("after-call-error", after_call)
        self.register("before-send", before_send)

    AioSession.__init__ = init  # type: ignore[method-assign]


try:
    _install()
except Exception as exc:  # a broken counter must never stop a service from starting
    import sys

    print(f"bench sitecustomize: AWS call counter not installed: {exc!r}", file=sys.stderr)
