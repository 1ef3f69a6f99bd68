"""panva's oidc-provider (provider.mjs) as a third-party OpenID Connect provider for the tests, on Node."""

import json
import os
from pathlib import Path

SCRIPT = Path(__file__).with_name("provider.mjs")


def node_provider_command(port: int, config: dict, mode: str = "normal") -> tuple[list[str], dict]:
    """The command and environment that start the provider on 127.0.0.1:port (modes: see provider.mjs)."""
    env = {**os.environ, "OIDC_NODE_CONFIG": json.dumps(config), "OIDC_NODE_MODE": mode}
    return ["node", str(SCRIPT), str(port)], env
