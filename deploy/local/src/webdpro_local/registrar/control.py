"""Helpers around a running emulator: the control client tests use, a context manager that starts one as a
subprocess on a free port, and the environment the local platform gives its children."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from webdpro_local.procs import free_port, running_server
from webdpro_local.registrar.config import DEFAULT_PORT, DEFAULT_TOKEN

DEFAULT_PORT_BASE = 8100  # the local platform's default WEBDPRO_PORT_BASE


class RegistrarControl:
    """Drives a running emulator over HTTP: faults, taken names, limits, the request log, state, reset.

    `url` is the base URL to give the product's registrar client (`token` is the API token it accepts)."""

    def __init__(self, url: str, token: str = DEFAULT_TOKEN) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.http = httpx.Client(base_url=self.url, timeout=10, trust_env=False)

    def api(self, method: str, path: str, *, token: str | None = None, **kw: Any) -> httpx.Response:
        """A Hostinger API call with the emulator's token (or `token`), for tests that want the raw response."""
        headers = {
            "Authorization": f"Bearer {self.token if token is None else token}",
            **kw.pop("headers", {}),
        }
        return self.http.request(method, path, headers=headers, **kw)

    def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        r = self.http.post(path, json=body or {})
        r.raise_for_status()
        return r.json()

    def fault(
        self,
        next_n_requests: int = 1,
        status: int | None = 503,
        delay_ms: int = 0,
        paths: str | list[str] | None = None,
        *,
        methods: str | None = None,
        process: bool = False,
        body: str = "json",
        message: str | None = None,
        skip: int = 0,
    ) -> dict[str, Any]:
        """Arm a fault (see faults.py): by default the next API request answers 503."""
        rule: dict[str, Any] = {
            "next_n_requests": next_n_requests,
            "status": status,
            "delay_ms": delay_ms,
            "process": process,
            "body": body,
            "skip": skip,
        }
        if paths:
            rule["paths"] = paths
        if methods:
            rule["methods"] = methods
        if message:
            rule["message"] = message
        return self._post("/_emulator/faults", rule)

    def clear_faults(self) -> None:
        self.http.delete("/_emulator/faults").raise_for_status()

    def take(self, *domains: str) -> list[str]:
        """Mark names (`acme`) or domains (`acme.in`) as registered by someone else."""
        return self._post("/_emulator/taken", {"domains": list(domains)})["taken"]

    def configure(self, **settings: Any) -> dict[str, Any]:
        """`availability_rate_per_minute=…`, `rate_per_minute=…`, `token=…` (rate windows restart)."""
        return self._post("/_emulator/config", settings)

    def log(self, path: str | None = None, method: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in {"path": path, "method": method}.items() if v}
        r = self.http.get("/_emulator/log", params=params)
        r.raise_for_status()
        return r.json()["items"]

    def calls(self, path: str, method: str | None = None) -> int:
        return len(self.log(path, method))

    def state(self) -> dict[str, Any]:
        r = self.http.get("/_emulator/state")
        r.raise_for_status()
        return r.json()

    def orders(self, domain: str | None = None) -> list[dict[str, Any]]:
        return [o for o in self.state()["orders"] if domain is None or o["domain"] == domain]

    def reset(self) -> None:
        self._post("/_emulator/reset")

    def close(self) -> None:
        self.http.close()


def _env_name(key: str) -> str:
    return key if key.startswith("WEBDPRO_") else f"WEBDPRO_REGISTRAR_{key.upper()}"


@contextmanager
def running_registrar(
    port: int | None = None, *, timeout: float = 20.0, **env: Any
) -> Iterator[RegistrarControl]:
    """Start `python -m webdpro_local.registrar` on a free port (a subprocess), yield its control client, stop it.

    Keyword arguments set the emulator's environment: `availability_rate_per_minute=3` →
    WEBDPRO_REGISTRAR_AVAILABILITY_RATE_PER_MINUTE, `token=…`, `taken="acme,foo.in"`, or full `WEBDPRO_…` names."""
    port = port or free_port()
    child_env = {**os.environ, "WEBDPRO_REGISTRAR_PORT": str(port)}
    for key in [k for k in child_env if k.startswith("WEBDPRO_REGISTRAR_") and k != "WEBDPRO_REGISTRAR_PORT"]:
        del child_env[key]  # a developer's shell settings must not leak into a test's emulator
    child_env.update({_env_name(k): str(v) for k, v in env.items()})
    url = f"http://127.0.0.1:{port}"
    control = RegistrarControl(url, token=child_env.get("WEBDPRO_REGISTRAR_TOKEN") or DEFAULT_TOKEN)
    try:
        with running_server(
            "registrar emulator", "webdpro_local.registrar", child_env, f"{url}/_emulator/health", timeout
        ):
            yield control
    finally:
        control.close()


def platform_env(port_base: int, base: Mapping[str, str]) -> dict[str, str]:
    """What the local platform adds to every child's environment for the registrar (values in `base` win).

    Port: WEBDPRO_REGISTRAR_PORT, else 4579 with the default port base, else a free port (a shifted test
    platform must not collide with a developer's). sitegen reads WEBDPRO_REGISTRAR_BASE_URL and _TOKEN."""
    port = base.get("WEBDPRO_REGISTRAR_PORT") or str(
        DEFAULT_PORT if port_base == DEFAULT_PORT_BASE else free_port()
    )
    defaults = {
        "WEBDPRO_REGISTRAR_PORT": port,
        "WEBDPRO_REGISTRAR_BASE_URL": f"http://127.0.0.1:{port}",
        "WEBDPRO_REGISTRAR_TOKEN": DEFAULT_TOKEN,
    }
    return {k: base.get(k) or v for k, v in defaults.items()}
