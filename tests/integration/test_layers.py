"""Layers (--layer): staged into /opt without ever writing outside the staging folder, within
Lambda's limits (5 layers; 250 MB unzipped for the function and its layers together).

A layer is unpacked on the host, as root on a CI machine, before the sandbox exists: a symlink one
layer leaves must never carry a later layer's file out to the host. Each attack below plants a
symlink to a host folder of the test, then checks that folder is still empty."""
import json
import os
import pathlib
import shutil
import stat
import subprocess
import tempfile
import unittest
import zipfile

import harness

RUNTIME = r'''#!/usr/bin/env python3
import json, os, urllib.request
API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"

def handle(event):
    path = event.get("path", "")
    if event.get("action") == "read":
        try:
            return {"content": open(path).read()}
        except OSError as e:
            return {"content": None, "error": str(e)}
    if event.get("action") == "stat":
        info = os.lstat(path)
        return {"mode": info.st_mode & 0o7777, "executable": os.access(path, os.X_OK)}
    return {"unknown": event.get("action")}

while True:
    with urllib.request.urlopen(API + "next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(response.read())
    body = json.dumps(handle(event)).encode()
    urllib.request.urlopen(urllib.request.Request(API + request_id + "/response", data=body, method="POST")).read()
'''

LIMIT = 262_144_000  # AWS: 250 MB unzipped for the function and all its layers


def entry(name, mode):
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16  # st_mode in the high half, as Info-ZIP's `zip` writes it
    return info


