"""The sandbox (--sandbox, --layer, --ephemeral-storage): Lambda's filesystem, hostnames and memory
limit around a function run natively, in a user and a mount namespace.

The function is a Python runtime written into a temporary folder: each event names an action
(write into /var/task, write or read /tmp, sleep past the timeout, allocate memory, describe
its world), so one run shows what the code sees inside."""
import json
import os
import pathlib
import shutil
import stat
import tempfile
import unittest
import zipfile

import harness
import schema

SCHEMA = json.loads((harness.ROOT / "docs" / "report.schema.json").read_text())

RUNTIME = r'''#!/usr/bin/env python3
import errno, json, os, socket, time, urllib.request
API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"

def handle(event):
    action = event.get("action")
    if action == "write":
        try:
            with open(event["path"], "w") as f:
                f.write(event.get("content", "written"))
            return {"written": True}
        except OSError as e:
            return {"written": False, "errno": errno.errorcode.get(e.errno, str(e.errno))}
    if action == "read":
        try:
            return {"content": open(event["path"]).read()}
        except OSError as e:
            return {"content": None, "errno": errno.errorcode.get(e.errno, str(e.errno))}
    if action == "sleep":
        time.sleep(event["seconds"])
        return {"slept": True}
    if action == "allocate":
        chunks = []
        for _ in range(event["mb"] // 8):
            chunks.append(bytearray(8 * 1024 * 1024))
            time.sleep(0.01)
        return {"allocated": len(chunks) * 8}
    if action == "mark":
        with open("/tmp/mark", "w") as f:
            f.write(event["content"])
        time.sleep(event["seconds"])
        return {"content": open("/tmp/mark").read(), "tmp": sorted(os.listdir("/tmp"))}
    if action == "statvfs":
        info = os.statvfs(event["path"])
        return {"sizeMB": info.f_blocks * info.f_frsize // (1024 * 1024)}
    if action == "describe":
        try:
            sandbox = socket.gethostbyname("sandbox.localdomain")
        except OSError as e:
            sandbox = "unresolved: " + str(e)
        return {"taskRoot": os.environ.get("LAMBDA_TASK_ROOT"), "cwd": os.getcwd(), "sandbox": sandbox,
                "uid": os.getuid(), "pid": os.getpid()}
    return {"unknown": action}

while True:
    with urllib.request.urlopen(API + "next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(response.read())
    body = json.dumps(handle(event)).encode()
    urllib.request.urlopen(urllib.request.Request(API + request_id + "/response", data=body, method="POST")).read()
'''

# Shaped like AWS's example extensions (aws-samples/aws-lambda-extensions): a launcher in
# extensions/ that execs /opt/NAME/extension.py by its absolute path, and a Telemetry API
# listener bound to sandbox.localdomain.
LAUNCHER = '''#!/bin/bash
set -euo pipefail
OWN_FILENAME="$(basename $0)"
LAMBDA_EXTENSION_NAME="$OWN_FILENAME"
echo "${LAMBDA_EXTENSION_NAME}  launching extension"
exec "/opt/${LAMBDA_EXTENSION_NAME}/extension.py"
'''

EXTENSION = r'''#!/usr/bin/env python3
import http.server, json, os, sys, threading, time, urllib.request
API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"]
NAME = os.path.basename(os.path.dirname(os.path.abspath(__file__)))
telemetry = []

class Listener(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        telemetry.extend(record["type"] for record in json.loads(body))
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("sandbox.localdomain", 0), Listener)
threading.Thread(target=server.serve_forever, daemon=True).start()

def call(path, body=None, headers=None, method="GET"):
    request = urllib.request.Request(API + path, data=body, headers=headers or {}, method=method)
    with urllib.request.urlopen(request) as response:
        return response.headers, response.read()

headers, _ = call("/2020-01-01/extension/register", json.dumps({"events": ["INVOKE", "SHUTDOWN"]}).encode(),
                  {"Lambda-Extension-Name": NAME}, "POST")
identifier = headers["Lambda-Extension-Identifier"]
subscription = {"schemaVersion": "2022-07-01", "types": ["platform", "function"],
                "buffering": {"maxItems": 1000, "maxBytes": 262144, "timeoutMs": 25},
                "destination": {"protocol": "HTTP", "URI": "http://sandbox.localdomain:%d" % server.server_port}}
call("/2022-07-01/telemetry", json.dumps(subscription).encode(), {"Lambda-Extension-Identifier": identifier}, "PUT")
print("subscribed from", server.server_address[0], flush=True)
events = []
while True:
    _, body = call("/2020-01-01/extension/event/next", headers={"Lambda-Extension-Identifier": identifier})
    event = json.loads(body)
    events.append(event["eventType"])
    if event["eventType"] == "SHUTDOWN":
        break
# Between invocations the environment is frozen and Lambda holds telemetry until the thaw, so the
# last invocation's records may come during the Shutdown phase: wait for them (well within the
# phase's 2 s), as an extension that must not lose them does.
deadline = time.monotonic() + 1.5
while telemetry.count("platform.report") < events.count("INVOKE") and time.monotonic() < deadline:
    time.sleep(0.01)
print("events " + ",".join(events), flush=True)
print("telemetry " + ",".join(sorted(set(telemetry))), flush=True)
'''


