"""AWS's graceful-shutdown samples, one per language, run from their SAM templates unmodified
(samples/graceful-shutdown/): each names CloudWatch Lambda Insights' layer by ARN, which the
built-in stand-in extension replaces, so the runtime gets SIGTERM as on Lambda. Each test checks
what the report says of the runtime's SIGTERM, the handler's own lines and the verdict that is
true for that language's client; then the same function under `serve`, invoked with the AWS CLI
and shut down by stopping serve.

The Go, Rust and Java functions are built by scripts/build-samples.sh (scripts/test.sh runs it)."""
import json
import os
import pathlib
import subprocess
import tempfile
import unittest

import harness

SAMPLES = harness.SAMPLES / "graceful-shutdown"
AWS = "/usr/bin/aws"  # Debian's; a version manager's shim earlier on PATH must not shadow it


def built(path):
    if not path.exists():
        raise AssertionError(f"{path} is not built: run scripts/build-samples.sh")


class Case:
    """One function of a sample's template, and what is true of its shutdown."""

    def __init__(self, language, function, verdict, lines, absent=(), sigterm_source="Lambda: external extensions",
                 runtime_share_ms=300, needs=None):
        self.language = language
        self.function = function
        self.verdict = verdict
        self.lines = lines
        self.absent = absent
        self.sigterm_source = sigterm_source
        self.runtime_share_ms = runtime_share_ms
        self.needs = needs

    @property
    def template(self):
        return SAMPLES / self.language / "template.yaml"


INTERNAL = "Lambda: internal extensions only"
CASES = {
    # aws-lambda-ric keeps Node.js alive while /next is parked: process.exit(0) in the listener
    # does not end it, and Lambda kills it at 300 ms, its cleanup done.
    "nodejs": Case("nodejs", "HelloWorldFunction", "killed",
                   ["[handler] invoked", "[runtime] SIGTERM received", "[runtime] exiting"]),
    # awslambdaric polls /next on a thread from python3.12 on, so the signal handler runs.
    "python3.12": Case("python", "HelloWorldFunction", "graceful",
                       ["[handler] invoked", "[runtime] SIGTERM received", "[runtime] exiting"]),
    # Before python3.12 it waits for /next on the main thread, in native code: Python's handler
    # never gets to run, and Lambda kills the runtime at 300 ms.
    "python3.11": Case("python", "LegacyRuntimeFunction", "killed", ["[handler] invoked"],
                       absent=["[runtime] SIGTERM received"]),
    # The JVM runs its shutdown hooks at once, then waits about 300 ms for threads in native code
    # (the client's /next) before it exits: past the runtime's share, so Lambda kills it.
    "java17": Case("java", "HelloWorldFunction", "killed",
                   ["[handler] invoked", "[runtime] ShutdownHook triggered", "[runtime] exiting"],
                   needs=SAMPLES / "java" / "HelloWorldFunction" / "target" / "hello-world.jar"),
    "go-signal-notify": Case("go", "SignalNotifyFunction", "graceful",
                             ["[handler] invoked", "[runtime] SIGTERM received",
                              "[runtime] Graceful shutdown completed"],
                             needs=SAMPLES / "go" / "signal-notify" / "bootstrap"),
    # lambda.WithEnableSIGTERM registers an internal extension: SIGTERM with no layer, 500 ms.
    "go-enable-sigterm": Case("go", "EnableSigtermFunction", "graceful",
                              ["[handler] invoked", "[runtime] SIGTERM received",
                               "[runtime] Graceful shutdown completed"],
                              sigterm_source=INTERNAL, runtime_share_ms=500,
                              needs=SAMPLES / "go" / "enable-sigterm" / "bootstrap"),
    "rust-external-extension": Case("rust", "ExternalExtensionFunction", "graceful",
                                    ["[handler] invoked", "[runtime] SIGTERM received",
                                     "[runtime] Graceful shutdown completed"],
                                    needs=SAMPLES / "rust" / "external-extension" / "bootstrap"),
    # lambda_runtime's spawn_graceful_shutdown_handler: an internal extension, as Go's above.
    "rust-internal-extension": Case("rust", "InternalExtensionFunction", "graceful",
                                    ["[handler] invoked", "SIGTERM received", "Graceful shutdown completed"],
                                    sigterm_source=INTERNAL, runtime_share_ms=500,
                                    needs=SAMPLES / "rust" / "internal-extension" / "bootstrap"),
}


