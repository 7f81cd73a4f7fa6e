"""Starts `lambda-emu serve` for a test: on a free loopback port, tied to this process's life, with
a boto3 Lambda client pointed at it, and the Shutdown phase's report at the end."""
from __future__ import annotations

import atexit
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from .report import ServeReport

HEALTH_TIMEOUT_S = 30.0
EXIT_TIMEOUT_S = 30.0
OUTPUT_KEPT = 64 * 1024  # the end of serve's output, for error messages


class LambdaEmuError(RuntimeError):
    """serve did not start, answer or exit as it should; the message carries its output."""


def find_binary(binary: Optional[str] = None) -> str:
    """The `binary` given, else $LAMBDA_EMU, else lambda-emu on PATH, else this checkout's build."""
    if binary:
        return binary
    if os.environ.get("LAMBDA_EMU"):
        return os.environ["LAMBDA_EMU"]
    on_path = shutil.which("lambda-emu")
    if on_path:
        return on_path
    # The checkout's build (clients/python), or the release archive's (share/lambda-emu/clients/python).
    here = Path(__file__).resolve().parents
    for beside in (here[3] / "build" / "lambda-emu", here[4] / "bin" / "lambda-emu"):
        if os.access(beside, os.X_OK):
            return str(beside)
    raise LambdaEmuError("lambda-emu not found: pass binary=, set LAMBDA_EMU, put lambda-emu on PATH, "
                         "or build the checkout (scripts/build.sh)")


def serve_arguments(function: Optional[str] = None, *, runtime: Optional[str] = None,
                    handler: Optional[str] = None, template: Optional[str] = None,
                    logical_id: Optional[str] = None, name: Optional[str] = None,
                    extensions: Sequence[str] = (), layers: Sequence[str] = (),
                    env: Optional[Mapping[str, Any]] = None, memory: Optional[int] = None,
                    timeout: Optional[float] = None, concurrency: Optional[int] = None,
                    region: Optional[str] = None, args: Sequence[str] = ()) -> list[str]:
    """serve's command line for these options (after `serve`)."""
    if template:
        if not logical_id:
            raise ValueError("template needs logical_id (the function in it)")
        command = ["--template", str(template), logical_id]
    elif function:
        command = [str(function)]
    else:
        raise ValueError("give function (a bootstrap or folder) or template and logical_id")
    for flag, value in (("--runtime", runtime), ("--handler", handler), ("--function-name", name),
                        ("--memory", memory), ("--timeout", timeout), ("--concurrency", concurrency),
                        ("--region", region)):
        if value is not None:
            command += [flag, str(value)]
    for extension in extensions:
        command += ["--extension", str(extension)]
    for layer in layers:
        command += ["--layer", str(layer)]
    for key, value in (env or {}).items():
        command += ["--env", f"{key}={value}"]
    return command + [str(a) for a in args]


@dataclass(frozen=True)
class InvokeResult:
    status_code: int
    payload: Any  # the function's answer, parsed when it is JSON (else the text)
    function_error: Optional[str]  # "Unhandled" when the function failed
    log: Optional[str]  # the invocation's log, START to REPORT (the last 4 KB)


