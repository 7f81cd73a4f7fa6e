"""Managed runtimes: `lambda-emu run FUNCTION_DIR --runtime nodejsNN.x --handler index.handler` runs
a handler with no bootstrap written by anyone, through AWS's official Node.js runtime interface
client (aws-lambda-ric, installed by scripts/setup.sh into runtimes/nodejs), in the environment
Lambda's Node.js runtimes get."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import unittest
from unittest import mock

import harness
import schema

FUNCTIONS = pathlib.Path(__file__).resolve().parent / "functions"
CLIENTS = harness.ROOT / "runtimes" / "nodejs"
AWS = "/usr/bin/aws"
SCHEMA = json.loads((harness.ROOT / "docs" / "report.schema.json").read_text())


def node_major():
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return version, int(version.lstrip("v").split(".")[0])


NODE_VERSION, NODE_MAJOR = node_major()
# The runtime of this machine's Node.js when the emulator has one (no warning), else nodejs22.x.
RUNTIME = f"nodejs{NODE_MAJOR}.x" if NODE_MAJOR in (18, 20, 22, 24) else "nodejs22.x"


def run(function, *args, runtime=RUNTIME, **kwargs):
    return harness.run(FUNCTIONS / function, "--runtime", runtime, *args, **kwargs)


def flushed(stderr):
    """The records node-sigterm flushed on SIGTERM, from its output (the client prefixes each line)."""
    marker = "record flushed: "
    return [json.loads(line.split(marker, 1)[1]) for line in stderr.splitlines() if marker in line]


class ManagedNodeRuntime(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for client in ("aws-lambda-ric-3/dist/rapid-client.node", "aws-lambda-ric-4/rapid-client.node"):
            if not (CLIENTS / "node_modules" / client).exists():
                raise AssertionError("run scripts/setup.sh (it installs aws-lambda-ric into runtimes/nodejs)")

    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def test_commonjs_handler_returns_the_event_in_lambdas_environment(self):
        name = harness.unique_name()
        report_path = self.folder / "report.json"
        result = run("node-cjs", "--handler", "index.handler", "--timeout", "5", "--report", str(report_path),
                     name=name, events=[{"hello": "cjs"}, [1, 2]])
        self.assertEqual(result.code, 0, result)
        first, second = result.results
        self.assertEqual(first["payload"]["event"], {"hello": "cjs"})
        self.assertEqual(second["payload"]["event"], [1, 2])
        self.assertEqual(first["payload"]["functionName"], name)
        self.assertTrue(0 < first["payload"]["remainingMs"] <= 5000, first)
        # As the function sees them: in the sandbox its folder is /var/task and the client's folder
        # (in this checkout, which the sandbox hides) is shown at /var/lambda-emu/extensions/0.
        task_root = "/var/task" if harness.SANDBOX else str(FUNCTIONS / "node-cjs")
        clients = "/var/lambda-emu/extensions/0" if harness.SANDBOX else str(CLIENTS)
        env = first["payload"]["env"]
        self.assertEqual(env["AWS_EXECUTION_ENV"], f"AWS_Lambda_{RUNTIME}")
        self.assertEqual(env["_HANDLER"], "index.handler")
        self.assertEqual(env["LAMBDA_TASK_ROOT"], task_root)
        self.assertEqual(env["LAMBDA_RUNTIME_DIR"], clients)
        major = RUNTIME.removeprefix("nodejs").removesuffix(".x")
        self.assertEqual(env["NODE_PATH"], f"/opt/nodejs/node{major}/node_modules:/opt/nodejs/node_modules:"
                                           f"{clients}/node_modules:{clients}:{task_root}")
        self.assertEqual(env["TZ"], ":UTC")
        self.assertEqual(first["payload"]["cwd"], task_root)
        self.assertEqual(result.lines("warning"), [])
        self.assertNotIn("[lambda-emu] warning", result.stderr)
        self.assertIn(f"INIT_START Runtime Version: nodejs:{major}.lambda-emu", result.stderr)

        report = json.loads(report_path.read_text())
        self.assertEqual(schema.errors(report, SCHEMA), [])
        runtime = report["function"]["runtime"]
        self.assertEqual(runtime["id"], RUNTIME)
        self.assertEqual(runtime["executableVersion"], NODE_VERSION)
        self.assertEqual(runtime["client"], "aws-lambda-ric 3.3.0" if int(major) < 24 else "aws-lambda-ric 4.0.2")
        self.assertEqual(os.path.basename(runtime["executable"]), "node")
        self.assertEqual(report["function"]["handler"], "index.handler")
        harness.assert_nothing_left(self, name)

    def test_es_module_handler_returns_the_event(self):
        name = harness.unique_name()
        # No --handler: a managed runtime's default is index.handler (index.mjs here).
        result = run("node-esm", name=name, events=[{"hello": "esm"}])
        self.assertEqual(result.code, 0, result)
        (answer,) = result.results
        self.assertEqual(answer["payload"]["event"], {"hello": "esm"})
        self.assertEqual(answer["payload"]["module"], "esm")
        self.assertEqual(answer["payload"]["functionName"], name)
        harness.assert_nothing_left(self, name)

    def test_in_the_sandbox_the_task_root_is_var_task(self):
        # The sandbox maps the function's folder to /var/task: Lambda's variables, NODE_PATH
        # and the working directory name it there, and the client finds the handler there.
        result = run("node-cjs", "--sandbox", "on", "--handler", "index.handler", events=[{"hello": "sandbox"}])
        self.assertEqual(result.code, 0, result)
        (answer,) = result.results
        self.assertEqual(answer["payload"]["event"], {"hello": "sandbox"})
        env = answer["payload"]["env"]
        self.assertEqual(env["LAMBDA_TASK_ROOT"], "/var/task")
        # The client's folder as the sandbox shows it: a checkout, which the sandbox hides with the
        # rest of the machine, is bound read-only under /var/lambda-emu/extensions; the host path of
        # the checkout appears nowhere.
        client_inside = "/var/lambda-emu/extensions/0"
        self.assertNotIn(str(harness.ROOT), env["NODE_PATH"])
        self.assertTrue(env["NODE_PATH"].endswith(":/var/task"), env["NODE_PATH"])
        self.assertIn(client_inside, env["NODE_PATH"])
        self.assertEqual(answer["payload"]["cwd"], "/var/task")

    def test_in_the_sandbox_a_client_under_tmp_is_shown_inside(self):
        # A checkout or a package under /tmp or /opt, which the sandbox covers with its own: the
        # client's folder is bound read-only at /var/lambda-emu/extensions/N, and the paths that
        # name it (the entry point, LAMBDA_RUNTIME_DIR, NODE_PATH) name it there. (Before, the
        # runtime died at once: "Cannot find module '/tmp/.../start-ric3.mjs'".)
        with tempfile.TemporaryDirectory(dir="/tmp") as folder:
            (pathlib.Path(folder) / "nodejs").symlink_to(CLIENTS)
            with mock.patch.dict(os.environ, {"LAMBDA_EMU_RUNTIMES_DIR": folder}):
                result = run("node-cjs", "--sandbox", "on", "--handler", "index.handler", events=[{"hello": "tmp"}])
        self.assertEqual(result.code, 0, result)
        env = result.results[0]["payload"]["env"]
        parts = env["NODE_PATH"].split(":")
        self.assertIn("/var/lambda-emu/extensions/0/node_modules", parts)
        self.assertIn("/var/lambda-emu/extensions/0", parts)
        self.assertEqual(parts[-1], "/var/task")

    def test_handler_forms_subfolder_cjs_and_callback(self):
        nested = run("node-cjs", "--handler", "lib/nested.handler", events=[{"n": 1}])
        self.assertEqual(nested.code, 0, nested)
        self.assertEqual(nested.results[0]["payload"], {"event": {"n": 1}, "file": "lib/nested.cjs"})
        callback = run("node-cjs", "--handler", "callback.handler", events=[{"n": 2}])
        self.assertEqual(callback.code, 0, callback)
        self.assertEqual(callback.results[0]["payload"], {"event": {"n": 2}, "style": "callback"})

    def test_handler_that_throws_is_a_function_error_with_the_clients_error_type(self):
        name = harness.unique_name()
        result = run("node-throws", name=name, events=[{"order": 7}])
        self.assertEqual(result.code, 1, result)
        (answer,) = result.results
        self.assertEqual(answer["functionError"], "Unhandled")
        self.assertEqual(answer["payload"]["errorType"], "OrderRejected")
        self.assertEqual(answer["payload"]["errorMessage"], "order 7 was rejected")
        self.assertTrue(answer["payload"]["trace"], answer)
        harness.assert_nothing_left(self, name)

    def test_missing_handler_and_missing_module_are_the_clients_init_errors(self):
        for handler, error_type, words in [
            ("index.nope", "Runtime.HandlerNotFound", "index.nope is undefined or not exported"),
            ("index.notAFunction", "Runtime.HandlerNotFound", "index.notAFunction is not a function"),
            ("missing.handler", "Runtime.ImportModuleError", "Cannot find module 'missing'"),
        ]:
            with self.subTest(handler=handler):
                name = harness.unique_name()
                result = run("node-cjs", "--handler", handler, name=name, events=[{}])
                self.assertEqual(result.code, 3, result)
                (answer,) = result.results
                self.assertEqual(answer["errorType"], error_type, result)
                self.assertIn(words, answer["payload"]["errorMessage"])
                self.assertIn(f"Error Type: {error_type}", result.stderr)
                harness.assert_nothing_left(self, name)

    def test_sigterm_cleanup_with_an_extension_is_in_the_report(self):
        """The cleanup runs and flushes; but process.exit() cannot end Node.js while the client's
        native HTTP client waits in /next (Node joins libuv's thread pool at exit), so the runtime
        is killed at the end of its 300 ms share, as it would be on Lambda with this client. With
        the client's own JavaScript HTTP client (AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1=true,
        aws-lambda-ric 3.x) the same cleanup exits gracefully (the serve test below)."""
        name = harness.unique_name()
        report_path = self.folder / "report.json"
        result = run("node-sigterm", "--report", str(report_path), "--allow-kill",
                     "--extension", str(harness.SAMPLES / "extensions" / "shutdown-logger"),
                     name=name, events=[{"record": 1}, {"record": 2}])
        self.assertEqual(result.code, 0, result)
        self.assertEqual([record["event"] for record in flushed(result.stderr)], [{"record": 1}, {"record": 2}])
        self.assertIn("SIGTERM: flushing 2 records", result.stderr)

        report = json.loads(report_path.read_text())
        self.assertEqual(schema.errors(report, SCHEMA), [])
        (phase,) = report["shutdowns"]
        self.assertEqual(phase["reason"], "spindown")
        processes = {process["name"]: process for process in phase["processes"]}
        runtime, extension = processes["runtime"], processes["shutdown-logger"]
        self.assertEqual(runtime["sigtermMs"], 0)
        self.assertEqual(runtime["deadlineMs"], 300)
        self.assertEqual(runtime["verdict"], "killed", phase)
        self.assertEqual(extension["verdict"], "graceful", phase)
        self.assertIsNotNone(extension["shutdownEventMs"])
        self.assertEqual(report["function"]["runtime"]["id"], RUNTIME)
        harness.assert_nothing_left(self, name)

    def test_extensions_do_not_get_the_runtimes_own_variables(self):
        self.folder.chmod(0o755)  # the extension's folder, readable by the sandbox's user
        extension = self.folder / "env-dumper"
        extension.write_text("""#!/bin/bash
