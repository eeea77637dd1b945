"""Fixtures of the workspaces tests: a configured OpenID Connect provider for Folio, the real
provider process (django-oauth-toolkit on loopback) and Debian's Chromium."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pytest_django import Settings

PROVIDER_ID = "testidp"
PROVIDER_NAME = "Test IdP"
CLIENT_ID = "folio-test-client"
CLIENT_SECRET = "folio-test-client-secret"
ROOT = Path(__file__).resolve().parents[2]
PROVIDER_SETTINGS = "workspaces.tests.oidc_provider.settings"


def provider_apps(server_url: str) -> dict[str, dict]:
    """SOCIALACCOUNT_PROVIDERS naming one OpenID Connect provider at server_url, as base.py builds it."""
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": PROVIDER_NAME,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": server_url},
                }
            ],
        }
    }


@pytest.fixture
def oidc_configured(settings: Settings) -> None:
    """Folio with the test provider switched on (its server is not needed to build a sign-in)."""
    settings.SOCIALACCOUNT_PROVIDERS = provider_apps("http://127.0.0.1:9/o")


@dataclass(frozen=True)
class ProviderUser:
    username: str
    password: str
    email: str
    first_name: str
    last_name: str
    verified: bool = True


@dataclass(frozen=True)
class OidcProvider:
    server_url: str
    users: dict[str, ProviderUser]


PROVIDER_USERS = {
    "ada": ProviderUser("ada", "ada-idp-password", "ada@example.org", "Ada", "Lovelace"),
    "mallory": ProviderUser("mallory", "mallory-idp-password", "mallory@example.org", "Mallory", "Uninvited"),
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="module")
def oidc_provider(live_server: object) -> Iterator[OidcProvider]:
    """django-oauth-toolkit's OpenID Connect provider under gunicorn on a free loopback port,
    with its own SQLite database, an RSA key made now, Folio registered as a confidential
    client with its callback URL, and the users of PROVIDER_USERS."""
    port = _free_port()
    server_url = f"http://127.0.0.1:{port}/o"
    workdir = Path(tempfile.mkdtemp(prefix="folio-oidc-provider-"))
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": PROVIDER_SETTINGS,
        "OIDC_PROVIDER_DB": str(workdir / "provider.sqlite3"),
        "OIDC_PROVIDER_RSA_KEY": _rsa_key_pem(),
        "OIDC_PROVIDER_ISSUER": server_url,
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=environment, cwd=ROOT, check=True
    )
    spec = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/",  # type: ignore[attr-defined]
        "users": [vars(user) for user in PROVIDER_USERS.values()],
    }
    subprocess.run(
        [sys.executable, "-m", "workspaces.tests.oidc_provider.seed"],
        input=json.dumps(spec),
        text=True,
        env=environment,
        cwd=ROOT,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "workspaces.tests.oidc_provider.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        env=environment,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{server_url}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the test OpenID Connect provider did not start on port {port}")
            time.sleep(0.2)
        yield OidcProvider(server_url=server_url, users=PROVIDER_USERS)
    finally:
        server.terminate()
        server.wait(timeout=10)