def write_zip(path, entries):
    """entries: (name, content, st_mode); a symlink's content is its target."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, content, mode in entries:
            archive.writestr(entry(name, mode), content)
    return path


def file_entry(name, content, mode=0o644):
    return name, content, stat.S_IFREG | mode


def symlink_entry(name, target):
    return name, target, stat.S_IFLNK | 0o777


def write_zeros_zip(path, name, size):
    """A zip bomb: `size` bytes of zeros deflate to about a thousandth of that."""
    chunk = bytes(1024 * 1024)
    info = entry(name, stat.S_IFREG | 0o644)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w") as archive:
        with archive.open(info, "w", force_zip64=True) as out:
            left = size
            while left > 0:
                out.write(chunk[:min(left, len(chunk))])
                left -= len(chunk)
    return path


class LayersTest(unittest.TestCase):
    """As root, as CI runs it; the subclass below runs every case as an unprivileged user."""
    as_user = None

    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="layers-test-", dir="/tmp"))
        self.function = self.folder / "function"
        self.function.mkdir()
        self.bootstrap = self.function / "bootstrap"
        self.bootstrap.write_text(RUNTIME)
        self.bootstrap.chmod(0o755)
        # The host folder every attack aims at: it must stay empty.
        self.host = self.folder / "host"
        self.host.mkdir()
        self.name = harness.unique_name("layers")

    def tearDown(self):
        harness.kill_leftovers(self.name)
        shutil.rmtree(self.folder, ignore_errors=True)

    def run_function(self, *layers, events=()):
        args = []
        for layer in layers:
            args += ["--layer", str(layer)]
        # The emulator stages /opt under TMPDIR: nothing may be left there, whatever happened.
        staging = self.folder / "staging"
        staging.mkdir(exist_ok=True)
        if self.as_user is not None:
            return self.run_as_user(staging, args, events)
        saved = dict(os.environ)
        try:
            os.environ["TMPDIR"] = str(staging)
            os.environ.pop("LAMBDA_EMU_SANDBOX", None)
            run = harness.run(self.bootstrap, "--sandbox", "on", *args, name=self.name, events=list(events))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        harness.assert_nothing_left(self, self.name)
        self.assertEqual(list(staging.iterdir()), [], "something was left in the staging folder")
        return run

    def run_as_user(self, staging, args, events):
        """The emulator as `as_user`, who owns the test's folder, the host folder aimed at included:
        what the emulator's user may write, a layer must still not reach."""
        command = ["setpriv", f"--reuid={self.as_user}", f"--regid={self.as_user}", "--clear-groups",
                   harness.EMULATOR, "run", str(self.bootstrap), "--function-name", self.name, "--sandbox", "on",
                   *args]
        for index, event in enumerate(events):
            path = self.folder / f"event-{index}.json"
            path.write_text(json.dumps(event))
            command += ["--event", str(path)]
        self.folder.chmod(0o755)
        for path in [self.folder, *self.folder.rglob("*")]:
            os.chown(path, self.as_user, self.as_user, follow_symlinks=False)
        env = {k: v for k, v in os.environ.items() if k != "LAMBDA_EMU_SANDBOX"}
        env["TMPDIR"] = str(staging)
        done = subprocess.run(command, capture_output=True, text=True, errors="replace", env=env, timeout=120)
        run = harness.Run(done.returncode, done.stdout, done.stderr)
        harness.assert_nothing_left(self, self.name)
        self.assertEqual(list(staging.iterdir()), [], "something was left in the staging folder")
        return run

    def assert_refused(self, run, layer, *words):
        """Exit 2 and one line naming the layer (and each of `words`)."""
        self.assertEqual(run.code, 2, run)
        lines = [line for line in run.stderr.splitlines() if str(layer) in line]
        self.assertEqual(len(lines), 1, run)
        for word in words:
            self.assertIn(word, lines[0], run)
        return lines[0]

    def assert_host_untouched(self):
        self.assertEqual(list(self.host.iterdir()), [], "a layer wrote into the host folder")

    # --- a symlink left by one layer is never written through by the next

    def symlink_zip(self):
        return write_zip(self.folder / "link.zip", [symlink_entry("d", str(self.host))])

    def symlink_folder(self):
        folder = self.folder / "link-folder"
        folder.mkdir()
        (folder / "d").symlink_to(self.host)
        return folder

    def file_zip(self):
        return write_zip(self.folder / "file.zip", [file_entry("d/file", "pwned")])

    def file_folder(self):
        folder = self.folder / "file-folder"
        (folder / "d").mkdir(parents=True)
        (folder / "d" / "file").write_text("pwned")
        return folder

    def test_a_zip_is_not_unpacked_through_a_symlink_from_an_earlier_zip(self):
        second = self.file_zip()
        run = self.run_function(self.symlink_zip(), second)
        self.assert_host_untouched()
        self.assert_refused(run, second, "d is a symlink")

    def test_a_folder_is_not_copied_through_a_symlink_from_an_earlier_zip(self):
        second = self.file_folder()
        run = self.run_function(self.symlink_zip(), second)
        self.assert_host_untouched()
        self.assert_refused(run, second, "d is a symlink")

    def test_a_zip_is_not_unpacked_through_a_symlink_from_an_earlier_folder(self):
        second = self.file_zip()
        run = self.run_function(self.symlink_folder(), second)
        self.assert_host_untouched()
        self.assert_refused(run, second, "d is a symlink")

    def test_a_folder_is_not_copied_through_a_symlink_from_an_earlier_folder(self):
        second = self.file_folder()
        run = self.run_function(self.symlink_folder(), second)
        self.assert_host_untouched()
        self.assert_refused(run, second, "d is a symlink")

    def test_a_zip_is_not_unpacked_through_its_own_symlink(self):
        layer = write_zip(self.folder / "both.zip",
                          [symlink_entry("d", str(self.host)), file_entry("d/file", "pwned")])
        run = self.run_function(layer)
        self.assert_host_untouched()
        self.assert_refused(run, layer, "d/file", "d is a symlink")

    def test_a_zip_entry_outside_the_layer_is_refused(self):
        layer = write_zip(self.folder / "dotdot.zip",
                          [file_entry("ok.txt", "fine"), file_entry("../../host/escaped", "pwned")])
        run = self.run_function(layer)
        self.assert_host_untouched()
        self.assert_refused(run, layer, "..")

    # --- Lambda's limits

    def test_a_zip_bomb_stops_at_250_mb_and_leaves_nothing(self):
        bomb = write_zeros_zip(self.folder / "bomb.zip", "zeros", 300 * 1024 * 1024)
        self.assertLess(bomb.stat().st_size, 2 * 1024 * 1024)
        run = self.run_function(bomb)
        self.assert_refused(run, bomb, str(LIMIT), "250 MB")

    def test_the_function_folder_counts_toward_the_250_mb(self):
        # 200 MB in the function's folder (a sparse file: its size, not its blocks, is what
        # Lambda counts) and a 100 MB layer: each fits alone, not together.
        with open(self.function / "big.bin", "wb") as big:
            big.truncate(200 * 1024 * 1024)
        layer = write_zeros_zip(self.folder / "hundred.zip", "zeros", 100 * 1024 * 1024)
        run = self.run_function(layer)
        self.assert_refused(run, layer, str(LIMIT))

    def test_six_layers_are_refused(self):
        layers = []
        for i in range(6):
            layers.append(write_zip(self.folder / f"layer{i}.zip", [file_entry(f"f{i}", str(i))]))
        run = self.run_function(*layers)
        self.assertEqual(run.code, 2, run)
        lines = [line for line in run.stderr.splitlines() if "--layer" in line]
        self.assertEqual(len(lines), 1, run)
        self.assertIn("5", lines[0], run)
        self.assertEqual(run.results, [], run)

    # --- what a layer keeps, and what it may not

    def test_an_ordinary_zip_keeps_executables_and_a_later_layer_wins(self):
        first = write_zip(self.folder / "first.zip",
                          [file_entry("bin/tool", "#!/bin/sh\n", 0o755), file_entry("shared.txt", "first"),
                           symlink_entry("link", "/opt/shared.txt")])
        second = write_zip(self.folder / "second.zip", [file_entry("shared.txt", "second")])
        run = self.run_function(first, second, events=[{"action": "stat", "path": "/opt/bin/tool"},
                                                       {"action": "read", "path": "/opt/shared.txt"},
                                                       {"action": "read", "path": "/opt/link"}])
        self.assertEqual(run.code, 0, run)
        results = [r["payload"] for r in run.results]
        self.assertEqual(results[0], {"mode": 0o755, "executable": True}, run)
        self.assertEqual(results[1], {"content": "second"}, run)
        self.assertEqual(results[2], {"content": "second"}, run)

    def test_a_later_layer_replaces_an_earlier_symlink_instead_of_writing_through_it(self):
        target = self.host / "target"
        target.write_text("host")
        first = write_zip(self.folder / "first.zip", [symlink_entry("f", str(target))])
        second = write_zip(self.folder / "second.zip", [file_entry("f", "layer")])
        run = self.run_function(first, second, events=[{"action": "read", "path": "/opt/f"}])
        self.assertEqual(target.read_text(), "host")
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.results[0]["payload"], {"content": "layer"}, run)

    def test_setuid_and_setgid_bits_are_dropped(self):
        zipped = write_zip(self.folder / "setuid.zip", [file_entry("zipped", "#!/bin/sh\n", 0o6755)])
        folder = self.folder / "setuid-folder"
        folder.mkdir()
        (folder / "copied").write_text("#!/bin/sh\n")
        (folder / "copied").chmod(0o6755)
        run = self.run_function(zipped, folder, events=[{"action": "stat", "path": "/opt/zipped"},
                                                        {"action": "stat", "path": "/opt/copied"}])
        self.assertEqual(run.code, 0, run)
        self.assertEqual([r["payload"]["mode"] for r in run.results], [0o755, 0o755], run)

    def test_a_zip_that_cannot_be_read_says_why(self):
        not_zip = self.folder / "notes.zip"
        not_zip.write_text("these are notes, not a zip file\n" * 10)
        run = self.run_function(not_zip)
        line = self.assert_refused(run, not_zip)
        self.assertNotIn("is it a zip file?", line)
        self.assertIn("not a zip", line.lower(), run)

        truncated = self.folder / "truncated.zip"
        whole = write_zip(self.folder / "whole.zip", [file_entry("data", os.urandom(64 * 1024).hex())])
        truncated.write_bytes(whole.read_bytes()[:40 * 1024])
        run = self.run_function(truncated)
        line = self.assert_refused(run, truncated)
        self.assertNotIn("is it a zip file?", line)
        self.assertIn("truncated", line.lower(), run)


@unittest.skipUnless(os.geteuid() == 0, "switching to an unprivileged user needs root (CI runs as root)")
class UnprivilegedLayersTest(LayersTest):
    as_user = 65534  # nobody


if __name__ == "__main__":
    unittest.main()
