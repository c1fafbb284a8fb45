"""`python -m webdpro_local.razorpay`: the emulator under granian (one worker: its state lives in memory)."""

from __future__ import annotations

import sys

from webdpro_local.procs import serve_asgi
from webdpro_local.razorpay.config import Config


def main() -> None:
    config = Config.from_env()
    print(
        f"razorpay emulator on http://{config.host}:{config.port} (key {config.key_id}, "
        f"webhooks → {', '.join(config.webhook_urls) or 'none'})",
        file=sys.stderr,
        flush=True,
    )
    serve_asgi("webdpro_local.razorpay.app:create_app", config.host, config.port)


if __name__ == "__main__":
    main()