class GracefulShutdownSamples(unittest.TestCase):
    def check_shutdown(self, case, report, stderr):
        shutdown = report["shutdowns"][-1]
        self.assertTrue(shutdown["budget"]["sigterm"], stderr)
        self.assertEqual(shutdown["budget"]["source"], case.sigterm_source)
        self.assertEqual(shutdown["budget"]["runtimeShareMs"], case.runtime_share_ms)
        runtime = next(p for p in shutdown["processes"] if p["kind"] == "runtime")
        self.assertEqual(runtime["sigtermMs"], 0.0, stderr)
        self.assertEqual(runtime["verdict"], case.verdict, stderr)
        for line in case.lines:
            self.assertIn(line, stderr)
        for line in case.absent:
            self.assertNotIn(line, stderr)
        if case.sigterm_source != INTERNAL:
            # The stand-in is the external extension that made Lambda send SIGTERM; it exits on SHUTDOWN.
            agent = next(p for p in shutdown["processes"] if p["name"] == "cloudwatch_lambda_agent")
            self.assertEqual(agent["verdict"], "graceful", stderr)

    def run_case(self, key):
        case = CASES[key]
        if case.needs:
            built(case.needs)
        with tempfile.TemporaryDirectory() as folder:
            report_path = pathlib.Path(folder) / "report.json"
            done = harness.run(case.function, "--template", str(case.template), "--report", str(report_path))
            report = json.loads(report_path.read_text())
        self.assertEqual(done.code, 0 if case.verdict == "graceful" else 5, done)
        self.assertEqual(done.results[0]["functionError"], None, done)
        if case.sigterm_source != INTERNAL:
            self.assertIn("CloudWatch Lambda Insights is stood in by a built-in external extension", done.stderr)
        self.check_shutdown(case, report, done.stderr)
        # The last line says why the exit code is what it is; a kill's note names the way out
        # where the runtime's client has one, and no other runtime's words.
        last = done.stderr.strip().splitlines()[-1]
        if case.verdict == "graceful":
            self.assertEqual(last, "[lambda-emu] exit code 0: every invocation succeeded and every process shut down "
                                   "on its own")
        else:
            self.assertEqual(last, "[lambda-emu] exit code 5: runtime killed at its 300 ms deadline while idle (see "
                                   "the note above; --allow-kill=idle lets that pass)")
        self.assertEqual("[lambda-emu] exit code " + str(report["exitCode"]) + ": " + report["exitReason"], last)
        fix = "AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1=true"
        (self.assertIn if case.language == "nodejs" else self.assertNotIn)(fix, done.stderr)
        if case.language != "nodejs":
            self.assertNotIn("process.exit", done.stderr)
        return done

    def test_the_nodejs_fix_named_in_the_note_works(self):
        """The note's way out, taken: Node.js's alternative client lets process.exit() end the runtime."""
        done = harness.run("HelloWorldFunction", "--template", str(SAMPLES / "nodejs" / "template.yaml"), "--env",
                           "AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1=true")
        self.assertEqual(done.code, 0, done)
        self.assertIn("[runtime] exiting", done.stderr)

    def test_the_cleanup_table_fits_100_columns_with_two_extensions(self):
        built(CASES["go-signal-notify"].needs)
        done = harness.run("SignalNotifyFunction", "--template", str(SAMPLES / "go" / "template.yaml"), "--extension",
                           str(harness.SAMPLES / "extensions" / "shutdown-logger"))
        self.assertEqual(done.code, 0, done)
        lines = done.stderr.splitlines()
        table = lines[next(i for i, line in enumerate(lines) if line.startswith("Shutdown (")):]
        self.assertEqual(sum(1 for line in table if "graceful" in line), 3, done)  # the runtime, 2 extensions
        self.assertTrue(any("timeline, 0 to" in line for line in table), done)
        for line in table:
            if not line.startswith("  note: "):  # prose, which a terminal wraps
                self.assertLessEqual(len(line), 100, line)

    def serve_case(self, key):
        """The same function under serve, invoked with the AWS CLI; stopping serve shuts it down."""
        case = CASES[key]
        if case.needs:
            built(case.needs)
        with tempfile.TemporaryDirectory() as folder:
            report_path = pathlib.Path(folder) / "report.json"
            serve = harness.Serve(case.function, "--template", str(case.template), "--report", str(report_path))
            try:
                out = pathlib.Path(folder) / "out.json"
                env = {"PATH": "/usr/bin:/bin", "HOME": folder, "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                       "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""}
                invoked = subprocess.run([AWS, "lambda", "invoke", "--endpoint-url", serve.url, "--function-name",
                                          serve.name, "--cli-binary-format", "raw-in-base64-out", "--payload", "{}",
                                          str(out)], capture_output=True, text=True, env=env, timeout=120)
                self.assertEqual(invoked.returncode, 0, invoked.stderr)
                self.assertEqual(json.loads(invoked.stdout)["StatusCode"], 200)
                self.assertNotIn("FunctionError", json.loads(invoked.stdout))
                self.assertTrue(out.read_text())
            finally:
                code, _, stderr = serve.stop()
            environments = json.loads(report_path.read_text())["environments"]
        self.assertEqual(code, 0 if case.verdict == "graceful" else 5, stderr)
        self.assertEqual(len(environments), 1, stderr)
        self.check_shutdown(case, environments[0]["report"], stderr)
        harness.assert_nothing_left(self, serve.name)


