"""Child process handling for the local platform: start in its own process group, die with the parent,
prefix or file the output, stop with SIGTERM then SIGKILL.

Why process groups: a service may fork (granian workers), and stopping the group reaches the grandchildren too.
Why PR_SET_PDEATHSIG: if the supervisor itself is SIGKILLed it cannot clean up, so the kernel must do it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

import httpx

_PR_SET_PDEATHSIG = 1


def set_pdeathsig(sig: int = signal.SIGTERM) -> None:
    """Ask the kernel to send `sig` to this process when its parent (thread) exits. Linux only; no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        return
    # The parent may already be gone between fork and prctl: then nobody would ever signal us.
    if os.getppid() == 1:
        os.kill(os.getpid(), sig)


def _child_setup() -> None:
    # Runs in the child between fork and exec; the death signal survives exec of a non-setuid binary.
    set_pdeathsig(signal.SIGTERM)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_asgi(factory: str, host: str, port: int) -> None:
    """Serve the ASGI app `module:factory` under granian with ONE worker — a stand-in keeps its state in process
    memory — and make this master die with its parent; the factory calls set_pdeathsig() for the worker."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    set_pdeathsig()
    Granian(
        factory,
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        log_level=LogLevels.warning,
    ).serve()


@contextlib.contextmanager
def running_server(
    name: str, module: str, env: Mapping[str, str], health_url: str, timeout: float
) -> Iterator[None]:
    """Start `python -m <module>` as a subprocess (its own session, dying with us), wait until `health_url`
    answers 200, and stop it (SIGTERM, then SIGKILL) when the block ends. Its output is discarded."""
    proc = subprocess.Popen(
        [sys.executable, "-m", module],
        env=dict(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_child_setup,  # a killed test run leaves no server behind
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the {name} exited with {proc.returncode}")
            try:
                if httpx.get(health_url, timeout=1, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {name} did not come up on {health_url} in {timeout}s")
            time.sleep(0.05)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class Child:
    """One supervised child process with its output prefixed by name (or written to a log file)."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        log_dir: Path | None = None,
        quiet: bool = False,
        cwd: str | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self._log_file: IO[bytes] | None = None
        stdout: int | IO[bytes]
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            self._log_file = open(log_dir / f"{name}.log", "ab")
            stdout = self._log_file
        elif quiet:
            stdout = subprocess.DEVNULL
        else:
            stdout = subprocess.PIPE
        # PDEATHSIG fires when the *thread* that forked exits, so children must be started from a long-lived
        # thread (the main thread in practice).
        self.proc = subprocess.Popen(
            self.argv,
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            process_group=0,
            preexec_fn=_child_setup,
        )
        self._pump: threading.Thread | None = None
        if stdout is subprocess.PIPE:
            self._pump = threading.Thread(target=self._prefix_output, daemon=True, name=f"log-{name}")
            self._pump.start()

    def _prefix_output(self) -> None:
        assert self.proc.stdout is not None
        prefix = f"[{self.name}] ".encode()
        out = sys.stdout.buffer
        for line in iter(self.proc.stdout.readline, b""):
            with contextlib.suppress(ValueError, OSError):
                out.write(prefix + line)
                out.flush()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)

    def wait(self, timeout: float) -> bool:
        try:
            self.proc.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def finish(self) -> None:
        # After the leader exits, grandchildren in the group may linger: SIGKILL the group to be sure.
        self.signal_group(signal.SIGKILL)
        if self._pump is not None:
            self._pump.join(timeout=1)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if self._log_file is not None:
            self._log_file.close()


def stop_all(children: Sequence[Child], grace: float = 5.0) -> None:
    """SIGTERM every child's group at once, wait up to `grace` seconds in total, then SIGKILL what is left."""
    for child in children:
        child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        if not child.wait(max(0.0, deadline - time.monotonic())):
            child.signal_group(signal.SIGKILL)
            child.wait(2.0)
        child.finish()
