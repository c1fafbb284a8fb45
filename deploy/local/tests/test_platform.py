"""The supervisor: starts emulator, scheduler and gateway as separate processes on free ports, reports healthy,
and leaves nothing behind when it stops."""

from __future__ import annotations

import os

import httpx
import pytest

from webdpro_local.platform import PlatformError, free_ports_env, start_platform
from webdpro_local.services import ALL_SERVICES, parse_service_urls, port_of, registry
from webdpro_local.settings import load_local


def test_registry_ports_and_route_table():
    s = load_local({"WEBDPRO_PORT_BASE": "9100"})
    assert [port_of(n, 8100) for n in ALL_SERVICES] == list(range(8101, 8108))
    specs = registry(s, ["sitegen", "auth"])
    assert [(x.name, x.port) for x in specs] == [("sitegen", 9102), ("auth", 9101)]
    assert specs[1].argv[0].endswith("webdpro-auth")
    assert parse_service_urls("a=http://x:1/, b=http://y:2") == {"a": "http://x:1", "b": "http://y:2"}
    with pytest.raises(ValueError):
        registry(s, ["nope"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose (its parent has not reaped it yet).
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(") ", 1)[1][0] != "Z"


def test_start_platform_without_services_then_stop_everything():
    env = {
        **free_ports_env(),
        "WEBDPRO_ENV": "test",
        "WEBDPRO_SCAN_INTERVAL_SECONDS": "3600",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:1",  # a developer's shell setting must not leak into the platform
    }
    with start_platform(env, services=[], quiet=True, timeout=30) as p:
        assert set(p.children) == {"aws", "scheduler", "gateway"}
        health = httpx.get(p.gateway_url + "/healthz")
        assert health.status_code == 200 and health.json()["checks"] == {"aws": "ok"}
        assert httpx.get(p.inbox_url).status_code == 200
        assert p.aws_url == f"http://127.0.0.1:{env['WEBDPRO_AWS_PORT']}"
        assert p.env["AWS_ENDPOINT_URL"] == p.aws_url and p.env["WEBDPRO_ENV"] == "test"
        pids = [c.pid for c in p.children.values()]
        with pytest.raises(PlatformError, match="in use"):  # a second one on the same ports is refused
            with start_platform(env, services=[], quiet=True):
                pass
    assert not any(_alive(pid) for pid in pids)


def test_sitegen_gets_the_registrar_emulator_the_acm_finisher_and_live_store_urls():
    from webdpro_local.platform import Platform
    from webdpro_local.registrar import DEFAULT_TOKEN

    env = {**free_ports_env(), "WEBDPRO_ENV": "test"}
    p = Platform(env, services=["sitegen"], quiet=True)
    port = int(p.env["WEBDPRO_REGISTRAR_PORT"])
    assert port != 4579  # a shifted platform never takes a developer's registrar port
    assert p.env["WEBDPRO_REGISTRAR_BASE_URL"] == f"http://127.0.0.1:{port}"
    assert p.env["WEBDPRO_REGISTRAR_TOKEN"] == DEFAULT_TOKEN
    names = [name for name, _ in p.edge_processes()]
    assert names == ["registrar", "acm-validation", "scheduler", "gateway"]
    sitegen = p.service_env(p.specs[0])
    assert sitegen["WEBDPRO_SITES_DOMAIN"] == "localhost"
    site_url = sitegen["WEBDPRO_SITE_URL_TEMPLATE"].format(host="curam.localhost")
    assert site_url == f"http://curam.localhost:{env['WEBDPRO_GATEWAY_PORT']}/"
    assert "WEBDPRO_SITES_DOMAIN" not in p.service_env(Platform(env, services=["auth"]).specs[0])
    assert [n for n, _ in Platform(env, services=["auth"]).edge_processes()] == ["scheduler", "gateway"]

    # The registrar's port is checked with the others before anything starts.
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        with pytest.raises(PlatformError, match=f"registrar :{port}"):
            p.start()
    assert p.stages == []
