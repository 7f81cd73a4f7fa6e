"""`lambda-emu serve --watch`: a change to the function's code shuts every environment down through
the Shutdown phase (reason spindown) once its invocation is finished, and the next invocation
initialises the new code; no invocation is cut short and none waiting is lost."""
import concurrent.futures
import json
import pathlib
import shutil
import tempfile
import time
import unittest

import harness

LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"

# Reads its version once, at Init, so that only a new environment answers with a new one; sleeps
# as long as the event asks; ends cleanly on SIGTERM (the extension makes Lambda send it).
BOOTSTRAP = r'''#!/usr/bin/env python3
import http.client
import json
import os
import signal
import sys
import time

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
VERSION = open(os.path.join(os.environ["LAMBDA_TASK_ROOT"], "version.txt")).read().strip()
LAYER = open("/opt/layer.txt").read().strip() if os.path.exists("/opt/layer.txt") else None
host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")


def call(method, path, body=None):
    connection = http.client.HTTPConnection(host, int(port), timeout=None)
    connection.request(method, "/2018-06-01/runtime" + path, body=body)
    response = connection.getresponse()
    return response.getheader("Lambda-Runtime-Aws-Request-Id"), response.read()


while True:
    request_id, body = call("GET", "/invocation/next")
    time.sleep(json.loads(body).get("sleep", 0))
    call("POST", f"/invocation/{request_id}/response", json.dumps({"version": VERSION, "layer": LAYER}))
'''


def make_function(folder):
    (folder / "version.txt").write_text("v1\n")
    bootstrap = folder / "bootstrap"
    bootstrap.write_text(BOOTSTRAP)
    bootstrap.chmod(0o755)
    return bootstrap


class Watch(unittest.TestCase):
    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="watch-function-"))
        self.folder.chmod(0o755) # the function runs as another user in the sandbox
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.serve = harness.Serve(make_function(self.folder), "--watch", "--extension", str(LOGGER))
        self.addCleanup(self.serve.stop)

    def version(self, event=None):
        status, headers, body = self.serve.invoke(json.dumps(event or {}).encode())
        self.assertEqual(status, 200, body)
        self.assertNotIn("x-amz-function-error", headers, body)
        return json.loads(body)["version"]

    def wait_for_line(self, needle):
        return harness.wait_for_stderr_line(self.serve.process, needle)

    def shut_down(self):
        """The report, once serve has ended with every process of the function."""
        status, _, body = self.serve.request("POST", "/lambda-emu/shutdown")
        self.assertEqual(status, 200, body)
        self.serve.process.wait(timeout=60) # serve ends once it has answered
        code, _, stderr = self.serve.stop()
        self.assertEqual(code, 0, stderr)
        harness.assert_nothing_left(self, self.serve.name)
        return json.loads(body)

    def assert_recycled_through_shutdown(self, environment):
        shutdowns = environment["report"]["shutdowns"]
        self.assertEqual([s["reason"] for s in shutdowns], ["spindown"])
        verdicts = {p["name"]: p["verdict"] for p in shutdowns[0]["processes"]}
        self.assertEqual(verdicts, {"runtime": "graceful", "shutdown-logger": "graceful"}, shutdowns[0])

    def test_a_change_shuts_the_environment_down_and_the_next_invocation_initialises_the_new_code(self):
        self.assertIn("--watch: watching 1 folders", self.serve.stderr_seen)
        self.assertEqual(self.version(), "v1")
        self.assertEqual(self.version(), "v1") # warm
        (self.folder / "version.txt").write_text("v2\n")
        line = self.wait_for_line("changed:")
        self.assertIn("version.txt changed: 1 environment shuts down after its invocation; "
                      "the next invocation initialises the new code", line)
        self.wait_for_line("SHUTDOWN (spindown)") # the extension saw the Shutdown phase
        self.assertEqual(self.version(), "v2")

        report = self.shut_down()
        first, second = report["environments"]
        self.assertEqual(len(first["report"]["invocations"]), 2)
        self.assert_recycled_through_shutdown(first)
        self.assertEqual(len(second["report"]["invocations"]), 1)
        self.assertEqual(len(second["report"]["inits"]), 1) # a cold start

    def test_a_change_during_an_invocation_does_not_cut_it_short_and_queued_ones_get_the_new_code(self):
        self.assertEqual(self.version(), "v1")
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            long = pool.submit(self.version, {"sleep": 2})
            deadline = time.monotonic() + 10
            while json.loads(self.serve.request("GET", "/lambda-emu/health")[2])["busy"] != 1:
                self.assertLess(time.monotonic(), deadline, "the long invocation never started")
                time.sleep(0.05)
            (self.folder / "version.txt").write_text("v2\n")
            self.assertIn("1 environment shuts down after its invocation", self.wait_for_line("changed:"))
            queued = pool.submit(self.version) # --concurrency 1: waits for the new environment
            self.assertEqual(long.result(timeout=30), "v1")
            self.assertEqual(queued.result(timeout=30), "v2")

        report = self.shut_down()
        first, second = report["environments"]
        long_invocation = first["report"]["invocations"][-1]
        self.assertEqual(long_invocation["outcome"], "success")
        self.assertGreaterEqual(long_invocation["durationMs"], 2000)
        self.assert_recycled_through_shutdown(first)
        self.assertEqual([i["outcome"] for i in second["report"]["invocations"]], ["success"])

    def test_editor_noise_is_not_a_change(self):
        self.assertEqual(self.version(), "v1")
        (self.folder / ".version.txt.swp").write_text("vim")
        (self.folder / "version.txt~").write_text("backup")
        time.sleep(1)
        self.assertEqual(self.version(), "v1")
        report = self.shut_down()
        self.assertEqual(len(report["environments"]), 1)


@unittest.skipUnless(harness.SANDBOX, "layers need the sandbox (/opt)")
class WatchLayer(unittest.TestCase):
    def test_a_changed_layer_folder_is_staged_again_for_the_new_environment(self):
        folder = pathlib.Path(tempfile.mkdtemp(prefix="watch-function-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        folder.chmod(0o755)
        (folder / "code").mkdir(mode=0o755)
        layer = folder / "my-layer"
        layer.mkdir(mode=0o755)
        (layer / "layer.txt").write_text("L1\n")
        serve = harness.Serve(make_function(folder / "code"), "--watch", "--layer", str(layer))
        self.addCleanup(serve.stop)

        def layer_seen():
            status, _, body = serve.invoke(b"{}")
            self.assertEqual(status, 200, body)
            return json.loads(body)["layer"]

        self.assertEqual(layer_seen(), "L1")
        (layer / "layer.txt").write_text("L2\n")
        line = harness.wait_for_stderr_line(serve.process, "changed:")
        self.assertIn("my-layer/layer.txt changed: 1 environment shuts down", line)
        self.assertEqual(layer_seen(), "L2")


class WatchIsServes(unittest.TestCase):
    def test_run_refuses_watch_in_one_line(self):
        done = harness.run(harness.SAMPLES / "bash-runtime" / "bootstrap", "--watch")
        self.assertEqual(done.code, 2, done)
        self.assertEqual(len(done.stderr.strip().splitlines()), 1, done)
        self.assertIn("--watch", done.stderr)


if __name__ == "__main__":
    unittest.main()
