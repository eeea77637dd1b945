"""What the deployment tests share: the repository's root and the checkers they run.

A checker that is not installed skips its test with a one-line reason; in CI (CI=true)
the same absence fails it, as conftest.py does for the services.
"""

import re
import shutil
from pathlib import Path

import pytest

from conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_MODULES = (ROOT / "config" / "settings" / "base.py", ROOT / "config" / "settings" / "production.py")
# env.str("NAME", …), env.bool("NAME"), env("NAME"), os.environ["NAME"], os.environ.get("NAME"), os.getenv("NAME")
ENV_READ = re.compile(r"""(?:\benv(?:\.\w+)?\(|os\.environ(?:\.get\(|\[)|os\.getenv\()\s*["']([A-Z][A-Z0-9_]*)["']""")


def production_variables() -> set[str]:
    """Every environment variable the production settings read (base.py and production.py)."""
    return {name for module in SETTINGS_MODULES for name in ENV_READ.findall(module.read_text())}


def tool_missing(what: str, how: str) -> None:
    """Skip the test (or fail it in CI) because a checker it runs is not installed."""
    message = f"{what} is not installed ({how})"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: the deployment checks must run)")
    pytest.skip(message)


def executable(path: Path | str, how: str) -> str:
    """The checker's path: a file in the repository or a command on PATH, else skip or fail."""
    found = str(path) if Path(path).is_absolute() and Path(path).exists() else shutil.which(str(path))
    if found is None:
        tool_missing(str(path), how)
    assert found is not None  # tool_missing raised
    return found
