"""Drives the real lambda-emu binary against real child processes, for the integration tests.

The emulator's path comes from LAMBDA_EMU (ctest sets it). Every run gets a unique function
name; since the runtime's environment carries it (AWS_LAMBDA_FUNCTION_NAME), scanning
/proc/*/environ for it finds any process a run left behind.
"""
import atexit
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
RUNTIMES = pathlib.Path(__file__).resolve().parent / "runtimes"
EMULATOR = os.environ.get("LAMBDA_EMU", str(ROOT / "build" / "lambda-emu"))
# The suites run the function as Lambda does, in the sandbox; a machine without user namespaces
# can run them with LAMBDA_EMU_SANDBOX=off, and the tests of --sandbox off say so themselves.
os.environ.setdefault("LAMBDA_EMU_SANDBOX", "on")
SANDBOX = os.environ["LAMBDA_EMU_SANDBOX"] != "off"
# Each environment is a cgroup (memory limit, freezer) where the machine allows it, but the suites
# run with the host's CPU: they test the emulator's logic, and at Lambda's 7% of a CPU for 128 MB
# every runtime's start-up would take ten times as long. test_lambda_numbers.py tests --cpu lambda.
os.environ.setdefault("LAMBDA_EMU_CPU", "host")


def _cgroups_expected():
    """Whether the emulator will make each environment a cgroup here: not when the fallback is
    forced (LAMBDA_EMU_CGROUPS=none, for the fallback's tests), else as root on cgroup v1's
    hierarchies or v2's with the controllers (this project's machines: v1)."""
    if os.environ.get("LAMBDA_EMU_CGROUPS") == "none":
        return False
    if all(os.access(f"/sys/fs/cgroup/{c}", os.W_OK) for c in ("cpu", "cpuacct", "memory", "freezer", "pids")):
        return True
    unified = pathlib.Path("/sys/fs/cgroup/cgroup.controllers")
    return os.access(unified.parent, os.W_OK) and unified.exists() and "memory" in unified.read_text()


CGROUPS = _cgroups_expected()
FREEZE_METHOD = "cgroup-freezer" if CGROUPS else "sigstop"


def is_frozen(pid):
    """Whether the process is frozen: stopped by SIGSTOP (state T), frozen by cgroup v1's freezer
    (state D, in the refrigerator) or by cgroup v2's, which parks it in get_signal (state S; a
    process merely asleep waits elsewhere: in a poll, a read, a sleep). False once it is gone."""
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        wchan = pathlib.Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False
    return state == "T" or (state == "D" and CGROUPS) or (state == "S" and wchan == "get_signal")
# The emulator under test was built with ASan + UBSan (ctest sets it for build-sanitize/).
SANITIZED = os.environ.get("LAMBDA_EMU_SANITIZED") == "1"


def measure_memory_under_asan():
    """ASan keeps freed memory in a quarantine (256 MB by default) and its shadow adds a base, so
    RSS would measure ASan. Without the quarantine, freed memory is reused as without ASan: what
    stays resident is what the emulator holds. Call before starting the emulator."""
    if SANITIZED and "quarantine_size_mb" not in os.environ.get("ASAN_OPTIONS", ""):
        os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0"


_packages = {}  # (folder, modules) -> its staged copy, made once per test process


def _package_root():
    if "root" not in _packages:
        root = pathlib.Path(tempfile.mkdtemp(prefix="lambda-emu-packages-"))
        root.chmod(0o755)
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _packages["root"] = root
    return _packages["root"]


def packaged(folder, *modules):
    """A copy of a runtime's or an extension's folder with the shared modules it imports beside
    it, as a deployment package or a layer holds them: the sandbox shows the function only its own
    folder (/var/task, or an extension's). Readable by everyone: the function is another user."""
    key = (pathlib.Path(folder), modules)
    if key not in _packages:
        staged = _package_root() / str(len(_packages)) / key[0].name
        shutil.copytree(key[0], staged)
        for module in modules:
            shutil.copy(module, staged)
        _packages[key] = staged
    return _packages[key]


RUNTIME_CLIENT = SAMPLES / "misbehaving" / "runtime_client.py"
EXTENSION_CLIENT = SAMPLES / "extensions" / "extension_client.py"
PROBE_OUTPUT = RUNTIMES / "probe_output.py"


def runtime(name):
    """The bootstrap of tests/integration/runtimes/NAME, packaged with the modules it imports."""
    return packaged(RUNTIMES / name, RUNTIME_CLIENT, PROBE_OUTPUT) / "bootstrap"


