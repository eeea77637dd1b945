"""The image's HEALTHCHECK: the web server in this container answers GET /healthz with 200.

Only a web (gunicorn) or events (daphne) container listens; in a worker or beat container
the check passes while the process lives. Standard library only: it runs on Debian's python3.
"""

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path


def main() -> int:
    """0 when healthy, 1 when not (what HEALTHCHECK expects)."""
    command = Path("/proc/1/cmdline").read_bytes()
    if b"gunicorn" not in command and b"daphne" not in command:
        return 0
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz",
        # A host the settings allow, and the header a TLS-terminating load balancer adds,
        # so that neither ALLOWED_HOSTS nor the HTTPS redirect answers instead of the view.
        headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1


def allowed_host() -> str:
    """The first of DJANGO_ALLOWED_HOSTS ("*" and ".example.com" patterns made a name)."""
    hosts = [host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()]
    first = hosts[0] if hosts else "localhost"
    return "localhost" if first == "*" else first.lstrip(".")


if __name__ == "__main__":
    sys.exit(main())