def add_tests(key):
    safe = key.replace(".", "_").replace("-", "_")
    setattr(GracefulShutdownSamples, f"test_run_{safe}", lambda self: self.run_case(key))
    setattr(GracefulShutdownSamples, f"test_serve_{safe}", lambda self: self.serve_case(key))


for sample in CASES:
    add_tests(sample)


class LayerArnsTest(unittest.TestCase):
    """What a template's layer ARNs become: a mapped local copy, the stand-in, or nothing."""

    def test_a_mapped_layer_runs_its_own_extension_instead_of_the_stand_in(self):
        built(CASES["go-signal-notify"].needs)
        with tempfile.TemporaryDirectory() as folder:
            layer = pathlib.Path(folder) / "layer"
            (layer / "extensions").mkdir(parents=True)
            logger = layer / "extensions" / "shutdown-logger"
            logger.write_bytes((harness.SAMPLES / "extensions" / "shutdown-logger").read_bytes())
            logger.chmod(0o755)
            report_path = pathlib.Path(folder) / "report.json"
            done = harness.run("SignalNotifyFunction", "--template", str(SAMPLES / "go" / "template.yaml"),
                               "--layer-map", f"LambdaInsightsExtension={layer}", "--report", str(report_path))
            report = json.loads(report_path.read_text())
        self.assertEqual(done.code, 0, done)
        self.assertNotIn("stood in", done.stderr)
        names = {p["name"] for p in report["shutdowns"][-1]["processes"]}
        self.assertEqual(names, {"runtime", "shutdown-logger"}, done)
        self.assertIn("[runtime] SIGTERM received", done.stderr)

    def test_an_unknown_layer_arn_is_one_warning_and_the_run_goes_on(self):
        built(CASES["go-enable-sigterm"].needs)
        arn = "arn:aws:lambda:us-east-1:111122223333:layer:deps:7"
        done = harness.run("EnableSigtermFunction", "--template", str(SAMPLES / "go" / "template.yaml"),
                           "--layer", arn)
        self.assertEqual(done.code, 0, done)
        self.assertEqual(done.lines(f"[lambda-emu] warning: layer {arn}"),
                         [f"[lambda-emu] warning: layer {arn} cannot be fetched locally; the run goes on without it "
                          "(--layer-map deps=PATH uses a local copy: a folder or the layer's .zip)"])

    def test_an_arm64_function_runs_here_with_a_warning(self):
        done = harness.run("HelloWorldFunction", "--template", str(SAMPLES / "nodejs" / "template.yaml"))
        self.assertIn("[lambda-emu] warning: template: HelloWorldFunction.Architectures: arm64, but this machine is "
                      "x86_64: the function runs as x86_64 code here", done.stderr)

    def test_an_arm64_bootstrap_is_refused_in_one_line(self):
        with tempfile.TemporaryDirectory() as folder:
            code = pathlib.Path(folder) / "fn"
            code.mkdir()
            # An ELF header for AArch64 (e_machine 183), as `GOARCH=arm64 go build` writes.
            header = bytearray(64)
            header[0:4] = b"\x7fELF"
            header[4], header[5], header[6] = 2, 1, 1
            header[16] = 2
            header[18:20] = (183).to_bytes(2, "little")
            (code / "bootstrap").write_bytes(bytes(header))
            (code / "bootstrap").chmod(0o755)
            template = pathlib.Path(folder) / "template.yaml"
            template.write_text("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                                "      CodeUri: fn/\n      Runtime: provided.al2023\n      Handler: bootstrap\n"
                                "      Architectures: [arm64]\n")
            done = harness.run("Fn", "--template", str(template))
        self.assertEqual(done.code, 2, done)
        self.assertEqual(done.stderr.strip().splitlines(),
                         [f"[lambda-emu] error: template: Fn: its bootstrap {code}/bootstrap is an arm64 executable, "
                          "which this x86_64 machine cannot run; build it for x86_64 to run it here"])


