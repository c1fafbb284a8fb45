"""Container health probe, copied into every WebdPro image as /app/bin/healthcheck.py.

Standard library only: the python:3.11-slim runtime has no curl or wget, and the probe must not depend on the
application's virtualenv being importable.

    healthcheck.py URL                        exit 0 when GET URL answers 2xx within the timeout
    healthcheck.py /path [--port-env VAR]     the same for http://127.0.0.1:$VAR/path (VAR defaults to WEBDPRO_PORT)
    healthcheck.py --heartbeat FILE --max-age SECONDS
                                              exit 0 when FILE was modified less than SECONDS ago (for workers
                                              without an HTTP port, e.g. the scheduler, which touches FILE per tick)

Exit status 1 means unhealthy (Docker treats any other non-zero status as reserved), and one line on stdout says
why, which `docker inspect --format '{{json .State.Health}}'` shows.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request

HEALTHY, UNHEALTHY = 0, 1


def probe_url(url: str, timeout: float) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our own loopback URL)
            status = response.status
    except urllib.error.HTTPError as exc:
        print(f"unhealthy: {url} answered {exc.code}")
        return UNHEALTHY
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {url} unreachable: {exc}")
        return UNHEALTHY
    if 200 <= status < 300:
        return HEALTHY
    print(f"unhealthy: {url} answered {status}")
    return UNHEALTHY


def probe_heartbeat(path: str, max_age: float) -> int:
    try:
        age = time.time() - os.stat(path).st_mtime
    except OSError as exc:
        print(f"unhealthy: no heartbeat file {path}: {exc.strerror}")
        return UNHEALTHY
    if age > max_age:
        print(f"unhealthy: last heartbeat {age:.0f}s ago (> {max_age:.0f}s)")
        return UNHEALTHY
    return HEALTHY


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("target", nargs="?", help="URL, or a path on 127.0.0.1:$PORT_ENV")
    parser.add_argument(
        "--port-env", default="WEBDPRO_PORT", help="variable holding the port for a bare path"
    )
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--heartbeat", help="file a worker touches on every cycle")
    parser.add_argument("--max-age", type=float, default=120.0)
    args = parser.parse_args(argv)

    if args.heartbeat:
        return probe_heartbeat(args.heartbeat, args.max_age)
    if not args.target:
        parser.error("give a URL, a path or --heartbeat")
    url = args.target
    if url.startswith("/"):
        port = os.environ.get(args.port_env)
        if not port:
            print(f"unhealthy: {args.port_env} is not set")
            return UNHEALTHY
        url = f"http://127.0.0.1:{port}{url}"
    return probe_url(url, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
