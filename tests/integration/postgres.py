"""A throwaway PostgreSQL server for one test: Debian's binaries, a temporary data directory, a
free loopback port. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user
the package creates."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def _binary(name):
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise RuntimeError(f"PostgreSQL's {name} is missing: run scripts/setup.sh (it installs Debian's postgresql)")
    return candidates[-1]


def _as_postgres(command):
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="lambda-emu-pg-")
        os.chmod(self.folder, 0o777)
        self.data = os.path.join(self.folder, "data")
        self.log_path = os.path.join(self.folder, "server.log")
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.process = None

    def __enter__(self):
        subprocess.run(_as_postgres([_binary("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres"]),
                       check=True, capture_output=True)
        log = open(self.log_path, "w")
        os.chmod(self.log_path, 0o666)
        self.process = subprocess.Popen(
            _as_postgres([_binary("postgres"), "-D", self.data, "-p", str(self.port), "-k", self.folder,
                          "-c", "listen_addresses=127.0.0.1", "-c", "log_connections=on",
                          "-c", "log_disconnections=on", "-c", "fsync=off"]),
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL did not start:\n{self.log()}")
            if subprocess.run([_binary("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"],
                              capture_output=True).returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not become ready:\n{self.log()}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: PostgreSQL's "smart" shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def query(self, sql):
        done = subprocess.run([_binary("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                               "-Atc", sql], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def log(self):
        with open(self.log_path) as f:
            return f.read()