class LambdaEmu:
    """A running `lambda-emu serve`. Use start_lambda_emu(), or the pytest fixtures."""

    def __init__(self, function: Optional[str] = None, *, binary: Optional[str] = None,
                 cwd: Optional[str] = None, process_env: Optional[Mapping[str, str]] = None,
                 echo: bool = False, start_timeout: float = HEALTH_TIMEOUT_S, **options: Any):
        self.region = options.get("region") or "us-east-1"
        self._dir = tempfile.mkdtemp(prefix="lambda-emu-")
        self._port_file = os.path.join(self._dir, "port")
        self._command = [find_binary(binary), "serve", *serve_arguments(function, **options),
                         "--listen", "127.0.0.1:0", "--port-file", self._port_file,
                         # stdin is a pipe from this process: when it ends, however it ends (even
                         # SIGKILL), the pipe closes and serve shuts down by itself.
                         "--exit-when-stdin-closes"]
        self._output = b""
        self._echo = echo
        self.endpoint: Optional[str] = None
        self.last_report: Optional[ServeReport] = None
        self._lambda_client = None
        try:
            self._process = subprocess.Popen(self._command, cwd=cwd, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                             env={**os.environ, **(process_env or {})})
        except OSError as error:
            shutil.rmtree(self._dir, ignore_errors=True)
            raise LambdaEmuError(f"cannot start lambda-emu serve: {error}\n  command: {' '.join(self._command)}")
        self._reader = threading.Thread(target=self._keep_output, daemon=True)
        self._reader.start()
        # A test that forgets stop() must not leave serve behind when Python exits.
        atexit.register(self._stop_at_exit)
        self._wait_until_ready(start_timeout)

    @property
    def pid(self) -> int:
        return self._process.pid

    def output(self) -> str:
        """serve's stdout and stderr so far (their last 64 KB)."""
        return self._output.decode("utf-8", "replace")

    @property
    def lambda_client(self):
        """boto3's Lambda client for serve: its endpoint, dummy credentials, the function's region."""
        if self._lambda_client is None:
            import boto3
            from botocore.config import Config

            self._lambda_client = boto3.client(
                "lambda", endpoint_url=self.endpoint, region_name=self.region,
                aws_access_key_id="lambda-emu", aws_secret_access_key="lambda-emu",
                config=Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=900))
        return self._lambda_client

    def invoke(self, name: str, payload: Any = None, invocation_type: str = "RequestResponse") -> InvokeResult:
        """Invokes a function by name with boto3; the payload as JSON, the function error, the log."""
        body = payload if isinstance(payload, (str, bytes)) else json.dumps({} if payload is None else payload)
        extra = {"LogType": "Tail"} if invocation_type == "RequestResponse" else {}
        response = self.lambda_client.invoke(FunctionName=name, InvocationType=invocation_type, Payload=body,
                                             **extra)
        text = response["Payload"].read().decode("utf-8") if "Payload" in response else ""
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        log = response.get("LogResult")
        return InvokeResult(status_code=response["StatusCode"], payload=parsed,
                            function_error=response.get("FunctionError"),
                            log=base64.b64decode(log).decode("utf-8", "replace") if log else None)

    def function_url(self, name: str) -> str:
        """The function URL of a function: any method and path under it invokes it."""
        return f"{self.endpoint}/lambda-url/{urllib.parse.quote(name, safe='')}/"

    def report(self) -> ServeReport:
        """The report so far (GET /lambda-emu/report)."""
        with urllib.request.urlopen(f"{self.endpoint}/lambda-emu/report", timeout=30) as response:
            return ServeReport.from_json(json.load(response))

    def shutdown(self, reason: str = "spindown") -> ServeReport:
        """Runs the Shutdown phase of every environment (POST /lambda-emu/shutdown), waits for serve
        to exit, and returns the report. Once serve has exited, returns the last report again."""
        if self.last_report is not None:
            return self.last_report
        if self._process.poll() is not None:
            raise self._failure(f"exited ({self._exit_words()}) before shutdown()")
        query = urllib.parse.urlencode({"reason": reason})
        request = urllib.request.Request(f"{self.endpoint}/lambda-emu/shutdown?{query}", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=EXIT_TIMEOUT_S) as response:
                body = json.load(response)
        except urllib.error.HTTPError as error:
            raise self._failure(f"answered {error.code} to shutdown: {error.read().decode(errors='replace')}")
        self._wait_for_exit()
        self.last_report = ServeReport.from_json(body)
        return self.last_report

    def stop(self) -> None:
        """SIGTERM to serve if it still runs (its Shutdown phase, no report asked); waits for it."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        self._wait_for_exit()

    def __enter__(self) -> "LambdaEmu":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _keep_output(self) -> None:
        for chunk in iter(lambda: self._process.stdout.read1(4096), b""):
            if self._echo:
                os.write(2, chunk)
            self._output = (self._output + chunk)[-OUTPUT_KEPT:]

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._reader.join(timeout=5)
                self._cleanup()
                raise self._failure(f"exited ({self._exit_words()}) before it was ready")
            port = self._read_port()
            if port:
                self.endpoint = f"http://127.0.0.1:{port}"
                try:
                    with urllib.request.urlopen(f"{self.endpoint}/lambda-emu/health", timeout=5):
                        return
                except OSError:
                    pass  # not listening yet
            time.sleep(0.025)
        self.stop()
        raise self._failure(f"was not ready within {timeout:g} s")

    def _read_port(self) -> Optional[int]:
        try:
            with open(self._port_file) as file:
                return int(file.read())
        except (OSError, ValueError):
            return None

    def _wait_for_exit(self) -> None:
        try:
            self._process.wait(timeout=EXIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise self._failure(f"did not exit within {EXIT_TIMEOUT_S:g} s")
        finally:
            self._reader.join(timeout=5)
            self._cleanup()

    def _cleanup(self) -> None:
        atexit.unregister(self._stop_at_exit)
        if self._process.stdin:
            try:
                self._process.stdin.close()
            except OSError:
                pass
        shutil.rmtree(self._dir, ignore_errors=True)

    def _stop_at_exit(self) -> None:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)

    def _exit_words(self) -> str:
        code = self._process.returncode
        return f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"

    def _failure(self, what: str) -> LambdaEmuError:
        output = "\n".join("    " + line for line in self.output().rstrip().splitlines())
        return LambdaEmuError(f"lambda-emu serve {what}\n  command: {' '.join(self._command)}\n  output:\n{output}")


def start_lambda_emu(function: Optional[str] = None, **options: Any) -> LambdaEmu:
    """Starts serve and returns once it is healthy; LambdaEmuError with serve's output if not."""
    return LambdaEmu(function, **options)
