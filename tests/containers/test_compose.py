"""Containers, checked without a Docker engine: docker-compose.yml and every Dockerfile.

The schema: tests/containers/compose-spec.json is the Compose Specification's JSON schema (the file
`schema/compose-spec.json` of the compose-spec/compose-spec project, Apache-2.0), taken from the npm package
`dclint` version 3.1.0, which ships it as `schemas/compose.schema.json` (its update script downloads it from the
compose-spec project). Obtained with `npm pack dclint@3.1.0` and copied unchanged; sha256 below. It is the current
spec (it knows `models`, `develop`, `gw_priority`, `start_interval`), not docker-compose 1.x's 2021 copy.
To update: `npm pack dclint@<version>` in a temp dir, copy `package/schemas/compose.schema.json` over
compose-spec.json, and change the version and the sha256 here.

What is checked:
- docker-compose.yml validates against that schema (and the validator really rejects a broken file);
- every services/<name>/ with a pyproject.toml has a compose block with a build pointing at its Dockerfile, an
  image, its port (expose + WEBDPRO_PORT, the planned 8101..8107 where known, unique), a healthcheck on
  /api/<name>/healthz at that port, the required environment, a restart policy, a wait on provisioning, and an
  entry in the gateway's WEBDPRO_SERVICE_URLS and depends_on — so adding a service without its block fails here;
- LocalStack (pinned tag, health on /_localstack/health, SERVICES covering deploy/resources.toml), the one-shot
  provisioner, the gateway and the scheduler are wired as described in docker-compose.yml's header;
- no credentials in the file other than LocalStack's fixed "test" ones;
- every Dockerfile is multi-stage, runs as a non-root USER, has a HEALTHCHECK and EXPOSE, and installs from
  uv.lock with `uv sync --frozen --no-dev --package <its project>`, with one pinned uv version for all;
- .dockerignore keeps virtualenvs, caches and tests out of the build context;
- the shared probe deploy/docker/healthcheck.py answers healthy/unhealthy correctly (loopback only);
- `docker compose config -q` accepts the file, when a compose CLI is installed (skipped otherwise).
"""

from __future__ import annotations

import copy
import hashlib
import http.server
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")
SCHEMA_SOURCE = "npm dclint@3.1.0: schemas/compose.schema.json"
SCHEMA_SHA256 = "46b7d35f19dd93a05f8fea530291bf84d881c1791ec167ecf0e6fb94e639d496"
HEALTHCHECK_SCRIPT = ROOT / "deploy" / "docker" / "healthcheck.py"

# The planned ports (shared/ARCHITECTURE.md, issue 3); a service not listed here just needs a unique port.
KNOWN_PORTS = {
    "auth": 8101,
    "sitegen": 8102,
    "catalog": 8103,
    "orders": 8104,
    "payments": 8105,
    "delivery": 8106,
    "admin": 8107,
}
GATEWAY_PORT = 8080
LOCALSTACK_URL = "http://localstack:4566"

# The environment every WebdPro process in compose must get, with these exact values.
REQUIRED_ENV = {
    "AWS_ENDPOINT_URL": LOCALSTACK_URL,
    "AWS_DEFAULT_REGION": "ap-south-1",
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "WEBDPRO_ENV": "local",
    "WEBDPRO_JWKS_URL": "http://auth:8101/api/auth/.well-known/jwks.json",
    "WEBDPRO_RESOURCE_MANIFEST": "/app/deploy/resources.toml",
}
# Credentials allowed in the file: LocalStack's fixed test pair, and nothing else.
# LocalStack's test keys, and the registrar emulator's documented local token (it guards nothing real).
ALLOWED_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "WEBDPRO_REGISTRAR_TOKEN": "hostinger_local_token",
}
CREDENTIAL_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|API_?KEY|ACCESS_KEY|CREDENTIAL", re.I)