env | sed 's/^/env: /'
api="http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension"
id="$(curl -sS -D - -o /dev/null -X POST "$api/register" -H 'Lambda-Extension-Name: env-dumper' \\
  -d '{"events":[]}' | grep -Fi Lambda-Extension-Identifier | tr -d '[:space:]' | cut -d: -f2)"
exec curl -sS "$api/event/next" -H "Lambda-Extension-Identifier: $id"
""")
        extension.chmod(0o755)
        result = run("node-cjs", "--extension", str(extension), "--env", "CUSTOMER_KEY=1", events=[{}])
        self.assertEqual(result.code, 0, result)
        prefix = "[ext:env-dumper] env: "
        keys = {line[len(prefix):].split("=", 1)[0] for line in result.stderr.splitlines() if line.startswith(prefix)}
        self.assertIn("CUSTOMER_KEY", keys)
        self.assertIn("AWS_LAMBDA_FUNCTION_NAME", keys)
        self.assertEqual(keys & {"NODE_PATH", "AWS_EXECUTION_ENV", "LAMBDA_RUNTIME_DIR", "_HANDLER"}, set())

    def test_customer_node_path_wins_as_on_lambda(self):
        result = run("node-cjs", "--env", "NODE_PATH=/custom/modules", events=[{}])
        self.assertEqual(result.code, 0, result)
        self.assertEqual(result.results[0]["payload"]["env"]["NODE_PATH"], "/custom/modules")

    def test_other_node_major_runs_with_one_warning_naming_both(self):
        other = "nodejs20.x" if NODE_MAJOR != 20 else "nodejs22.x"
        result = run("node-cjs", runtime=other, events=[{"x": 1}])
        self.assertEqual(result.code, 0, result)
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        self.assertEqual(len(warnings), 1, result)
        self.assertIn(other, warnings[0])
        self.assertIn(f"Node.js {other[6:8]}", warnings[0])
        self.assertIn(f"Node.js {NODE_VERSION.lstrip('v')}", warnings[0])
        self.assertEqual(result.results[0]["payload"]["env"]["AWS_EXECUTION_ENV"], f"AWS_Lambda_{other}")

    def test_nodejs24_runs_the_newer_client_which_refuses_callback_handlers(self):
        ok = run("node-cjs", runtime="nodejs24.x", events=[{"n": 24}])
        self.assertEqual(ok.code, 0, ok)
        self.assertEqual(ok.results[0]["payload"]["event"], {"n": 24})
        refused = run("node-cjs", "--handler", "callback.handler", runtime="nodejs24.x", events=[{}])
        self.assertEqual(refused.code, 3, refused)
        self.assertEqual(refused.results[0]["errorType"], "Runtime.CallbackHandlerDeprecated")
        self.assertIn("Node.js 24", refused.results[0]["payload"]["errorMessage"])

    def test_missing_node_unknown_runtime_and_a_file_are_one_clear_error(self):
        empty = self.folder / "empty-path"
        empty.mkdir()
        command = [harness.EMULATOR, "run", str(FUNCTIONS / "node-cjs"), "--runtime", "nodejs22.x"]
        missing = subprocess.run(command, capture_output=True, text=True, timeout=60, env={"PATH": str(empty)})
        self.assertEqual(missing.returncode, 2, missing)
        self.assertEqual(len(missing.stderr.strip().splitlines()), 1, missing.stderr)
        self.assertIn("no `node` was found on PATH", missing.stderr)
        self.assertIn("Node.js 22", missing.stderr)

        unknown = run("node-cjs", runtime="dotnet8", events=[{}])
        self.assertEqual(unknown.code, 2, unknown)
        self.assertIn("--runtime dotnet8 is not a runtime lambda-emu provides (nodejs18.x, nodejs20.x, nodejs22.x, "
                      "nodejs24.x, python3.10, python3.11, python3.12, python3.13, python3.14, java17, java21, java25)",
                      unknown.stderr)

        a_file = harness.run(FUNCTIONS / "node-cjs" / "index.js", "--runtime", RUNTIME, events=[{}])
        self.assertEqual(a_file.code, 2, a_file)
        self.assertIn("is not a directory", a_file.stderr)

    def test_bootstrap_mode_is_unchanged(self):
        result = harness.run(harness.SAMPLES / "python-runtime" / "bootstrap", events=[{"numbers": [1, 2]}])
        self.assertEqual(result.code, 0, result)
        self.assertIn("INIT_START Runtime Version: provided:al2023.lambda-emu", result.stderr)


@unittest.skipUnless(os.path.exists(AWS), "the AWS CLI (scripts/setup.sh installs Debian's awscli)")
class ManagedNodeRuntimeUnderServe(unittest.TestCase):
    """The SIGTERM-flushing function with an extension, behind `serve`, invoked by the AWS CLI."""

    @unittest.skipIf(RUNTIME == "nodejs24.x", "aws-lambda-ric 4.x has no JavaScript HTTP client to choose")
    def test_aws_cli_invokes_then_shutdown_flushes(self):
        folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        report_path = folder / "report.json"
        env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""}
        serve = harness.Serve(FUNCTIONS / "node-sigterm", "--runtime", RUNTIME, "--handler", "index.handler",
                              "--report", str(report_path),
                              "--env", "AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1=true",
                              "--extension", str(harness.SAMPLES / "extensions" / "shutdown-logger"))
        try:
            for n in (1, 2):
                out = folder / f"out{n}.json"
                done = subprocess.run([AWS, "lambda", "invoke", "--endpoint-url", serve.url, "--function-name",
                                       serve.name, "--cli-binary-format", "raw-in-base64-out",
                                       "--payload", json.dumps({"n": n}), str(out)],
                                      capture_output=True, text=True, env=env, timeout=60)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertEqual(json.loads(done.stdout)["StatusCode"], 200)
                self.assertEqual(json.loads(out.read_text()), {"buffered": n})
        finally:
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr)
        self.assertEqual([record["event"] for record in flushed(stderr)], [{"n": 1}, {"n": 2}])
        (environment,) = json.loads(report_path.read_text())["environments"]
        report = environment["report"]
        self.assertEqual(schema.errors(report, SCHEMA), [])
        self.assertEqual(report["function"]["runtime"]["id"], RUNTIME)
        processes = {p["name"]: p for phase in report["shutdowns"] for p in phase["processes"]}
        self.assertEqual(processes["runtime"]["sigtermMs"], 0)
        self.assertEqual(processes["runtime"]["verdict"], "graceful", report["shutdowns"])
        self.assertEqual(processes["shutdown-logger"]["verdict"], "graceful", report["shutdowns"])
        harness.assert_nothing_left(self, serve.name)


if __name__ == "__main__":
    unittest.main()
