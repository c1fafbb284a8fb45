"""`python -m webdpro_local.registrar`: the emulator under granian (one worker: its state lives in memory)."""

from __future__ import annotations

import sys

from webdpro_local.procs import serve_asgi
from webdpro_local.registrar.config import Config


def main() -> None:
    config = Config.from_env()
    print(
        f"registrar (Hostinger API) emulator on http://{config.host}:{config.port} "
        f"(availability {config.availability_rate_per_minute}/min)",
        file=sys.stderr,
        flush=True,
    )
    serve_asgi("webdpro_local.registrar.app:create_app", config.host, config.port)


if __name__ == "__main__":
    main()
