"""What the tests of the container files share: where the checkout and this virtualenv's tools are, a skip
(a failure in CI) for a tool this machine lacks, and a free TCP port."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def missing_tool(message: str) -> None:
    """Skip for a tool this machine lacks; in CI, whose machine must have it, fail."""
    if IN_CI:
        pytest.fail(f"{message}: CI requires it", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
