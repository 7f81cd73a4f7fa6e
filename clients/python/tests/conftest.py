from pathlib import Path

import pytest

HERE = Path(__file__).parent
SAMPLES = HERE.parents[2] / "samples"
EXTENSION = str(SAMPLES / "extensions" / "shutdown-logger")


@pytest.fixture(scope="session")
def lambda_emu_session_options():
    return {"function": str(HERE / "functions" / "graceful"), "runtime": "python3.12", "handler": "app.handler",
            "name": "session-orders", "extensions": [EXTENSION],
            "env": {"FLUSH_FILE": "/dev/null"}}