def executable(info_name, text):
    info = zipfile.ZipInfo(info_name)
    info.external_attr = (stat.S_IFREG | 0o755) << 16  # the executable bit, as `zip` keeps it
    return info, text


def readable(info_name, text):
    info = zipfile.ZipInfo(info_name)
    info.external_attr = (stat.S_IFREG | 0o644) << 16  # as `zip` keeps a checkout's file: the function is not its owner
    return info, text


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for info, text in entries:
            archive.writestr(info, text)


class SandboxTest(unittest.TestCase):
    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="sandbox-test-"))
        self.function = self.folder / "function"
        self.function.mkdir()
        bootstrap = self.function / "bootstrap"
        bootstrap.write_text(RUNTIME)
        bootstrap.chmod(0o755)
        self.bootstrap = bootstrap
        self.name = harness.unique_name("sandbox")

    def tearDown(self):
        harness.kill_leftovers(self.name)
        shutil.rmtree(self.folder, ignore_errors=True)

    def run_function(self, *args, events, env=None):
        report_path = self.folder / "report.json"
        # The emulator stages its folders (layers, each environment's sandbox) under TMPDIR.
        staging = self.folder / "staging"
        staging.mkdir(exist_ok=True)
        saved = dict(os.environ)
        try:
            os.environ.update(env or {})
            os.environ["TMPDIR"] = str(staging)
            os.environ.pop("LAMBDA_EMU_SANDBOX", None)  # the harness's default for the other suites
            run = harness.run(self.bootstrap, "--report", str(report_path), *args, name=self.name, events=events)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        harness.assert_nothing_left(self, self.name)
        self.assertEqual(list(staging.glob("lambda-emu-*")), [], "a staged folder was left behind")
        report = json.loads(report_path.read_text()) if report_path.exists() else None
        if report is not None:
            problems = schema.errors(report, SCHEMA)
            self.assertEqual(problems, [], report)
        return run, report

    def test_var_task_is_read_only_tmp_is_private_and_kept_across_a_timeout_reset(self):
        run, report = self.run_function(
            "--timeout", "1",
            events=[{"action": "write", "path": "/var/task/new-file"},
                    {"action": "write", "path": "/tmp/kept", "content": "before the reset"},
                    {"action": "describe"},
                    {"action": "sleep", "seconds": 5},
                    {"action": "read", "path": "/tmp/kept"},
                    {"action": "write", "path": "/usr/new-file"}])
        results = [r["payload"] for r in run.results]
        self.assertEqual(len(results), 6, run)
        self.assertEqual(results[0], {"written": False, "errno": "EROFS"}, run)
        self.assertEqual(results[1], {"written": True}, run)
        self.assertEqual(results[2]["taskRoot"], "/var/task")
        self.assertEqual(results[2]["cwd"], "/var/task")
        self.assertEqual(results[2]["sandbox"], "127.0.0.1")
        self.assertEqual(results[2]["uid"], 993)  # sbx_user1051, as on Lambda
        self.assertEqual(run.results[3]["errorType"], "Sandbox.Timedout", run)
        # Lambda keeps /tmp across a reset: the new runtime reads what the old one wrote.
        self.assertEqual(results[4], {"content": "before the reset"}, run)
        self.assertEqual(results[5], {"written": False, "errno": "EROFS"}, run)
        self.assertFalse((self.function / "new-file").exists())
        self.assertFalse(pathlib.Path("/tmp/kept").exists() and pathlib.Path("/tmp/kept").read_text() == "before the reset")
        self.assertEqual([i["phase"] for i in report["inits"]], ["init", "invoke"])
        self.assertEqual(report["shutdowns"][0]["reason"], "timeout")
        self.assertEqual(report["sandbox"]["enabled"], True)
        self.assertEqual(report["sandbox"]["ephemeralStorageMB"], 512)
        self.assertIn("sandbox: on:", run.stderr)

    def test_tmp_is_limited_to_the_ephemeral_storage(self):
        run, report = self.run_function("--ephemeral-storage", "600", events=[{"action": "statvfs", "path": "/tmp"}])
        self.assertEqual(run.results[0]["payload"], {"sizeMB": 600}, run)
        self.assertEqual(report["sandbox"]["ephemeralStorageMB"], 600)
        run, _ = self.run_function("--ephemeral-storage", "100", events=[{"action": "describe"}])
        self.assertEqual(run.code, 2, run)
        self.assertIn("--ephemeral-storage", run.stderr)

    def test_an_extension_layer_shaped_like_aws_examples_runs_unmodified(self):
        layer = self.folder / "extension-layer.zip"
        write_zip(layer, [executable("extensions/python-example-extension", LAUNCHER),
                          executable("python-example-extension/extension.py", EXTENSION)])
        run, report = self.run_function("--layer", str(layer), events=[{"action": "describe"}, {"action": "describe"}])
        self.assertEqual(run.code, 0, run)
        lines = run.lines("[ext:python-example-extension]")
        self.assertTrue(any("subscribed from 127.0.0.1" in line for line in lines), run)
        self.assertTrue(any(line.endswith("events INVOKE,INVOKE,SHUTDOWN") for line in lines), run)
        telemetry = [line for line in lines if " telemetry " in line]
        self.assertEqual(len(telemetry), 1, run)
        for record_type in ("platform.initStart", "platform.start", "platform.report"):
            self.assertIn(record_type, telemetry[0])
        self.assertEqual(report["environment"]["extensions"][0]["name"], "python-example-extension")
        self.assertEqual(report["sandbox"]["layers"], [str(layer)])

    def test_a_later_layer_wins(self):
        first = self.folder / "first.zip"
        write_zip(first, [readable("lib/shared.txt", "first"), readable("only-first.txt", "1")])
        second = self.folder / "second"
        (second / "lib").mkdir(parents=True)
        (second / "lib" / "shared.txt").write_text("second")
        run, _ = self.run_function("--layer", str(first), "--layer", str(second),
                                   events=[{"action": "read", "path": "/opt/lib/shared.txt"},
                                           {"action": "read", "path": "/opt/only-first.txt"},
                                           {"action": "write", "path": "/opt/lib/shared.txt"}])
        results = [r["payload"] for r in run.results]
        self.assertEqual(results[0], {"content": "second"}, run)
        self.assertEqual(results[1], {"content": "1"}, run)
        self.assertEqual(results[2], {"written": False, "errno": "EROFS"}, run)

    def test_past_its_memory_size_the_runtime_is_killed_and_the_next_invocation_initialises_again(self):
        run, report = self.run_function("--memory", "128", "--timeout", "30",
                                        events=[{"action": "allocate", "mb": 800}, {"action": "describe"}])
        self.assertEqual(len(run.results), 2, run)
        self.assertEqual(run.results[0]["errorType"], "Runtime.OutOfMemory", run)
        self.assertIn("Runtime exited with error: signal: killed", run.results[0]["payload"]["errorMessage"])
        self.assertEqual(run.results[1]["payload"]["taskRoot"], "/var/task", run)
        self.assertEqual(run.code, 4, run)
        self.assertEqual([i["phase"] for i in report["inits"]], ["init", "invoke"])
        self.assertEqual(report["shutdowns"][0]["reason"], "failure")
        self.assertGreaterEqual(report["invocations"][0]["maxMemoryUsedMB"], 128)
        self.assertEqual(report["sandbox"]["memoryLimit"], "kernel" if harness.CGROUPS else "rss-sampling")
        reports = [line for line in run.stderr.splitlines() if line.startswith("REPORT")]
        self.assertIn("Max Memory Used: ", reports[0])

    def test_the_emulator_signals_and_measures_the_real_processes_in_the_sandbox(self):
        # A PID namespace of its own: the runtime sees its pid there (never 1: the environment's
        # init is), the emulator reports and signals the real process by its pid on the host.
        run, report = self.run_function(events=[{"action": "describe"}])
        runtime = [p for p in report["shutdowns"][-1]["processes"] if p["kind"] == "runtime"][0]
        inside = run.results[0]["payload"]["pid"]
        self.assertGreater(inside, 1, run)
        self.assertNotEqual(runtime["pid"], inside, run)
        self.assertEqual(runtime["exit"]["signal"], 9)

        # The Shutdown phase keeps its shares and verdicts: a cleanup of 100 ms after SIGTERM is
        # graceful, one that ignores SIGTERM is killed at the runtime's 300 ms.
        sigterm_aware = harness.SAMPLES / "sigterm-aware-runtime" / "bootstrap"
        # A copy in the test's folder, under /tmp, which the sandbox's own /tmp hides: the
        # emulator binds its folder in, so it still starts.
        logger = self.folder / "extensions" / "shutdown-logger"
        logger.parent.mkdir()
        shutil.copy(harness.SAMPLES / "extensions" / "shutdown-logger", logger)
        for variables, verdict in ((["--env", "CLEANUP_MS=100"], "graceful"), (["--env", "IGNORE_SIGTERM=1"], "killed")):
            self.bootstrap = sigterm_aware
            run, report = self.run_function("--sandbox", "on", "--extension", str(logger), *variables, events=[{}])
            processes = {p["kind"]: p for p in report["shutdowns"][-1]["processes"]}
            self.assertEqual(report["sandbox"]["enabled"], True)
            self.assertEqual(processes["runtime"]["sigtermMs"], 0.0, run)
            self.assertEqual(processes["runtime"]["verdict"], verdict, run)
            self.assertEqual(processes["extension"]["verdict"], "graceful", run)
            if verdict == "graceful":
                self.assertEqual(processes["runtime"]["exit"]["code"], 0)
                self.assertGreaterEqual(processes["runtime"]["exitObservedMs"], 95)
            else:
                self.assertEqual(processes["runtime"]["exit"]["signal"], 9)
                self.assertEqual(processes["runtime"]["deadlineMs"], 300.0, run)
                self.assertGreaterEqual(processes["runtime"]["sigkillMs"], 300.0, run)
            self.assertTrue(any("SHUTDOWN (spindown)" in line for line in run.lines("[ext:shutdown-logger]")), run)

    def test_each_environment_of_serve_has_its_own_sandbox(self):
        import threading
        staging = self.folder / "staging"
        staging.mkdir()
        saved = dict(os.environ)
        try:
            os.environ["TMPDIR"] = str(staging)
            os.environ.pop("LAMBDA_EMU_SANDBOX", None)
            with harness.Serve(self.bootstrap, "--concurrency", "2", name=self.name) as serve:
                answers = {}

                def invoke(content):
                    event = {"action": "mark", "content": content, "seconds": 1}
                    answers[content] = json.loads(serve.invoke(json.dumps(event).encode())[2])

                # Two at once: two environments, each writing /tmp/mark while the other does.
                threads = [threading.Thread(target=invoke, args=(c,)) for c in ("first", "second")]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                code, _, stderr = serve.stop()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        self.assertEqual(answers["first"], {"content": "first", "tmp": ["mark"]}, stderr)
        self.assertEqual(answers["second"], {"content": "second", "tmp": ["mark"]}, stderr)
        self.assertEqual(code, 0, stderr)
        harness.assert_nothing_left(self, self.name)
        self.assertEqual(list(staging.glob("lambda-emu-*")), [], "a staged folder was left behind")

    def test_a_bootstrap_in_a_folder_that_does_not_exist_is_a_usage_error_as_without_the_sandbox(self):
        self.bootstrap = self.folder / "no-such-folder" / "bootstrap"
        run = harness.run(self.bootstrap, "--sandbox", "on", events=[{}])
        self.assertEqual(run.code, 2, run)  # not a sandbox that cannot be made (6)
        self.assertIn("does not exist", run.stderr)
        self.assertNotIn("cannot make the sandbox", run.stderr)

    def test_sandbox_off_behaves_as_before(self):
        run, report = self.run_function("--sandbox", "off",
                                        events=[{"action": "describe"},
                                                {"action": "write", "path": str(self.function / "new-file")}])
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.results[0]["payload"]["taskRoot"], str(self.function))
        self.assertEqual(run.results[1]["payload"], {"written": True})
        self.assertEqual(report["sandbox"]["enabled"], False)
        self.assertNotIn("sandbox:", run.stderr)

    def test_without_user_namespaces_on_fails_with_one_clear_line_and_auto_runs_without(self):
        no_userns = {"LAMBDA_EMU_TEST_NO_USERNS": "1"}
        run, _ = self.run_function("--sandbox", "on", events=[{"action": "describe"}], env=no_userns)
        self.assertEqual(run.code, 6, run)
        self.assertEqual(run.results, [])
        errors = [line for line in run.stderr.splitlines() if "user namespaces" in line]
        self.assertEqual(len(errors), 1, run)
        self.assertIn("--sandbox on: this kernel does not allow unprivileged user namespaces", errors[0])

        run, report = self.run_function(events=[{"action": "describe"}], env=no_userns)
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.results[0]["payload"]["taskRoot"], str(self.function))
        self.assertEqual(len([line for line in run.stderr.splitlines() if "sandbox: off:" in line]), 1, run)
        self.assertEqual(report["sandbox"]["enabled"], False)
        self.assertIn("user namespaces", report["sandbox"]["reason"])


if __name__ == "__main__":
    unittest.main()
