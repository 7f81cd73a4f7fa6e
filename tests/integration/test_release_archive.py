"""The release archive and the .deb that scripts/package.sh makes from a build: what they hold, that
the binary needs nothing but glibc from the machine, that the archive runs a Node.js function with
--runtime in a clean Debian 13 root (debootstrap's minbase and Debian's nodejs: no compiler, no
Boost, no yaml-cpp or simdjson), and that the CI example's steps work with it as written."""
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import unittest

import harness

BUILD = pathlib.Path(harness.EMULATOR).resolve().parent
VERSION = re.search(r"project\(lambda_emu VERSION ([0-9.]+)", (harness.ROOT / "CMakeLists.txt").read_text()).group(1)
DEBIAN_13 = harness.ROOT / "build-roots" / "debian13"
GLIBC_LIBRARIES = re.compile(r"^(ld-linux.*|lib(c|m|dl|rt|pthread|resolv)\.so\..*)$")


def run(*command, **kwargs):
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=600, **kwargs)


def needed_libraries(executable):
    dynamic = run("readelf", "-d", executable).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]", dynamic), dynamic


ARCHIVE = {}  # what setUpModule made: the folder, scripts/package.sh's outcome, the archive, its tree


def setUpModule():
    out = tempfile.TemporaryDirectory()
    made = run("bash", harness.ROOT / "scripts" / "package.sh", out.name,
               env={**os.environ, "LAMBDA_EMU_BUILD_DIR": str(BUILD)})
    name = f"lambda-emu-{VERSION}-linux-{os.uname().machine}"
    archive = pathlib.Path(out.name) / f"{name}.tar.gz"
    unpacked = pathlib.Path(out.name) / "unpacked"
    if made.returncode == 0:
        unpacked.mkdir()
        run("tar", "-xzf", archive, "-C", unpacked)
    ARCHIVE.update(out=out, made=made, archive=archive, tree=unpacked / name)


def tearDownModule():
    ARCHIVE["out"].cleanup()


class WithArchive(unittest.TestCase):
    def setUp(self):
        made = ARCHIVE["made"]
        self.assertEqual(made.returncode, 0, made.stdout + made.stderr)
        self.out = pathlib.Path(ARCHIVE["out"].name)
        self.archive = ARCHIVE["archive"]
        self.tree = ARCHIVE["tree"]


