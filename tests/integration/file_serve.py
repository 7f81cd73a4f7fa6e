"""`lambda-emu serve` with its stderr in a file instead of a pipe, for tests whose functions
print more than a pipe holds (the emulator would block on a full pipe that nobody reads until
the end). Same interface as harness.Serve; `stop()` returns the file's text."""
import os
import re
import signal
import subprocess
import tempfile
import time

import harness


class FileServe(harness.Serve):
    def __init__(self, bootstrap, *args, name=None):
        self.name = name or harness.unique_name("serve")
        # Append mode, so that forget_log() can empty the file under the emulator's writes.
        fd, path = tempfile.mkstemp(prefix="lambda-emu-serve-", suffix=".log")
        os.close(fd)
        self.log = open(path, "a+b")
        os.unlink(path)
        self.process = subprocess.Popen([harness.EMULATOR, "serve", str(bootstrap), "--function-name", self.name,
                                         "--listen", "127.0.0.1:0", *args],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log)
        self.port = self._wait_for_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stderr_seen = ""

    def _text(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def _wait_for_port(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(r"serving function .*?http://127\.0\.0\.1:(\d+)", self._text())
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise AssertionError(f"serve never said where it listens:\n{self._text()}")

    def forget_log(self):
        """Empties the log file (long runs print more than is worth keeping)."""
        os.ftruncate(self.log.fileno(), 0)

    def stop(self, signum=signal.SIGTERM, timeout=60):
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        harness.kill_leftovers(self.name)
        text = "" if self.log.closed else self._text()
        if not self.log.closed:
            self.log.close()
        return self.process.returncode, "", text