# deploy/resources.toml section → the LocalStack service it needs.
MANIFEST_SERVICES = {
    "tables": "dynamodb",
    "topics": "sns",
    "queues": "sqs",
    "buckets": "s3",
    "secrets": "secretsmanager",
    "ses": "ses",
    "user_pools": "cognito-idp",
}
# LocalStack Community (the image that runs without an auth token) has no Cognito: a known, documented gap.
LOCALSTACK_COMMUNITY_GAPS = {"cognito-idp"}


# ---------------------------------------------------------------------------------------------- helpers


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    # safe_load resolves YAML anchors and `<<` merge keys, as Compose does.
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), "docker-compose.yml is not a mapping"
    return data


def service_dirs() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml"))


def pyproject(directory: Path) -> dict[str, Any]:
    return tomllib.loads((directory / "pyproject.toml").read_text())


def env_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the KEY=VALUE list form
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def healthcheck_cmd(service: dict[str, Any]) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    if isinstance(test, list):
        return " ".join(str(part) for part in test)
    return str(test or "")


def gateway_routes(compose: dict[str, Any]) -> dict[str, str]:
    raw = env_of(compose["services"]["gateway"]).get("WEBDPRO_SERVICE_URLS", "")
    routes = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, _, url = item.partition("=")
        routes[name.strip()] = url.strip()
    return routes


