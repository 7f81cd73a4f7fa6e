"""Colour for people at a terminal: on a pseudo-terminal the labels and verdicts are coloured
(graceful green, killed red) and the timeline is drawn under the cleanup table; piped, with
NO_COLOR, or with --color never there is no escape sequence at all; --color always forces it."""
import os
import pty
import select
import subprocess
import unittest

import harness

RUNTIME = harness.SAMPLES / "sigterm-aware-runtime" / "bootstrap"
EXTENSION = harness.SAMPLES / "extensions" / "shutdown-logger"
ESC = "\x1b["
GREEN_GRACEFUL = "\x1b[32mgraceful\x1b[0m"
RED_KILLED = "\x1b[1;31mkilled\x1b[0m"


def run_on_terminal(*args, env=None):
    """Runs the emulator with stdout and stderr on a pseudo-terminal; returns (exit code, output)."""
    name = harness.unique_name("colour")
    controller, terminal = pty.openpty()
    process = subprocess.Popen([harness.EMULATOR, "run", str(RUNTIME), "--function-name", name, "--extension",
                                str(EXTENSION), *args], stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal,
                               env=env, close_fds=True)
    os.close(terminal)
    output = b""
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: every writer of the terminal is gone
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(controller)
        code = process.wait(timeout=60)
        harness.kill_leftovers(name)
    return code, output.decode("utf-8", "replace").replace("\r\n", "\n")


def environment(**changes):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(changes)
    return env


class Colour(unittest.TestCase):
    def test_a_terminal_gets_colour_and_the_timeline(self):
        code, output = run_on_terminal("--env", "CLEANUP_MS=1200", "--allow-kill", env=environment())
        self.assertEqual(code, 0, output)
        self.assertIn(GREEN_GRACEFUL, output)  # the extension
        self.assertIn(RED_KILLED, output)  # the runtime, past its 300 ms share
        self.assertIn("\x1b[1;36m[runtime]\x1b[0m", output)  # the runtime's label
        self.assertRegex(output, r"\x1b\[[0-9;]+m\[ext:shutdown-logger\]\x1b\[0m")
        # The timeline: one line per process, the runtime's bar ending on its SIGKILL mark.
        lines = [line for line in output.splitlines() if "timeline, 0 to" in line]
        self.assertEqual(len(lines), 1, output)
        runtime_bar = next(line for line in output.splitlines()
                           if line.startswith("  \x1b[1;36mruntime") and "K" in line)
        self.assertIn("T", runtime_bar)
        self.assertIn("killed at its deadline", runtime_bar)

    def test_no_colour_with_NO_COLOR(self):
        # --allow-kill: on a loaded machine a cleanup may overrun its share; colour is the point here.
        code, output = run_on_terminal("--allow-kill", env=environment(NO_COLOR="1"))
        self.assertEqual(code, 0, output)
        self.assertNotIn(ESC, output)
        self.assertIn("graceful", output)

    def test_no_colour_with_color_never(self):
        code, output = run_on_terminal("--color", "never", "--allow-kill", env=environment())
        self.assertEqual(code, 0, output)
        self.assertNotIn(ESC, output)

    def test_no_colour_when_piped_unless_always(self):
        piped = harness.run(RUNTIME, "--extension", str(EXTENSION), "--allow-kill")
        self.assertEqual(piped.code, 0, piped)
        self.assertNotIn(ESC, piped.stderr + piped.stdout)
        self.assertIn("timeline, 0 to", piped.stderr)
        forced = harness.run(RUNTIME, "--extension", str(EXTENSION), "--color", "always", "--allow-kill")
        self.assertEqual(forced.code, 0, forced)
        self.assertIn(GREEN_GRACEFUL, forced.stderr)
        self.assertNotIn(ESC, forced.stdout)  # results stay plain JSON lines

    def test_a_bad_color_value_is_a_usage_error(self):
        bad = harness.run(RUNTIME, "--color", "sometimes")
        self.assertEqual(bad.code, 2, bad)
        self.assertIn("--color", bad.stderr)


if __name__ == "__main__":
    unittest.main()
