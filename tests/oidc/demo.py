"""`mbtrain demo` with the local OpenID provider: the tests' provider (its synthetic people:
tora, lav, ukjent, nora, gunnar) on 127.0.0.1:9090 and the demo on 127.0.0.1:5000, reading a
providers file that points at it. Needs `npm ci --prefix tests/oidc` once.

    .venv/bin/python -m tests.oidc.demo

Link a login the way people do: as the admin, invite someone (Brukere → Inviter), open the
link from the outbox and press «Logg inn med ID-porten»; at the provider type `tora`.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.oidc import world

BASE_URL = "http://127.0.0.1:5000"


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="mbtrain-oidc-demo-"))
    clients = [world.client(name, BASE_URL) for name in ("idporten", "entra")]
    with world.provider(folder, clients, port=9090) as issuer:
        providers = folder / "providers.toml"
        providers.write_text(world.demo_toml(issuer))
        print(f"OpenID provider at {issuer}; providers file {providers}", flush=True)
        env = {**os.environ, "MBTRAIN_OIDC_PROVIDERS": str(providers)}
        command = [str(Path(sys.executable).with_name("mbtrain")), "demo", *sys.argv[1:]]
        return subprocess.call(command, env=env)  # noqa: S603 - our own command


if __name__ == "__main__":
    sys.exit(main())
