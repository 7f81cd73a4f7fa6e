"""pytest fixtures for lambda-emu (registered through the pytest11 entry point).

- `lambda_emu_factory`: call it with start_lambda_emu()'s options; every emulator it started is
  stopped when the test ends, passed or failed.
- `lambda_emu`: one emulator for the test, from its marker:
  `@pytest.mark.lambda_emu(function="fn", runtime="python3.12", handler="app.handler")`.
- `lambda_emu_session`: one emulator for the whole session, from the options a
  `lambda_emu_session_options` fixture (session scope) of your conftest.py returns.
"""
from __future__ import annotations

from typing import Any, Callable

import pytest

from .emulator import LambdaEmu, start_lambda_emu


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "lambda_emu(function=None, **options): the options of the test's `lambda_emu` fixture "
        "(those of lambda_emu.start_lambda_emu)")


@pytest.fixture
def lambda_emu_factory() -> Callable[..., LambdaEmu]:
    started: list[LambdaEmu] = []

    def start(function: Any = None, **options: Any) -> LambdaEmu:
        emulator = start_lambda_emu(function, **options)
        started.append(emulator)
        return emulator

    yield start
    for emulator in reversed(started):
        emulator.stop()


@pytest.fixture
def lambda_emu(request: pytest.FixtureRequest, lambda_emu_factory: Callable[..., LambdaEmu]) -> LambdaEmu:
    marker = request.node.get_closest_marker("lambda_emu")
    if marker is None:
        raise pytest.UsageError("the lambda_emu fixture needs @pytest.mark.lambda_emu(function=..., ...) "
                                "on the test (or use lambda_emu_factory)")
    return lambda_emu_factory(*marker.args, **marker.kwargs)


@pytest.fixture(scope="session")
def lambda_emu_session_options() -> dict:
    raise pytest.UsageError("lambda_emu_session needs a session-scoped fixture lambda_emu_session_options "
                            "in conftest.py returning start_lambda_emu()'s options")


@pytest.fixture(scope="session")
def lambda_emu_session(lambda_emu_session_options: dict) -> LambdaEmu:
    emulator = start_lambda_emu(**lambda_emu_session_options)
    yield emulator
    emulator.stop()
