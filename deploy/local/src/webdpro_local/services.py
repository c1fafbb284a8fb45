"""The registry of local service processes: name → port and command, and the gateway's route table.

A service takes part only when it can run: its package has a `main` module (its `main:run` reads WEBDPRO_HOST /
WEBDPRO_PORT) — or when it is named explicitly. Ports are `WEBDPRO_PORT_BASE + index` in a fixed order so every
developer and test sees the same ones: auth 8101, sitegen 8102, catalog 8103, orders 8104, payments 8105,
delivery 8106, admin 8107.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from webdpro_local.settings import LocalSettings

# Order fixes the ports: never reorder, only append.
ALL_SERVICES: tuple[str, ...] = ("auth", "sitegen", "catalog", "orders", "payments", "delivery", "admin")


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str
    port: int
    argv: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def health_path(self) -> str:
        return f"/api/{self.name}/healthz"


def port_of(name: str, port_base: int) -> int:
    return port_base + ALL_SERVICES.index(name) + 1


def is_runnable(name: str) -> bool:
    """True when the service's package has a main module; looked up without importing the package."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    # A same-named third-party package (there are PyPI packages called "admin" or "orders") must not count:
    # ours live in the workspace's services/<name>/src.
    return any(
        (Path(loc) / "main.py").is_file() and Path(loc).parent.parent.name == name
        for loc in spec.submodule_search_locations
    )


def command_for(name: str) -> tuple[str, ...]:
    # Prefer the console script (`webdpro-<name>`) from this interpreter's venv; fall back to calling run().
    script = Path(sys.executable).parent / f"webdpro-{name}"
    if script.is_file():
        return (str(script),)
    return (sys.executable, "-c", f"from {name}.main import run; run()")


def registry(settings: LocalSettings, names: Iterable[str] | None = None) -> list[ServiceSpec]:
    """The services to run: `names` if given, else WEBDPRO_SERVICES, else every runnable one."""
    if names is not None:
        chosen = list(names)  # an explicit empty list means "no services" (emulator + gateway only)
    else:
        chosen = settings.service_list or [n for n in ALL_SERVICES if is_runnable(n)]
    unknown = [n for n in chosen if n not in ALL_SERVICES]
    if unknown:
        raise ValueError(f"unknown service(s) {unknown}; known: {list(ALL_SERVICES)}")
    return [ServiceSpec(n, port_of(n, settings.port_base), command_for(n)) for n in chosen]


def parse_service_urls(value: str) -> dict[str, str]:
    """ "auth=http://127.0.0.1:8101,sitegen=http://…" → {"auth": "http://127.0.0.1:8101", …}."""
    routes: dict[str, str] = {}
    if value.strip().lower() == "none":  # an explicitly empty table (an empty variable reads as unset)
        return routes
    for part in value.split(","):
        if not part.strip():
            continue
        name, sep, url = part.partition("=")
        if not sep or not name.strip() or not url.strip():
            raise ValueError(f"WEBDPRO_SERVICE_URLS: expected name=url, got {part!r}")
        routes[name.strip()] = url.strip().rstrip("/")
    return routes


def route_table(settings: LocalSettings, names: Iterable[str] | None = None) -> dict[str, str]:
    """service → base URL for the gateway. WEBDPRO_SERVICE_URLS, when set, is the whole table (not merged), so
    a gateway can front exactly the processes a test started ("none" = no services at all)."""
    if settings.service_urls.strip():
        return parse_service_urls(settings.service_urls)
    return {s.name: s.url for s in registry(settings, names)}