class ReleaseArchive(WithArchive):
    def test_the_archive_holds_the_binary_its_libraries_the_runtimes_clients_and_the_docs(self):
        for member in ("bin/lambda-emu", "lib/lambda-emu/stand-ins/cloudwatch_lambda_agent",
                       "lib/lambda-emu/lib/libsimdjson.so.14", "lib/lambda-emu/lib/libyaml-cpp.so.0.7",
                       "lib/lambda-emu/lib/libstdc++.so.6",
                       "share/lambda-emu/runtimes/nodejs/start-ric3.mjs",
                       "share/lambda-emu/runtimes/nodejs/node_modules/aws-lambda-ric-3/dist/index.mjs",
                       "share/lambda-emu/runtimes/nodejs/node_modules/aws-lambda-ric-4/index.mjs",
                       "share/lambda-emu/runtimes/python/site-packages/awslambdaric/bootstrap.py",
                       "share/lambda-emu/runtimes/terraform/hcl2json.mjs",
                       "share/lambda-emu/runtimes/terraform/node_modules/@cdktf/hcl2json/main.wasm.gz",
                       "share/lambda-emu/report.schema.json", "share/doc/lambda-emu/README.md",
                       "share/doc/lambda-emu/docs/runtimes.md", "share/man/man1/lambda-emu.1",
                       "share/lambda-emu/clients/node/index.js", "share/lambda-emu/clients/node/report.d.ts",
                       "share/lambda-emu/clients/python/pyproject.toml",
                       "share/lambda-emu/clients/python/lambda_emu/pytest_plugin.py"):
            self.assertTrue((self.tree / member).exists(), member)
        # The clients' build inputs stay behind: they were most of the size.
        self.assertEqual(list(self.tree.rglob("deps")), [])
        self.assertEqual(list((self.tree / "share/lambda-emu/clients").rglob("node_modules")), [])
        self.assertFalse((self.tree / "share/lambda-emu/runtimes/nodejs/node_modules/node-gyp").exists())
        self.assertLess(self.archive.stat().st_size, 40 * 1024 * 1024)

    def test_the_binary_needs_only_glibc_from_the_machine(self):
        needed, dynamic = needed_libraries(self.tree / "bin" / "lambda-emu")
        self.assertIn("[$ORIGIN/../lib/lambda-emu/lib]", dynamic)
        bundled = {p.name for p in (self.tree / "lib" / "lambda-emu" / "lib").iterdir()}
        for library in needed:
            self.assertTrue(GLIBC_LIBRARIES.match(library) or library in bundled, library)
        self.assertIn("libsimdjson.so.14", needed)  # the check above saw something real
        # The stand-in runs inside the sandbox, where the bundled folder is not shown.
        stand_in, _ = needed_libraries(self.tree / "lib/lambda-emu/stand-ins/cloudwatch_lambda_agent")
        for library in stand_in:
            self.assertRegex(library, GLIBC_LIBRARIES)

    def test_the_deb_holds_the_same_files_under_usr(self):
        deb = self.out / f"lambda-emu_{VERSION}_{run('dpkg', '--print-architecture').stdout.strip()}.deb"
        contents = run("dpkg-deb", "-c", deb).stdout
        archived = sorted(str(p.relative_to(self.tree)) for p in self.tree.rglob("*") if not p.is_dir())
        self.assertGreater(len(archived), 20)
        for member in archived:
            self.assertIn(f"./usr/{member}", contents)
        fields = {f: run("dpkg-deb", "-f", deb, f).stdout.strip() for f in ("Package", "Version", "Depends")}
        self.assertEqual(fields, {"Package": "lambda-emu", "Version": VERSION, "Depends": "libc6 (>= 2.34)"})

    def test_it_runs_a_node_function_with_runtime_in_a_clean_debian_13(self):
        self.assertTrue((DEBIAN_13 / "usr/bin/node").is_file(), "run scripts/setup.sh (it makes build-roots/debian13)")
        for absent in ("usr/bin/gcc", "usr/bin/g++", "usr/bin/cc", "usr/include/boost", "usr/include/yaml-cpp"):
            self.assertFalse((DEBIAN_13 / absent).exists(), f"the root is not clean: {absent}")
        self.assertEqual(list((DEBIAN_13 / "usr/lib").rglob("libsimdjson*")), [])
        node_version = run("chroot", DEBIAN_13, "node", "--version").stdout.strip()
        runtime = f"nodejs{node_version.lstrip('v').split('.')[0]}.x"
        place = pathlib.Path(tempfile.mkdtemp(prefix="archive-", dir=DEBIAN_13 / "opt"))
        try:
            shutil.copytree(self.tree, place / "lambda-emu", symlinks=True)
            function = place / "function"
            function.mkdir()
            (function / "index.mjs").write_text(
                "export const handler = async (event) => ({ echoed: event, node: process.version });\n")
            inside = "/" + str(place.relative_to(DEBIAN_13))
            name = harness.unique_name("archive")
            # A private mount namespace: the root's /proc, /sys and /dev go with it when it ends.
            # --sandbox off: in a chroot the kernel refuses the sandbox its user namespace.
            script = ("for d in proc sys dev; do mount --rbind /$d \"$0/$d\"; done; "
                      "exec chroot \"$0\" \"$1/lambda-emu/bin/lambda-emu\" run \"$1/function\" --sandbox off "
                      "--runtime \"$2\" --handler index.handler --function-name \"$3\" --event -")
            environment = {k: v for k, v in os.environ.items() if k != "LAMBDA_EMU_SANDBOX"}
            done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                                   str(DEBIAN_13), inside, runtime, name], env=environment,
                                  input='{"from": "debian 13"}', capture_output=True, text=True, timeout=300)
            harness.assert_nothing_left(self, name)
        finally:
            shutil.rmtree(place)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        result = json.loads(done.stdout.splitlines()[0])
        self.assertIsNone(result["functionError"], done.stderr)
        self.assertEqual(result["payload"], {"echoed": {"from": "debian 13"}, "node": node_version})
        self.assertIn(f"Runtime Version: nodejs:{runtime[6:8]}", done.stderr)
        self.assertIn("REPORT RequestId", done.stderr)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CiExample(WithArchive):
    """docs/github-actions-example.yml, step by step as a runner would (but for the steps that
    build and test the user's own function): the archive installed from a URL, serve healthy,
    shut down by the always() step, the report checked."""

    def steps(self):
        # Read by Debian's python3-yaml (scripts/setup.sh installs it), whichever python3 runs the tests.
        as_json = run("/usr/bin/python3", "-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)",
                      input=(harness.ROOT / "docs" / "github-actions-example.yml").read_text())
        self.assertEqual(as_json.returncode, 0, as_json.stderr)
        workflow = json.loads(as_json.stdout)
        return workflow["jobs"]["lifecycle"]["steps"]

    def run_step(self, step, work, port, env):
        script = step["run"].replace("127.0.0.1:9000", f"127.0.0.1:{port}")
        step_env = {**env, **{k: v.replace("${{ vars.LAMBDA_EMU_ARCHIVE_URL }}", f"file://{self.archive}")
                              for k, v in step.get("env", {}).items()}}
        return subprocess.run(["bash", "-e", "-c", script], cwd=work, env=step_env, capture_output=True,
                              text=True, timeout=120)

    def prepare(self, work):
        shutil.copytree(harness.SAMPLES / "bash-runtime", work / "function")
        (work / "extensions").mkdir()
        shutil.copy(harness.SAMPLES / "extensions" / "shutdown-logger", work / "extensions" / "my-extension")
        env = {**os.environ, "RUNNER_TEMP": str(work / "runner"), "GITHUB_PATH": str(work / "github-path")}
        (work / "runner").mkdir()
        return env

    def test_the_workflow_installs_the_archive_serves_shuts_down_always_and_checks_the_report(self):
        steps = {step.get("name"): step for step in self.steps()}
        self.assertEqual(steps["Shut it down"].get("if"), "always()")
        with tempfile.TemporaryDirectory() as folder:
            work = pathlib.Path(folder)
            env = self.prepare(work)
            port = free_port()
            installed = self.run_step(steps["Install lambda-emu"], work, port, env)
            self.assertEqual(installed.returncode, 0, installed.stderr)
            path = (work / "github-path").read_text().strip()
            self.assertTrue(pathlib.Path(path, "lambda-emu").is_file(), path)
            env["PATH"] = f"{path}:{env['PATH']}"
            self.assertEqual(self.run_step(steps["Check it runs"], work, port, env).stdout.strip(),
                             f"lambda-emu {VERSION}")
            try:
                served = self.run_step(steps["Serve it"], work, port, env)
                self.assertEqual(served.returncode, 0, served.stdout + served.stderr)
                invoked = subprocess.run(["curl", "-sf", "-d", '{"name": "ci"}',
                                          f"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations"],
                                         capture_output=True, text=True, timeout=60)
                self.assertEqual(invoked.returncode, 0, invoked.stderr)
            finally:
                stopped = self.run_step(steps["Shut it down"], work, port, env)
                pid = int((work / "lambda-emu.pid").read_text())
                alive = pathlib.Path(f"/proc/{pid}").exists()
                if alive:
                    os.kill(pid, 9)
            self.assertEqual(stopped.returncode, 0, stopped.stderr)
            self.assertFalse(alive, "serve outlived the shut-down step")
            self.assertEqual(steps["Summarise"].get("if"), "always()")
            (work / "step-summary.md").write_text("# earlier steps' summary\n")
            summarised = self.run_step(steps["Summarise"], work, port,
                                       {**env, "GITHUB_STEP_SUMMARY": str(work / "step-summary.md")})
            self.assertEqual(summarised.returncode, 0, summarised.stderr)
            self.assertEqual((work / "step-summary.md").read_text().splitlines()[:2],
                             ["# earlier steps' summary", "## lambda-emu: passed, exit code 0"])
            checked = self.run_step(steps["Fail on the report"], work, port, env)
            self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
            report = json.loads((work / "report.json").read_text())
            self.assertGreaterEqual(len(report["environments"][0]["report"]["shutdowns"]), 1)

    def test_the_serve_step_fails_when_serve_never_becomes_healthy(self):
        steps = {step.get("name"): step for step in self.steps()}
        with tempfile.TemporaryDirectory() as folder:
            work = pathlib.Path(folder)
            env = self.prepare(work)
            (work / "function" / "bootstrap").unlink()  # serve refuses to start: exit 2 at once
            env["PATH"] = f"{self.tree / 'bin'}:{env['PATH']}"
            served = self.run_step(steps["Serve it"], work, free_port(), env)
            self.assertNotEqual(served.returncode, 0)
            self.assertIn("bootstrap", served.stdout + served.stderr)  # the step shows serve's log
            stopped = self.run_step(steps["Shut it down"], work, free_port(), env)
            self.assertEqual(stopped.returncode, 0, stopped.stderr)


if __name__ == "__main__":
    unittest.main()
