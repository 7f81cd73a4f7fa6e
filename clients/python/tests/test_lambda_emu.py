"""The package and its pytest fixtures against the real binary: a graceful and a killed Shutdown
phase through boto3, a start that fails, and serve never outliving the pytest process."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import fields
from pathlib import Path

import pytest

from lambda_emu import LambdaEmuError, ShutdownProcess, start_lambda_emu
from conftest import EXTENSION, HERE

SCHEMA = HERE.parents[2] / "docs" / "report.schema.json"


@pytest.mark.lambda_emu(function=str(HERE / "functions" / "ignores_sigterm"), runtime="python3.12",
                        handler="app.handler", extensions=[EXTENSION])
def test_a_handler_that_ignores_sigterm_is_killed_at_the_deadline(lambda_emu):
    result = lambda_emu.invoke("ignores_sigterm", {"hello": "world"})
    assert result.payload == {"echo": {"hello": "world"}}
    assert result.function_error is None
    report = lambda_emu.shutdown(reason="spindown")
    assert report.process("runtime").verdict == "killed"
    assert report.cleanup("runtime").verdict == "killed"
    with pytest.raises(ValueError, match="no process 'nope'.*shutdown-logger"):
        report.process("nope")


def test_a_sigterm_cleanup_through_boto3_is_graceful(lambda_emu_factory):
    emulator = lambda_emu_factory(str(HERE / "functions" / "graceful"), runtime="python3.12",
                                  handler="app.handler", name="orders", extensions=[EXTENSION],
                                  env={"FLUSH_FILE": "/dev/null"})
    response = emulator.lambda_client.invoke(FunctionName="orders", Payload=json.dumps({"order": 42}))
    assert response["StatusCode"] == 200
    assert json.load(response["Payload"]) == {"buffered": 1}
    second = emulator.invoke("orders", {"order": 43})
    assert second.payload == {"buffered": 2}
    assert "REPORT RequestId" in second.log
    assert emulator.function_url("orders") == f"{emulator.endpoint}/lambda-url/orders/"
    with urllib.request.urlopen(emulator.function_url("orders") + "any/path") as answer:
        assert json.load(answer) == {"buffered": 3}
    assert len(emulator.report().environments) == 1

    report = emulator.shutdown(reason="spindown")
    assert report.exit_code == 0
    assert report.process("runtime").verdict == "graceful"
    assert report.process("shutdown-logger").kind == "extension"
    assert isinstance(report.cleanup("runtime").ms, float)
    assert report.environments[0].shutdowns[-1].reason == "spindown"
    assert report.environments[0].function == "orders"
    # Its last lines say what the cleanup did.
    assert "SIGTERM: flushed 3 records" in report.process("runtime").raw["evidence"]["lastLines"]


def test_the_session_emulator_serves_every_test(lambda_emu_session):
    assert lambda_emu_session.invoke("session-orders", {"order": 1}).payload["buffered"] >= 1


def test_a_start_that_fails_raises_with_serves_own_words():
    with pytest.raises(LambdaEmuError) as raised:
        start_lambda_emu(str(HERE / "no-such-function"))
    message = str(raised.value)
    assert "lambda-emu serve exited (exit code" in message
    assert "no-such-function" in message
    assert "[lambda-emu] error:" in message


def test_the_dataclasses_name_what_the_schema_has():
    schema = json.loads(SCHEMA.read_text())
    process = schema["definitions"]["runReport"]["properties"]["shutdowns"]["items"]["properties"]["processes"]["items"]
    camel = {"".join(w.capitalize() if i else w for i, w in enumerate(f.name.split("_")))
             for f in fields(ShutdownProcess) if f.name != "raw"}
    assert camel <= set(process["required"]), camel - set(process["required"])
    assert set(process["properties"]["verdict"]["enum"]) == {"graceful", "killed", "crashed", "not-signalled"}


def processes_marked(marker):
    """Every process whose command line or environment holds `marker` (serve's arguments name
    the function; its runtime and extensions have it as AWS_LAMBDA_FUNCTION_NAME)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        for part in ("cmdline", "environ"):
            try:
                if marker.encode() in Path(f"/proc/{entry}/{part}").read_bytes():
                    found.append(int(entry))
                    break
            except OSError:
                pass
    return found


def none_left(marker, within=15.0):
    deadline = time.monotonic() + within
    left = processes_marked(marker)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = processes_marked(marker)
    return left


@pytest.mark.parametrize("how", ["fail", "hang"])
def test_nothing_is_left_running_after_pytest_fails_or_is_sigkilled(how):
    name = f"left-python-{how}-{os.getpid()}"
    env = {**os.environ, "LEAVES_NAME": name, "LEAVES_HOW": how, "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                            str(HERE / "fixtures" / "leaves_emulator.py")],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = b""
    if how == "hang":
        for line in iter(run.stdout.readline, b""):
            output += line
            if b"started " in line:
                run.send_signal(signal.SIGKILL)
                break
    output += run.stdout.read()
    code = run.wait(timeout=120)
    assert code != 0, output.decode()
    assert b"started " in output, output.decode()
    assert none_left(name) == []
