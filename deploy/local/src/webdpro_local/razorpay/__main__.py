"""`python -m webdpro_local.razorpay`: the emulator under granian (one worker: its state lives in memory)."""

from __future__ import annotations

import sys

from webdpro_local.razorpay.config import Config


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    from webdpro_local.razorpay.app import set_parent_death_signal

    set_parent_death_signal()
    config = Config.from_env()
    print(
        f"razorpay emulator on http://{config.host}:{config.port} (key {config.key_id}, "
        f"webhooks → {', '.join(config.webhook_urls) or 'none'})",
        file=sys.stderr,
        flush=True,
    )
    Granian(
        "webdpro_local.razorpay.app:create_app",
        factory=True,
        address=config.host,
        port=config.port,
        interface=Interfaces.ASGI,
        workers=1,
        log_level=LogLevels.warning,
    ).serve()


if __name__ == "__main__":
    main()