def extension(name, executable=None):
    """The executable of the extension in tests/integration/runtimes/NAME, packaged likewise."""
    return packaged(RUNTIMES / name, EXTENSION_CLIENT, PROBE_OUTPUT) / (executable or name)


def misbehaving(sample):
    """The bootstrap of samples/misbehaving/SAMPLE, packaged with runtime_client."""
    return packaged(SAMPLES / "misbehaving" / sample, RUNTIME_CLIENT) / "bootstrap"


def records(stderr, source="ext:telemetry-recorder"):
    """What probes (probe_output.save) and telemetry-recorders (RECORD_FILE=-) printed, in order;
    `source` is the prefix the emulator gave their lines: runtime, ext:NAME."""
    found = []
    for line in stderr.splitlines():
        match = re.match(rf"\[{re.escape(source)}\] record (\d+) (\d+)/\d+ (.*)$", line)
        if match:
            if match.group(2) == "1":
                found.append([])
            found[-1].append(match.group(3))
    return [json.loads("".join(parts)) for parts in found]


def unique_name(prefix="it"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Run:
    def __init__(self, code, stdout, stderr):
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.results = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]

    def lines(self, prefix):
        return [line for line in self.stderr.splitlines() if line.startswith(prefix)]

    def __repr__(self):
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run(bootstrap, *args, name=None, timeout=120, stdin=None, events=None):
    """Runs `lambda-emu run` to completion. `events`: JSON values written to temporary files."""
    name = name or unique_name()
    command = [EMULATOR, "run", str(bootstrap), "--function-name", name, *args]
    files = []
    for event in events or []:
        path = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"{unique_name('event')}.json"
        path.write_text(json.dumps(event))
        files.append(path)
        command += ["--event", str(path)]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, errors="replace", timeout=timeout)
    finally:
        for path in files:
            path.unlink(missing_ok=True)
    return Run(done.returncode, done.stdout, done.stderr)


def start(bootstrap, *args, name):
    return subprocess.Popen([EMULATOR, "run", str(bootstrap), "--function-name", name, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_stderr_line(process, needle, timeout=30):
    """Reads the emulator's stderr until a line contains `needle`; returns what was read."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return "".join(seen)
    raise AssertionError(f"never saw {needle!r} in stderr:\n{''.join(seen)}")


def processes_of(name):
    """PIDs of live (non-zombie) processes whose environment names this function."""
    marker = f"AWS_LAMBDA_FUNCTION_NAME={name}".encode()
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def inside(name, path):
    """Where the test finds a file of the function's own (in its /tmp, say): in the sandbox through
    /proc/PID/root of a live process of the function, else the path itself."""
    if not SANDBOX:
        return pathlib.Path(path)
    pids = processes_of(name)
    if not pids:
        raise AssertionError(f"no process of {name} is alive to look into")
    return pathlib.Path(f"/proc/{pids[0]}/root{path}")


def assert_nothing_left(test, name, grace_s=2.0):
    """Allows the kernel a moment to finish deaths already under way, then insists."""
    deadline = time.monotonic() + grace_s
    while processes_of(name) and time.monotonic() < deadline:
        time.sleep(0.05)
    test.assertEqual(processes_of(name), [], f"processes of {name} outlived the emulator")


def kill_leftovers(name):
    for pid in processes_of(name):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


class Serve:
    """`lambda-emu serve` on an ephemeral loopback port, for one test; always stopped."""

    def __init__(self, bootstrap, *args, name=None, listen="127.0.0.1:0"):
        self.name = name or unique_name("serve")
        self.process = subprocess.Popen([EMULATOR, "serve", str(bootstrap), "--function-name", self.name,
                                         "--listen", listen, *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
        seen = wait_for_stderr_line(self.process, "serving function")
        self.port = int(re.search(r"http://127\.0\.0\.1:(\d+)", seen).group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        self.stderr_seen = seen

    def request(self, method, path, body=None, headers=None, timeout=60):
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def invoke(self, payload=b"{}", headers=None, function=None, query=""):
        path = f"/2015-03-31/functions/{function or self.name}/invocations{query}"
        return self.request("POST", path, payload, headers)

    def stop(self, signum=signal.SIGTERM, timeout=60):
        """Stops it (if still running) and returns (exit code, stdout, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            stdout, stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            stdout, stderr = self.process.communicate()
        kill_leftovers(self.name)
        return self.process.returncode, stdout, self.stderr_seen + stderr

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.stop()