class PythonRuntimeTest(unittest.TestCase):
    def test_a_python_handler_in_a_folder_with_layers_on_its_path(self):
        """dir/module.function, Lambda's Python variables, a layer's /opt/python on the path."""
        with tempfile.TemporaryDirectory() as folder:
            code = pathlib.Path(folder) / "code"
            (code / "handlers").mkdir(parents=True)
            (code / "handlers" / "api.py").write_text(
                "import os, sys, shared\n"
                "def handle(event, context):\n"
                "    return {'env': os.environ['AWS_EXECUTION_ENV'], 'runtime_dir': os.environ['LAMBDA_RUNTIME_DIR'],\n"
                "            'path': os.environ['PYTHONPATH'], 'shared': shared.VALUE,\n"
                "            'request': context.aws_request_id}\n")
            layer = pathlib.Path(folder) / "layer" / "python"
            layer.mkdir(parents=True)
            (layer / "shared.py").write_text("VALUE = 'from the layer'\n")
            done = harness.run(code, "--runtime", "python3.12", "--handler", "handlers/api.handle",
                               "--layer", str(layer.parent))
        self.assertEqual(done.code, 0, done)
        answer = done.results[0]["payload"]
        self.assertEqual(answer["env"], "AWS_Lambda_python3.12")
        self.assertEqual(answer["shared"], "from the layer")
        self.assertEqual(answer["request"], done.results[0]["requestId"])
        parts = answer["path"].split(":")
        self.assertEqual(parts[:3], ["/var/task" if harness.SANDBOX else str(code),
                                     "/opt/python/lib/python3.12/site-packages", "/opt/python"])
        self.assertIn(answer["runtime_dir"], parts)


if __name__ == "__main__":
    unittest.main()
