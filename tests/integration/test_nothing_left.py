"""Runs after every other integration test (a ctest fixture's cleanup): no emulator, no runtime,
no extension and nothing they started may be left, and so no port they bound.

Processes are this checkout's when the emulator's executable is the one under test, or when a
child's environment (Lambda's, set by the emulator) names a task root inside this checkout or the
build tree: other checkouts' tests on the same machine are none of its business."""
import os
import pathlib
import time
import unittest

import harness

BUILD = pathlib.Path(harness.EMULATOR).resolve().parent


def environment_of(pid):
    try:
        raw = (pathlib.Path("/proc") / str(pid) / "environ").read_bytes()
    except OSError:
        return {}
    pairs = (entry.split(b"=", 1) for entry in raw.split(b"\0") if b"=" in entry)
    return {key.decode(errors="replace"): value.decode(errors="replace") for key, value in pairs}


def leftovers():
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            exe = os.readlink(entry / "exe") if state != "Z" else ""
        except OSError:
            continue
        if exe and pathlib.Path(exe) == pathlib.Path(harness.EMULATOR).resolve():
            found.append(f"{entry.name} (the emulator, {state}): {command}")
            continue
        environment = environment_of(entry.name)
        task_root = environment.get("LAMBDA_TASK_ROOT", "")
        if "AWS_LAMBDA_RUNTIME_API" in environment and (task_root.startswith(str(harness.ROOT))
                                                          or task_root.startswith(str(BUILD))):
            found.append(f"{entry.name} ({state}, task root {task_root}): {command}")
    return found


def cgroups_left():
    """Environments' cgroups (lambda-emu-PID-PORT, in any hierarchy) whose emulator is gone: an
    emulator removes its own as it ends, and the next one those of an emulator killed with SIGKILL
    (test_lambda_numbers checks that), so after the suites none may remain."""
    found = []
    for top, folders, _ in os.walk("/sys/fs/cgroup"):
        for folder in list(folders):
            if folder.startswith("lambda-emu-"):
                folders.remove(folder)
                owner = folder.split("-")[2]
                if owner.isdigit() and not pathlib.Path(f"/proc/{owner}").exists():
                    found.append(os.path.join(top, folder))
    return found


class NothingLeft(unittest.TestCase):
    def test_no_environment_cgroup_outlived_its_emulator(self):
        # A suite may have ended with an emulator killed with SIGKILL: the next run removes its
        # groups, as on any machine.
        run = harness.run(harness.runtime("echo"), "--sandbox", "off", events=[{}])
        self.assertEqual(run.code, 0, run)
        self.assertEqual(cgroups_left(), [])

    def test_no_emulator_runtime_or_extension_outlived_the_tests(self):
        deadline = time.monotonic() + 5  # deaths already under way may finish
        while leftovers() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(leftovers(), [])


if __name__ == "__main__":
    unittest.main()
