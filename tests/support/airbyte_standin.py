"""The fake Airbyte API as a server of its own, for the production stack test's container:

    python -m support.airbyte_standin PORT

It listens on 0.0.0.0:PORT (inside its container) until SIGTERM; each sync job lands the
demo shop's next sync where the connection's destination says, with the SPOON_* settings
of its environment (the lake's S3 endpoint, the demo shop's size). Its OAuth client is
SPOON_AIRBYTE_CLIENT_ID / SPOON_AIRBYTE_CLIENT_SECRET.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from spoon.settings import load_settings
from support.fake_airbyte_api import FakeAirbyte, FakeAirbyteServer
from support.production import lands_the_demo_shop


def main() -> None:
    port = int(sys.argv[1])
    fake = FakeAirbyte(
        client_id=os.environ["SPOON_AIRBYTE_CLIENT_ID"],
        client_secret=os.environ["SPOON_AIRBYTE_CLIENT_SECRET"],
    )
    fake.on_sync = lands_the_demo_shop(fake, load_settings())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with FakeAirbyteServer(fake, host="0.0.0.0", port=port):  # inside its container
        print(f"fake Airbyte API on :{port}", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
