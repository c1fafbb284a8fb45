"""`python -m webdpro_local.registrar`: the emulator under granian (one worker: its state lives in memory)."""

from __future__ import annotations

import sys

from webdpro_local.registrar.config import Config


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    from webdpro_local.registrar.app import set_parent_death_signal

    set_parent_death_signal()
    config = Config.from_env()
    print(
        f"registrar (Hostinger API) emulator on http://{config.host}:{config.port} "
        f"(availability {config.availability_rate_per_minute}/min)",
        file=sys.stderr,
        flush=True,
    )
    Granian(
        "webdpro_local.registrar.app:create_app",
        factory=True,
        address=config.host,
        port=config.port,
        interface=Interfaces.ASGI,
        workers=1,
        log_level=LogLevels.warning,
    ).serve()


if __name__ == "__main__":
    main()
