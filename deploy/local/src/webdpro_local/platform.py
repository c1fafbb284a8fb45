"""The local platform supervisor: what `make run` starts, and what the end-to-end tests use as a fixture.

Order: AWS emulator → wait until it answers → provision the manifest → every service process → scheduler →
gateway → wait until the gateway's /healthz is 200 (every service and the emulator answer) → print the URLs.
On Ctrl-C / SIGTERM everything stops: gateway and scheduler first, then the services, the emulator last (the
services may still write on their way out). Each child runs in its own process group and gets SIGTERM from the
kernel if the supervisor dies without cleaning up (PR_SET_PDEATHSIG), so nothing is orphaned.

    python -m webdpro_local.platform [--services auth,sitegen] [--logs .run/logs] [--timeout 60]

    with start_platform(env, services=["auth"]) as p:   # programmatic, separate processes
        httpx.get(p.gateway_url + "/healthz")
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import os
import random
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from webdpro_local.procs import Child, stop_all
from webdpro_local.razorpay import platform_env as razorpay_env
from webdpro_local.registrar import platform_env as registrar_env
from webdpro_local.services import ServiceSpec, registry
from webdpro_local.settings import LocalSettings, load_local


class PlatformError(RuntimeError):
    pass


@dataclass
class RunningPlatform:
    """What a started platform offers: base URLs and the environment its processes share."""

    gateway_url: str
    aws_url: str
    service_urls: dict[str, str]
    env: dict[str, str]
    settings: LocalSettings
    children: dict[str, Child] = field(default_factory=dict, repr=False)

    @property
    def inbox_url(self) -> str:
        return f"{self.gateway_url}/_dev/inbox"

    def openapi_url(self, service: str) -> str:
        return f"{self.gateway_url}/api/{service}/schema/openapi.json"

    def describe(self) -> str:
        lines = [
            f"gateway      {self.gateway_url}   (health: {self.gateway_url}/healthz)",
            *(
                f"{name:<12} {self.gateway_url}/api/{name}/schema   (process {url})"
                for name, url in self.service_urls.items()
            ),
        ]
        if self.settings.is_local:
            lines.append(f"dev inbox    {self.inbox_url}?to=<phone or email>")
        lines.append(f"aws emulator {self.aws_url}   (state: {self.aws_url}/moto-api/)")
        if "razorpay" in self.children:
            lines.append(f"razorpay     {self.env['WEBDPRO_RAZORPAY_BASE_URL']}   (control: /_emulator/)")
        if "registrar" in self.children:
            lines.append(
                f"registrar    {self.env['WEBDPRO_REGISTRAR_BASE_URL']}   (Hostinger API; control: /_emulator/)"
            )
        if "acm-validation" in self.children:
            lines.append("acm finisher issues DNS-validated certificates once their CNAMEs are in Route 53")
        return "\n".join(lines)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports_env(span: int = 8) -> dict[str, str]:
    """Port settings that collide with nothing running now (a developer's platform, another test run):
    WEBDPRO_AWS_PORT, WEBDPRO_GATEWAY_PORT and a WEBDPRO_PORT_BASE with `span` free ports above it."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20_000, 60_000, 10)
        if all(port_is_free(base + i) for i in range(span + 2)):
            return {
                "WEBDPRO_AWS_PORT": str(base + span),
                "WEBDPRO_GATEWAY_PORT": str(base + span + 1),
                "WEBDPRO_PORT_BASE": str(base),
            }
    raise PlatformError("no free port range found")


def shared_env(
    settings: LocalSettings, base: Mapping[str, str], specs: Sequence[ServiceSpec]
) -> dict[str, str]:
    """The environment every child gets: the emulator as AWS, fake credentials, the ports, each other's URLs."""
    env = dict(base)
    auth_port = settings.port_base + 1
    env.update(
        {
            "AWS_ENDPOINT_URL": settings.emulator_url,
            "AWS_ACCESS_KEY_ID": settings.aws_access_key_id or "test",
            "AWS_SECRET_ACCESS_KEY": settings.aws_secret_access_key or "test",
            "AWS_DEFAULT_REGION": settings.aws_region,
            "AWS_EC2_METADATA_DISABLED": "true",  # never probe for instance credentials on a laptop
            "WEBDPRO_ENV": settings.env,
            "WEBDPRO_AWS_PORT": str(settings.aws_port),
            "WEBDPRO_GATEWAY_PORT": str(settings.gateway_port),
            "WEBDPRO_PORT_BASE": str(settings.port_base),
            "WEBDPRO_JWKS_URL": f"http://127.0.0.1:{auth_port}/api/auth/.well-known/jwks.json",
            "WEBDPRO_PUBLIC_BASE_URL": f"http://127.0.0.1:{settings.gateway_port}",
            "WEBDPRO_SERVICE_URLS": ",".join(f"{s.name}={s.url}" for s in specs) or "none",
            "PYTHONUNBUFFERED": "1",
        }
    )
    # Each service's own URL, for the few synchronous calls a user waits on (orders → catalog reservations).
    env.update({f"WEBDPRO_{s.name.upper()}_URL": s.url for s in specs})
    env.update(razorpay_env(settings.port_base, settings.gateway_port, base))  # port, keys, webhook target
    env.update(
        registrar_env(settings.port_base, base)
    )  # port, WEBDPRO_REGISTRAR_BASE_URL and _TOKEN (sitegen)
    return env


def _run_async(fn: Callable[[], Any]) -> Any:
    # In a thread of its own, so this works whether or not the caller already runs an event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(fn())).result()


class Platform:
    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        services: Sequence[str] | None = None,
        *,
        log_dir: Path | None = None,
        quiet: bool = False,
        timeout: float = 60.0,
        grace: float = 5.0,
    ) -> None:
        self.base_env = {**os.environ, **(env or {})}
        # The platform's AWS is the emulator it starts, whatever AWS_ENDPOINT_URL the shell may export.
        port = load_local(self.base_env).aws_port
        self.settings = load_local(self.base_env, aws_endpoint_url=f"http://127.0.0.1:{port}")
        self.specs = registry(self.settings, services)
        self.env = shared_env(self.settings, self.base_env, self.specs)
        self.log_dir = log_dir
        self.quiet = quiet
        self.timeout = timeout
        self.grace = grace
        self.stages: list[list[Child]] = []  # start order; stopped in reverse
        self.running: RunningPlatform | None = None
        # The emulator keeps its state in memory, so the founder console's embedded reporting database lives
        # and dies with this platform too (a file left by an earlier run would hold another world's rows).
        self.scratch = tempfile.mkdtemp(prefix="webdpro-platform-")

    # Start -----------------------------------------------------------------------------------------------

    def _spawn(self, name: str, argv: Sequence[str], extra: Mapping[str, str] | None = None) -> Child:
        return Child(name, argv, {**self.env, **(extra or {})}, log_dir=self.log_dir, quiet=self.quiet)

    def _runs(self, service: str) -> bool:
        return any(sp.name == service for sp in self.specs)

    def service_env(self, spec: ServiceSpec) -> dict[str, str]:
        """What one service process gets on top of the shared environment."""
        env = {"WEBDPRO_SERVICE": spec.name, "WEBDPRO_PORT": str(spec.port), "WEBDPRO_HOST": "127.0.0.1"}
        if spec.name == "admin" and not self.base_env.get("WEBDPRO_REPORTING_PATH"):
            env["WEBDPRO_REPORTING_PATH"] = str(Path(self.scratch) / "admin.sqlite3")
        if spec.name == "sitegen":
            # Live stores by host through the gateway: http://curam.localhost:<gateway port>/ (values set in the
            # platform's environment win).
            env["WEBDPRO_SITES_DOMAIN"] = self.base_env.get("WEBDPRO_SITES_DOMAIN") or "localhost"
            env["WEBDPRO_SITE_URL_TEMPLATE"] = (
                self.base_env.get("WEBDPRO_SITE_URL_TEMPLATE")
                or f"http://{{host}}:{self.settings.gateway_port}/"
            )
        return env

    def edge_processes(self) -> list[tuple[str, list[str]]]:
        """The stand-ins started after the services, before the gateway: (name, argv)."""
        out: list[tuple[str, list[str]]] = []
        if self._runs("payments"):  # its Razorpay (the emulator)
            out.append(("razorpay", [sys.executable, "-m", "webdpro_local.razorpay"]))
        if self._runs("sitegen"):  # its registrar (Hostinger emulator) and what ACM does by itself in AWS
            out.append(("registrar", [sys.executable, "-m", "webdpro_local.registrar"]))
            out.append(("acm-validation", [sys.executable, "-m", "webdpro_local.acm_validation"]))
        out.append(("scheduler", [sys.executable, "-m", "webdpro_local.scheduler"]))
        out.append(("gateway", [sys.executable, "-m", "webdpro_local.gateway"]))
        return out

    def _check_ports(self) -> None:
        s = self.settings
        wanted = {
            "aws emulator": s.aws_port,
            "gateway": s.gateway_port,
            **{sp.name: sp.port for sp in self.specs},
        }
        if self._runs("sitegen"):
            wanted["registrar"] = int(self.env["WEBDPRO_REGISTRAR_PORT"])
        busy = [f"{name} :{port}" for name, port in wanted.items() if not port_is_free(port)]
        if busy:
            raise PlatformError(
                f"port(s) in use: {', '.join(busy)}. Is another platform running? "
                "Set WEBDPRO_AWS_PORT / WEBDPRO_GATEWAY_PORT / WEBDPRO_PORT_BASE to run a second one."
            )

    def _wait(
        self, what: str, url: str, ok: Callable[[httpx.Response], bool], children: Sequence[Child]
    ) -> None:
        deadline = time.monotonic() + self.timeout
        last = "no answer"
        with httpx.Client(timeout=2.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                for child in children:
                    if not child.alive():
                        raise PlatformError(
                            f"{child.name} exited with code {child.proc.returncode} during startup"
                        )
                try:
                    r = client.get(url)
                    if ok(r):
                        return
                    last = f"HTTP {r.status_code}: {r.text[:300]}"
                except httpx.HTTPError as exc:
                    last = type(exc).__name__
                time.sleep(0.1)
        raise PlatformError(f"{what} not ready after {self.timeout:g}s ({url}: {last})")

    def start(self) -> RunningPlatform:
        s = self.settings
        self._check_ports()
        try:
            emulator = self._spawn("aws", [sys.executable, "-m", "webdpro_local.emulator"])
            self.stages.append([emulator])
            self._wait(
                "aws emulator",
                f"{s.emulator_url}/moto-api/config",
                lambda r: r.status_code < 500,  # moto answers this page with 201
                [emulator],
            )

            from webdpro_local.provision import provision_changes

            changes = _run_async(lambda: provision_changes(s))
            print(f"[platform] provisioned {len(changes)} resource change(s)", flush=True)

            services: list[Child] = []
            self.stages.append(services)  # filled as they start, so a failure half-way still stops them
            for sp in self.specs:
                services.append(self._spawn(sp.name, sp.argv, self.service_env(sp)))
            edge: list[Child] = []
            self.stages.append(edge)
            for name, argv in self.edge_processes():
                edge.append(self._spawn(name, argv))
            gateway_url = f"http://127.0.0.1:{s.gateway_port}"
            all_children = [c for stage in self.stages for c in stage]
            self._wait("platform", f"{gateway_url}/healthz", lambda r: r.status_code == 200, all_children)
            if self._runs("sitegen"):
                self._wait(
                    "registrar emulator",
                    f"{self.env['WEBDPRO_REGISTRAR_BASE_URL']}/_emulator/health",
                    lambda r: r.status_code == 200,
                    all_children,
                )
        except BaseException:
            self.stop()
            raise
        self.running = RunningPlatform(
            gateway_url=gateway_url,
            aws_url=s.emulator_url,
            service_urls={sp.name: sp.url for sp in self.specs},
            env=dict(self.env),
            settings=s,
            children={c.name: c for c in all_children},
        )
        return self.running

    # Stop ------------------------------------------------------------------------------------------------

    def stop(self) -> None:
        while self.stages:
            stop_all(self.stages.pop(), grace=self.grace)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def dead_children(self) -> list[Child]:
        return [c for stage in self.stages for c in stage if not c.alive()]

    def __enter__(self) -> RunningPlatform:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def start_platform(
    env: Mapping[str, str] | None = None,
    services: Sequence[str] | None = None,
    *,
    log_dir: Path | None = None,
    quiet: bool = False,
    timeout: float = 60.0,
) -> Iterator[RunningPlatform]:
    """Start the whole platform as separate processes, yield its URLs, stop everything on exit.

    `env` overrides os.environ for the platform (ports, WEBDPRO_ENV=test, ...); `services` limits the services
    (default: WEBDPRO_SERVICES, else every installed one). Call it from the main thread (the children's death
    signal is tied to the thread that started them)."""
    platform = Platform(env, services, log_dir=log_dir, quiet=quiet, timeout=timeout)
    try:
        yield platform.start()
    finally:
        platform.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webdpro_local.platform")
    parser.add_argument("--services", help="comma list (default: every installed service)")
    parser.add_argument(
        "--logs", nargs="?", const=".run/logs", help="write each child's output to DIR/<name>.log"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for readiness")
    args = parser.parse_args(argv)

    # SIGTERM behaves like Ctrl-C: unwind through the same cleanup.
    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    # SIGINT too: a shell starts background jobs with SIGINT ignored, and Python keeps that.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)
    services = [x.strip() for x in args.services.split(",") if x.strip()] if args.services else None
    platform = Platform(
        services=services, log_dir=Path(args.logs) if args.logs else None, timeout=args.timeout
    )
    try:
        running = platform.start()
        print(
            f"\nWebdPro is running ({running.settings.env}):\n{running.describe()}\n\nCtrl-C stops it.",
            flush=True,
        )
        essential = {"aws", "gateway"}
        reported: set[str] = set()
        while True:
            time.sleep(0.5)
            for child in platform.dead_children():
                if child.name in reported:
                    continue
                reported.add(child.name)
                print(
                    f"[platform] {child.name} exited with code {child.proc.returncode}",
                    file=sys.stderr,
                    flush=True,
                )
                if child.name in essential:
                    return 1
    except PlatformError as exc:
        print(f"[platform] {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\n[platform] stopping…", flush=True)
        return 0
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C / SIGTERM must not cut the cleanup short
        platform.stop()


if __name__ == "__main__":
    sys.exit(main())