class Dockerfile:
    """Just enough of a Dockerfile parser: continuation lines joined, comments dropped, split into stages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        logical: list[str] = []
        pending = ""
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if line.startswith("#") or not line:
                continue  # comments (also inside a continued instruction) and blank lines
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            logical.append(pending + line)
            pending = ""
        if pending:
            logical.append(pending)
        self.instructions = [
            (ln.split(None, 1)[0].upper(), ln.split(None, 1)[1] if " " in ln else "") for ln in logical
        ]
        self.stages: list[list[tuple[str, str]]] = []
        for ins in self.instructions:
            if ins[0] == "FROM":
                self.stages.append([])
            if self.stages:
                self.stages[-1].append(ins)

    def all(self, keyword: str) -> list[str]:
        return [args for ins, args in self.instructions if ins == keyword]

    @property
    def final(self) -> list[tuple[str, str]]:
        return self.stages[-1]

    def final_all(self, keyword: str) -> list[str]:
        return [args for ins, args in self.final if ins == keyword]


def exec_form(args: str) -> list[str] | None:
    try:
        value = json.loads(args)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


# ---------------------------------------------------------------------------------------------- schema


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_compose()


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text())
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    cls.check_schema(schema)
    return cls(schema)


def test_vendored_schema_is_the_recorded_file() -> None:
    digest = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    assert digest == SCHEMA_SHA256, (
        f"compose-spec.json changed; record its source and sha256 ({SCHEMA_SOURCE})"
    )


def test_compose_file_matches_the_compose_specification(compose, validator) -> None:
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors
    )


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c["services"]["auth"].update(helthcheck={"test": ["CMD", "true"]}),  # misspelt key
        lambda c: c["services"]["auth"].update(depends_on={"provision": {"condition": "finished"}}),
        lambda c: c["services"]["auth"].update(restart=["always"]),
        lambda c: c.update(servics={}),
    ],
    ids=["unknown-service-key", "bad-depends-on-condition", "restart-not-a-string", "unknown-top-level-key"],
)
def test_schema_rejects_a_broken_compose_file(compose, validator, breakage) -> None:
    broken = copy.deepcopy(compose)
    breakage(broken)
    assert list(validator.iter_errors(broken)), (
        "the schema accepted a broken compose file: is it the real schema?"
    )


# ---------------------------------------------------------------------------------------------- services


def test_services_are_discovered() -> None:
    # Guards the discovery itself: if the glob found nothing, every per-service test would silently vanish.
    assert {"auth", "sitegen"} <= set(service_dirs())


@pytest.mark.parametrize("name", service_dirs())
def test_every_service_has_a_complete_compose_block(compose, name: str) -> None:
    services = compose.get("services", {})
    assert name in services, (
        f"services/{name}/ has a pyproject.toml but docker-compose.yml has no `{name}` service: "
        "copy the sitegen block (see the file's header)"
    )
    svc = services[name]
    problems: list[str] = []

    build = svc.get("build")
    if not isinstance(build, dict):
        problems.append("build must be a mapping with context and dockerfile")
    else:
        context = (COMPOSE_FILE.parent / build.get("context", ".")).resolve()
        if context != ROOT:
            problems.append(f"build.context must be the repository root (the uv workspace), got {context}")
        if build.get("dockerfile") != f"services/{name}/Dockerfile":
            problems.append(
                f"build.dockerfile must be services/{name}/Dockerfile, got {build.get('dockerfile')}"
            )
        if not (ROOT / "services" / name / "Dockerfile").is_file():
            problems.append(f"services/{name}/Dockerfile does not exist")

    image = str(svc.get("image", ""))
    if not image.startswith(f"webdpro/{name}:"):
        problems.append(f"image must be webdpro/{name}:<tag>, got {image!r}")

    env = env_of(svc)
    port_text = env.get("WEBDPRO_PORT", "")
    port = int(port_text) if port_text.isdigit() else None
    if port is None:
        problems.append(f"WEBDPRO_PORT must be set to the service's port, got {port_text!r}")
    elif name in KNOWN_PORTS and port != KNOWN_PORTS[name]:
        problems.append(f"{name} must listen on {KNOWN_PORTS[name]}, compose says {port}")
    if port is not None and str(port) not in {str(p) for p in svc.get("expose", [])}:
        problems.append(f"expose must list {port}")

    for key, value in REQUIRED_ENV.items():
        if env.get(key) != value:
            problems.append(f"environment {key} must be {value!r}, got {env.get(key)!r}")
    if env.get("WEBDPRO_SERVICE") != name:
        problems.append(f"WEBDPRO_SERVICE must be {name!r}")
    if env.get("WEBDPRO_HOST") != "0.0.0.0":
        problems.append(
            "WEBDPRO_HOST must be 0.0.0.0 (the default 127.0.0.1 is unreachable from other containers)"
        )

    health = svc.get("healthcheck") or {}
    cmd = healthcheck_cmd(svc)
    if health.get("disable") or not cmd:
        problems.append("a healthcheck with a test is required")
    elif port is not None and f"http://127.0.0.1:{port}/api/{name}/healthz" not in cmd:
        problems.append(f"healthcheck must probe http://127.0.0.1:{port}/api/{name}/healthz, got {cmd!r}")

    if svc.get("restart") not in {"always", "unless-stopped", "on-failure"} and not str(
        svc.get("restart", "")
    ).startswith("on-failure:"):
        problems.append(f"restart policy must keep a server running, got {svc.get('restart')!r}")
    if depends_on(svc).get("provision") != "service_completed_successfully":
        problems.append("depends_on provision: condition service_completed_successfully")

    routes = gateway_routes(compose)
    if port is not None and routes.get(name) != f"http://{name}:{port}":
        problems.append(f"gateway WEBDPRO_SERVICE_URLS must contain {name}=http://{name}:{port}")
    if depends_on(compose["services"]["gateway"]).get(name) != "service_healthy":
        problems.append(f"gateway must depend on {name} with condition service_healthy")

    dockerfile = ROOT / "services" / name / "Dockerfile"
    if dockerfile.is_file() and port is not None:
        df = Dockerfile(dockerfile)
        if str(port) not in " ".join(df.final_all("EXPOSE")).split():
            problems.append(f"services/{name}/Dockerfile must EXPOSE {port}")
        if f"WEBDPRO_PORT={port}" not in " ".join(df.final_all("ENV")).split():
            problems.append(f"services/{name}/Dockerfile must set ENV WEBDPRO_PORT={port}")

    assert not problems, f"compose service {name}:\n  " + "\n  ".join(problems)


def test_service_ports_are_unique(compose) -> None:
    ports = [
        env_of(compose["services"][n]).get("WEBDPRO_PORT") for n in service_dirs() if n in compose["services"]
    ]
    assert len(ports) == len(set(ports)), f"two services share a port: {ports}"
    assert str(GATEWAY_PORT) not in ports


def test_gateway_routes_only_to_existing_services(compose) -> None:
    stale = set(gateway_routes(compose)) - set(service_dirs())
    assert not stale, f"WEBDPRO_SERVICE_URLS routes to services that do not exist: {sorted(stale)}"


def test_every_container_has_a_restart_policy_and_a_healthcheck(compose) -> None:
    problems = []
    one_shot = {
        dep
        for svc in compose["services"].values()
        for dep, cond in depends_on(svc).items()
        if cond == "service_completed_successfully"
    }
    for name, svc in compose["services"].items():
        if "restart" not in svc:
            problems.append(f"{name}: no restart policy")
        health = svc.get("healthcheck") or {}
        if name in one_shot:
            # A job is awaited by its exit status; a probe would only add noise.
            if svc.get("restart") != "no":
                problems.append(f"{name}: a one-shot job must have restart: 'no'")
            continue
        if health.get("disable") or not healthcheck_cmd(svc):
            problems.append(f"{name}: no healthcheck")
        for dep, cond in depends_on(svc).items():
            if dep not in compose["services"]:
                problems.append(f"{name}: depends on unknown service {dep}")
            elif dep not in one_shot and cond != "service_healthy":
                problems.append(f"{name}: must wait for {dep} to be healthy, not {cond}")
    assert not problems, "\n".join(problems)


def test_localstack(compose) -> None:
    ls = compose["services"]["localstack"]
    image = ls["image"]
    assert re.fullmatch(r"localstack/localstack:\d+\.\d+(\.\d+)?", image), (
        f"pin a LocalStack release, not {image}"
    )
    assert "/_localstack/health" in healthcheck_cmd(ls)
    enabled = set(env_of(ls).get("SERVICES", "").split(","))
    manifest = tomllib.loads((ROOT / "deploy" / "resources.toml").read_text())
    needed = {MANIFEST_SERVICES[section] for section in manifest if section in MANIFEST_SERVICES}
    missing = needed - enabled - LOCALSTACK_COMMUNITY_GAPS
    assert not missing, f"LocalStack SERVICES lacks what deploy/resources.toml uses: {sorted(missing)}"
    unknown = set(manifest) - set(MANIFEST_SERVICES)
    assert not unknown, (
        f"deploy/resources.toml has sections this test does not map to AWS services: {unknown}"
    )


def test_provision_is_a_one_shot_job_after_localstack(compose) -> None:
    prov = compose["services"]["provision"]
    assert prov["build"] == {"context": ".", "dockerfile": "deploy/local/Dockerfile"}
    assert prov["command"] == ["python", "-m", "webdpro_local.provision"]
    assert prov["restart"] == "no"
    assert depends_on(prov) == {"localstack": "service_healthy"}
    assert env_of(prov).items() >= REQUIRED_ENV.items()


def test_gateway_and_scheduler(compose) -> None:
    gw, sch = compose["services"]["gateway"], compose["services"]["scheduler"]
    for svc in (gw, sch):
        assert svc["build"] == {"context": ".", "dockerfile": "deploy/local/Dockerfile"}
        assert env_of(svc).items() >= REQUIRED_ENV.items()
    assert gw["command"] == ["python", "-m", "webdpro_local.gateway"]
    assert env_of(gw)["WEBDPRO_GATEWAY_PORT"] == str(GATEWAY_PORT)
    assert any(str(p).endswith(f":{GATEWAY_PORT}:{GATEWAY_PORT}") for p in gw.get("ports", [])), gw.get(
        "ports"
    )
    assert f"127.0.0.1:{GATEWAY_PORT}/healthz" in healthcheck_cmd(gw)
    assert sch["command"] == ["python", "-m", "webdpro_local.scheduler"]
    assert env_of(sch)["WEBDPRO_SCHEDULER_HEARTBEAT_FILE"] in healthcheck_cmd(sch)


def test_no_credentials_beyond_localstack_test_ones() -> None:
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    found = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "environment" and isinstance(value, dict):
                    for var, val in value.items():
                        if CREDENTIAL_NAME.search(str(var)) and ALLOWED_CREDENTIALS.get(str(var)) != str(val):
                            found.append(f"{where}.environment.{var}")
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")

    walk(raw, "")
    assert not found, f"credentials in docker-compose.yml: {found}"
    for name, svc in raw["services"].items():
        assert "env_file" not in svc, (
            f"{name}: env_file would bring unknown values (and secrets) into compose"
        )


# ---------------------------------------------------------------------------------------------- Dockerfiles


def dockerfile_targets() -> list[tuple[str, Path, Path]]:
    """(id, Dockerfile, the package directory whose pyproject it installs)."""
    targets = [
        (name, ROOT / "services" / name / "Dockerfile", ROOT / "services" / name) for name in service_dirs()
    ]
    targets.append(("local", ROOT / "deploy" / "local" / "Dockerfile", ROOT / "deploy" / "local"))
    return targets


def uv_versions(df: Dockerfile) -> list[str]:
    """The uv version of each place uv comes from: `FROM ghcr.io/astral-sh/uv:<v>` or `pip install uv==<v>`.
    An unpinned source yields "unpinned: ..."."""
    versions = []
    for args in df.all("FROM"):
        ref = args.split()[0]
        if ref.startswith("ghcr.io/astral-sh/uv"):
            match = re.fullmatch(r"ghcr\.io/astral-sh/uv:(\d+\.\d+\.\d+)(-[\w.-]+)?(@sha256:\w+)?", ref)
            versions.append(match.group(1) if match else f"unpinned: {ref}")
    for args in df.all("RUN"):
        for spec in re.findall(r"pip install[^&;|]*?\buv(\S*)", args):
            match = re.fullmatch(r"==(\d+\.\d+\.\d+)", spec)
            versions.append(match.group(1) if match else f"unpinned: uv{spec}")
    return versions


@pytest.mark.parametrize(
    ("ident", "path", "package_dir"), [pytest.param(*t, id=t[0]) for t in dockerfile_targets()]
)
def test_dockerfile(ident: str, path: Path, package_dir: Path) -> None:
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: every service needs its Dockerfile"
    df = Dockerfile(path)
    project = pyproject(package_dir)["project"]
    problems: list[str] = []

    if len(df.stages) < 2:
        problems.append("must be multi-stage (a builder with uv, a slim runtime with the venv only)")
    final_from = df.final[0][1].split()[0] if df.stages else ""
    if not final_from.startswith("python:3.11-slim"):
        problems.append(f"the runtime stage must be FROM python:3.11-slim, got {final_from!r}")

    versions = uv_versions(df)
    if not versions or any(v.startswith("unpinned") for v in versions):
        problems.append(f"uv must come from ghcr.io/astral-sh/uv:<x.y.z> or pip's uv==<x.y.z>: {versions}")

    if not any("uv.lock" in shlex.split(args) for args in df.all("COPY")):
        problems.append("uv.lock must be copied into the builder")
    syncs = [args for args in df.all("RUN") if "uv sync" in args]
    if not syncs:
        problems.append("no `uv sync` step")
    for args in syncs:
        for flag in ("--frozen", "--no-dev", f"--package {project['name']}"):
            if flag not in args:
                problems.append(f"`uv sync` must use {flag}: {args.strip()}")
    if "--no-editable" not in " ".join(syncs):
        problems.append("the last `uv sync` must use --no-editable so the runtime needs no sources")

    users = df.final_all("USER")
    if not users:
        problems.append("the runtime stage must set USER")
    elif users[-1].split(":")[0].strip() in {"root", "0"}:
        problems.append(f"USER must not be root: {users[-1]}")
    health = df.final_all("HEALTHCHECK")
    if not health or health[-1].strip().upper() == "NONE":
        problems.append("the runtime stage must have a HEALTHCHECK")
    elif "healthcheck.py" not in health[-1]:
        problems.append("HEALTHCHECK should use the shared probe /app/bin/healthcheck.py (no curl in slim)")
    if not df.final_all("EXPOSE"):
        problems.append("the runtime stage must EXPOSE its port")
    if "WEBDPRO_HOST=0.0.0.0" not in " ".join(df.final_all("ENV")).split():
        problems.append("ENV WEBDPRO_HOST=0.0.0.0 (the servers bind 127.0.0.1 by default)")
    for args in (a for ins, a in df.final if ins in {"COPY", "ADD"}):
        if not args.startswith("--from") and shlex.split(args)[0] == ".":
            problems.append(f"the runtime stage must not copy the whole context: COPY {args}")
    if not any(a.startswith("--from=builder") and "/app/.venv" in a for a in df.final_all("COPY")):
        problems.append(
            "the runtime stage must take the venv from the builder: COPY --from=builder /app/.venv ..."
        )

    cmd = exec_form(df.final_all("CMD")[-1]) if df.final_all("CMD") else None
    if ident == "local":
        if cmd != ["python", "-m", "webdpro_local.gateway"]:
            problems.append(f"CMD must be the gateway, got {cmd}")
    else:
        script = f"webdpro-{ident}"
        if cmd != [script]:
            problems.append(f'CMD must be ["{script}"] (exec form), got {cmd}')
        if project.get("scripts", {}).get(script) != f"{ident}.main:run":
            problems.append(f"pyproject must declare the console script {script} = {ident}.main:run")

    assert not problems, f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(problems)


def test_all_dockerfiles_use_one_uv_version() -> None:
    versions = {
        v for _, path, _ in dockerfile_targets() if path.is_file() for v in uv_versions(Dockerfile(path))
    }
    assert len(versions) == 1, f"one uv version for every image, got {sorted(versions)}"


def test_dockerignore_keeps_the_context_small() -> None:
    lines = {ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines()}
    for pattern in (".git", ".venv", "**/__pycache__", "tests", "services/*/tests", "**/.pytest_cache"):
        assert pattern in lines, f".dockerignore must exclude {pattern}"
    for needed in ("uv.lock", "pyproject.toml", "libs", "services", "deploy"):
        assert needed not in lines, f".dockerignore must not exclude {needed}: the images are built from it"


# ---------------------------------------------------------------------------------------------- the probe


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/ok" else 503)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def loopback_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def run_probe(*args: str, env: dict[str, str] | None = None) -> int:
    return subprocess.run(
        [sys.executable, str(HEALTHCHECK_SCRIPT), *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        timeout=30,
        check=False,
    ).returncode


def test_probe_url_and_path(loopback_server: int) -> None:
    base = f"http://127.0.0.1:{loopback_server}"
    assert run_probe(f"{base}/ok") == 0
    assert run_probe(f"{base}/down") == 1
    assert run_probe("/ok", env={"WEBDPRO_PORT": str(loopback_server)}) == 0
    assert run_probe("/ok", "--port-env", "GW_PORT", env={"GW_PORT": str(loopback_server)}) == 0
    assert run_probe("/ok", "--timeout", "1", env={"WEBDPRO_PORT": "1"}) == 1  # nothing listens on port 1


def test_probe_heartbeat(tmp_path: Path) -> None:
    beat = tmp_path / "beat"
    assert run_probe("--heartbeat", str(beat), "--max-age", "60") == 1  # no file yet
    beat.touch()
    assert run_probe("--heartbeat", str(beat), "--max-age", "60") == 0
    old = time.time() - 120
    os.utime(beat, (old, old))
    assert run_probe("--heartbeat", str(beat), "--max-age", "60") == 1


# ---------------------------------------------------------------------------------------------- compose CLI


def _compose_cli() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        probe = subprocess.run(["docker-compose", "version"], capture_output=True, text=True, check=False)
        if probe.returncode == 0 and "v2." in probe.stdout:
            return ["docker-compose"]
    return None


def test_docker_compose_config_accepts_the_file() -> None:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no Docker Compose v2 CLI here; the schema test above covers the file")
    result = subprocess.run(
        [*cli, "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
