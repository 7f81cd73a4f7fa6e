"""The sandbox's walls, tried as a hostile function would: it is not root, cannot remount or
unmount what the sandbox made, cannot see or signal any process outside its own environment,
sees none of the developer's machine, has a private /dev/shm, and meets Lambda's limit of 1,024
processes and threads. Every case runs twice: with the emulator as root (as CI runs it) and as
an unprivileged user (as on a laptop), since the walls are built differently for each.

The function is a Python runtime whose events name attacks; each answer says what the attack
did, and the test then checks the host too (the file not written, the process still alive)."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness

UNPRIVILEGED = 65534  # nobody: the emulator run as an ordinary user

RUNTIME = r'''#!/usr/bin/env python3
import ctypes, errno, json, os, signal, subprocess, threading, time, urllib.request
API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_REMOUNT, MS_BIND, MNT_DETACH = 1, 32, 4096, 2

def error_name(number):
    return errno.errorcode.get(number, str(number))

def syscall_result(result):
    return "ok" if result == 0 else error_name(ctypes.get_errno())

def status_fields():
    fields = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields

def handle(event):
    action = event["action"]
    if action == "whoami":
        status = status_fields()
        return {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "groups": os.getgroups(),
                "capEff": status["CapEff"], "capPrm": status["CapPrm"], "capBnd": status["CapBnd"],
                "noNewPrivs": status["NoNewPrivs"], "pid": os.getpid(), "ppid": os.getppid(),
                "passwd": open("/etc/passwd").read(), "shadow": open("/etc/shadow").read()
                if os.path.exists("/etc/shadow") else None}
    if action == "mounts":
        return {"remountTask": syscall_result(libc.mount(None, b"/var/task", None, MS_REMOUNT | MS_BIND, None)),
                "remountUsr": syscall_result(libc.mount(None, b"/usr", None, MS_REMOUNT | MS_BIND, None)),
                "umountHosts": syscall_result(libc.umount2(b"/etc/hosts", MNT_DETACH)),
                "umountTask": syscall_result(libc.umount2(b"/var/task", MNT_DETACH)),
                "tmpfsOverTask": syscall_result(libc.mount(b"tmpfs", b"/var/task", b"tmpfs", 0, None))}
    if action == "shell":
        done = subprocess.run(["/bin/sh", "-c", event["command"]], capture_output=True, text=True)
        return {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
    if action == "signal":
        results = {}
        for name, pid in event["pids"].items():
            try:
                os.kill(pid, event["signal"])
                results[name] = "ok"
            except OSError as e:
                results[name] = error_name(e.errno)
        return results
    if action == "processes":
        time.sleep(event.get("wait", 0))
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    found.append(open("/proc/%s/cmdline" % entry, "rb").read().replace(b"\0", b" ").decode())
                except OSError:
                    pass
        return {"processes": found}
    if action == "exists":
        return {path: os.path.exists(path) for path in event["paths"]}
    if action == "write":
        written = 0
        try:
            with open(event["path"], "wb") as f:
                for _ in range(event["mb"]):
                    f.write(b"x" * 1024 * 1024)
                    f.flush()
                    written += 1
            return {"writtenMB": written, "error": None}
        except OSError as e:
            return {"writtenMB": written, "error": error_name(e.errno)}
    if action == "threads":
        stop = threading.Event()
        started = 0
        error = None
        threads = []
        for _ in range(event["count"]):
            try:
                thread = threading.Thread(target=stop.wait)
                thread.start()
                threads.append(thread)
                started += 1
            except RuntimeError as e:
                error = str(e)
                break
        stop.set()
        for thread in threads:
            thread.join()
        return {"started": started, "error": error}
    if action == "processes-limit":
        children = []
        error = None
        for _ in range(event["count"]):
            try:
                child = os.fork()
            except OSError as e:
                error = error_name(e.errno)
                break
            if child == 0:
                os.execv("/bin/sleep", ["sleep", "30"])
            children.append(child)
        for child in children:
            os.kill(child, signal.SIGKILL)
        for child in children:
            os.waitpid(child, 0)
        return {"started": len(children), "error": error}
    return {"unknown": action}

while True:
    with urllib.request.urlopen(API + "next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(response.read())
    body = json.dumps(handle(event)).encode()
    urllib.request.urlopen(urllib.request.Request(API + request_id + "/response", data=body, method="POST")).read()
'''


class WallsTest(unittest.TestCase):
    """Runs as root; the subclass below runs the same cases as an unprivileged user."""
    as_user = None

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("these tests switch users: they need root (CI runs as root)")
        # Outside any folder of root's: the unprivileged emulator must reach it.
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="walls-test-", dir="/tmp"))
        self.folder.chmod(0o755)
        self.function = self.folder / "function"
        self.function.mkdir()
        self.bootstrap = self.function / "bootstrap"
        self.bootstrap.write_text(RUNTIME)
        self.bootstrap.chmod(0o755)
        self.staging = self.folder / "staging"
        self.staging.mkdir()
        self.host_file = self.folder / "host-owned"  # what the function must not write
        if self.as_user is not None:
            for path in (self.folder, self.function, self.bootstrap, self.staging):
                os.chown(path, self.as_user, self.as_user)
        self.name = harness.unique_name("walls")
        self.bystander = subprocess.Popen(["sleep", "600"])  # a host process of the same user

    def tearDown(self):
        self.bystander.kill()
        self.bystander.wait()
        harness.kill_leftovers(self.name)
        shutil.rmtree(self.folder, ignore_errors=True)

    def command(self, *args, events):
        command = [harness.EMULATOR, "run", str(self.bootstrap), "--function-name", self.name, "--sandbox", "on",
                   "--report", str(self.folder / "report.json"), *args]
        for index, event in enumerate(events):
            path = self.folder / f"event-{index}.json"
            path.write_text(json.dumps(event))
            path.chmod(0o644)
            command += ["--event", str(path)]
        if self.as_user is not None:
            command = ["setpriv", f"--reuid={self.as_user}", f"--regid={self.as_user}", "--clear-groups",
                       "--inh-caps=-all", *command]
        return command

    def environment(self):
        env = dict(os.environ)
        env["TMPDIR"] = str(self.staging)
        env.pop("LAMBDA_EMU_SANDBOX", None)
        return env

    def run_events(self, *args, events, timeout=120):
        done = subprocess.run(self.command(*args, events=events), capture_output=True, text=True, errors="replace",
                              env=self.environment(), timeout=timeout)
        run = harness.Run(done.returncode, done.stdout, done.stderr)
        harness.assert_nothing_left(self, self.name)
        self.assertEqual(list(self.staging.iterdir()), [], f"a staged folder was left behind\n{run}")
        return run, [result.get("payload") for result in run.results]

    def report(self):
        return json.loads((self.folder / "report.json").read_text())

    def test_the_function_is_sbx_user1051_with_no_capabilities_and_not_root_outside(self):
        run, answers = self.run_events(events=[{"action": "whoami"}])
        self.assertEqual(run.code, 0, run)
        me = answers[0]
        self.assertEqual((me["uid"], me["euid"], me["gid"]), (993, 993, 990), run)
        self.assertEqual(int(me["capEff"], 16), 0, run)
        self.assertEqual(int(me["capPrm"], 16), 0, run)
        self.assertEqual(int(me["capBnd"], 16), 0, run)
        self.assertEqual(me["noNewPrivs"], "1", run)
        self.assertIn("sbx_user1051:x:993:990:", me["passwd"])
        self.assertIn(me["shadow"], (None, ""), "the host's /etc/shadow is shown")
        # Not PID 1 of its namespace (a PID 1 ignores signals it has no handler for), and its
        # parent, the emulator, is outside it.
        self.assertGreater(me["pid"], 1)
        self.assertEqual(me["ppid"], 0)
        sandbox = self.report()["sandbox"]
        self.assertEqual(sandbox["user"], "sbx_user1051 (uid 993, gid 990)")
        self.assertNotEqual(sandbox["outsideUid"], 0)
        self.assertTrue(sandbox["pidNamespace"])
        self.assertTrue(sandbox["mountsLocked"])
        self.assertEqual(sandbox["limits"], {"processes": 1024, "openFiles": 1024})

    def test_mounts_cannot_be_remounted_or_unmounted_and_the_host_stays_unwritten(self):
        attack = (f"mount -o remount,bind,rw /var/task; echo x > /var/task/F; umount /etc/hosts; "
                  f"unshare -Urm sh -c 'mount -o remount,bind,rw /var/task && echo x > /var/task/G'; "
                  f"echo x > {self.host_file}; ls /var/task")
        run, answers = self.run_events(events=[{"action": "mounts"}, {"action": "shell", "command": attack}])
        mounts = answers[0]
        for attempt in ("remountTask", "remountUsr", "umountHosts", "umountTask", "tmpfsOverTask"):
            self.assertIn(mounts[attempt], ("EPERM", "EACCES"), f"{attempt}: {mounts}\n{run}")
        self.assertFalse((self.function / "F").exists(), run)
        self.assertFalse((self.function / "G").exists(), run)
        self.assertFalse(self.host_file.exists(), run)
        self.assertIn("bootstrap", answers[1]["stdout"], run)

    def test_no_process_outside_the_environment_can_be_seen_or_signalled(self):
        # The host pids a function would aim at: a bystander of the emulator's own user, and the
        # test itself (the emulator's parent); then everything it may signal at all (kill -1),
        # which takes the runtime itself, and must take nothing else.
        host = {"bystander": self.bystander.pid, "test": os.getpid()}
        run, answers = self.run_events("--timeout", "5", events=[
            {"action": "processes"},
            {"action": "signal", "signal": int(signal.SIGSTOP), "pids": host},
            {"action": "signal", "signal": int(signal.SIGKILL), "pids": host},
            {"action": "shell", "command": "kill -9 -1"}])
        self.assertNotIn(run.code, (-9, 137, -19), f"the function signalled the emulator\n{run}")
        self.assertTrue((self.folder / "report.json").exists(), run)
        seen = answers[0]["processes"]
        self.assertFalse(any("lambda-emu" in command for command in seen), seen)
        self.assertFalse(any("sleep 600" in command for command in seen), seen)
        self.assertLessEqual(len(seen), 3, seen)  # its init, itself, and nothing else
        for answer in answers[1:3]:
            for target, result in answer.items():
                self.assertIn(result, ("ESRCH", "EPERM"), f"{target}: {answers}\n{run}")
        self.assertIsNone(self.bystander.poll(), "the function killed a host process")
        state = pathlib.Path(f"/proc/{self.bystander.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        self.assertNotEqual(state, "T", "the function stopped a host process")

    def test_environments_of_serve_cannot_see_or_signal_each_other(self):
        import re
        import threading
        import urllib.request
        command = [harness.EMULATOR, "serve", str(self.bootstrap), "--function-name", self.name, "--sandbox", "on",
                   "--concurrency", "2", "--listen", "127.0.0.1:0"]
        if self.as_user is not None:
            command = ["setpriv", f"--reuid={self.as_user}", f"--regid={self.as_user}", "--clear-groups",
                       "--inh-caps=-all", *command]
        serve = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=self.environment())
        try:
            seen = harness.wait_for_stderr_line(serve, "serving function")
            url = "http://127.0.0.1:%s/2015-03-31/functions/%s/invocations" % (
                re.search(r"http://127\.0\.0\.1:(\d+)", seen).group(1), self.name)

            def invoke(event):
                request = urllib.request.Request(url, data=json.dumps(event).encode(), method="POST")
                with urllib.request.urlopen(request, timeout=60) as response:
                    return json.loads(response.read())

            # Two environments at once, each listing what it sees while the other lives.
            answers = []
            threads = [threading.Thread(target=lambda: answers.append(invoke({"action": "processes", "wait": 1})))
                       for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            runtimes = harness.processes_of(self.name)
            self.assertEqual(len(runtimes), 2, "two environments, a runtime each")
            # Both now frozen between invocations: each, thawed in turn, aims at both runtimes by
            # their pids on the host (its own among them).
            results = [invoke({"action": "signal", "signal": int(sig), "pids": {str(p): p for p in runtimes}})
                       for sig in (signal.SIGCONT, signal.SIGKILL)]
            self.assertEqual(sorted(harness.processes_of(self.name)), sorted(runtimes), "a runtime was killed")
        finally:
            serve.send_signal(signal.SIGTERM)
            try:
                serve.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                serve.kill()
                serve.communicate()
        for answer in answers:
            self.assertLessEqual(len(answer["processes"]), 3, answers)
            self.assertEqual(len([c for c in answer["processes"] if "bootstrap" in c]), 1, answers)
        for result in results:
            for target, outcome in result.items():
                self.assertEqual(outcome, "ESRCH", results)
        self.assertEqual(serve.returncode, 0)
        harness.assert_nothing_left(self, self.name)
        self.assertEqual(list(self.staging.iterdir()), [], "a staged folder was left behind")

    def test_only_lambdas_view_of_the_filesystem(self):
        paths = ["/root", "/home", str(harness.ROOT), str(self.staging), str(self.folder), "/run", "/sys",
                 "/dev/kmsg", "/dev/null", "/dev/urandom", "/usr/bin", "/etc/ssl", "/var/task/bootstrap", "/opt",
                 "/tmp", "/dev/shm", "/var/lib"]
        run, answers = self.run_events(events=[{"action": "exists", "paths": paths}])
        seen = answers[0]
        for hidden in ("/root", "/home", str(harness.ROOT), str(self.staging), str(self.folder), "/run", "/sys",
                       "/dev/kmsg", "/var/lib"):
            self.assertFalse(seen[hidden], f"{hidden} is visible inside\n{run}")
        for shown in ("/dev/null", "/dev/urandom", "/usr/bin", "/etc/ssl", "/var/task/bootstrap", "/opt", "/tmp",
                      "/dev/shm"):
            self.assertTrue(seen[shown], f"{shown} is missing inside\n{run}")

    def test_dev_shm_is_private_bounded_and_gone_after_the_run(self):
        marker = harness.unique_name("shm")
        run, answers = self.run_events("--memory", "128", events=[
            {"action": "write", "path": f"/dev/shm/{marker}", "mb": 1},
            {"action": "write", "path": f"/dev/shm/{marker}-big", "mb": 300}])
        self.assertEqual(answers[0], {"writtenMB": 1, "error": None}, run)
        self.assertEqual(answers[1]["error"], "ENOSPC", run)
        self.assertLessEqual(answers[1]["writtenMB"], 128, run)
        self.assertFalse(pathlib.Path(f"/dev/shm/{marker}").exists(), "the function's /dev/shm is the host's")
        self.assertFalse(pathlib.Path(f"/dev/shm/{marker}-big").exists(), "the function's /dev/shm is the host's")

    def test_lambdas_limit_of_1024_processes_and_threads(self):
        run, answers = self.run_events("--memory", "10240", "--timeout", "60", events=[
            {"action": "threads", "count": 1100}, {"action": "processes-limit", "count": 1100}])
        threads, processes = answers
        self.assertIsNotNone(threads["error"], run)
        self.assertGreater(threads["started"], 900, run)
        self.assertLess(threads["started"], 1024, run)
        self.assertEqual(processes["error"], "EAGAIN", run)
        self.assertGreater(processes["started"], 900, run)
        self.assertLess(processes["started"], 1024, run)


class UnprivilegedWallsTest(WallsTest):
    as_user = UNPRIVILEGED


if __name__ == "__main__":
    unittest.main()
