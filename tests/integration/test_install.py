"""Installed like a tool: `cmake --install` into a temporary prefix gives a binary that runs from
there (its --version is the project's, a real run of a sample works), the report's schema and a
man page covering every command (test_release_archive: the archive and .deb made of this tree)."""
import json
import pathlib
import re
import subprocess
import tempfile
import unittest

import harness

BUILD = pathlib.Path(harness.EMULATOR).resolve().parent
VERSION = re.search(r"project\(lambda_emu VERSION ([0-9.]+)", (harness.ROOT / "CMakeLists.txt").read_text()).group(1)


def run(*command, **kwargs):
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=300, **kwargs)


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prefix = tempfile.TemporaryDirectory()
        cls.installed = run("cmake", "--install", BUILD, "--prefix", cls.prefix.name)

    @classmethod
    def tearDownClass(cls):
        cls.prefix.cleanup()

    def path(self, relative):
        return pathlib.Path(self.prefix.name) / relative

    def test_install_puts_binary_schema_and_man_page_under_the_prefix(self):
        self.assertEqual(self.installed.returncode, 0, self.installed.stderr)
        self.assertTrue(self.path("bin/lambda-emu").is_file())
        schema = json.loads(self.path("share/lambda-emu/report.schema.json").read_text())
        self.assertIn("schemaVersion", schema["properties"])
        self.assertTrue(self.path("share/doc/lambda-emu/README.md").is_file())

    def test_installed_binary_says_the_project_version(self):
        done = run(self.path("bin/lambda-emu"), "--version")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.strip(), f"lambda-emu {VERSION}")

    def test_installed_binary_runs_a_sample(self):
        name = harness.unique_name("installed")
        done = run(self.path("bin/lambda-emu"), "run", harness.SAMPLES / "bash-runtime" / "bootstrap",
                   "--function-name", name, "--event", "-", input='{"name": "installed"}')
        harness.assert_nothing_left(self, name)
        self.assertEqual(done.returncode, 0, done.stderr)
        result = json.loads(done.stdout.splitlines()[0])
        self.assertIsNone(result["functionError"])
        self.assertIn("REPORT RequestId", done.stderr)

    def test_installed_binary_finds_its_lambda_insights_stand_in_and_the_docs_are_beside_the_readme(self):
        # lib/lambda-emu/stand-ins beside bin/: a template naming the Lambda Insights layer runs.
        self.assertTrue(self.path("lib/lambda-emu/stand-ins/cloudwatch_lambda_agent").is_file())
        self.assertTrue(self.path("share/doc/lambda-emu/docs/runtimes.md").is_file())
        bootstrap = harness.SAMPLES / "graceful-shutdown" / "go" / "signal-notify" / "bootstrap"
        self.assertTrue(bootstrap.is_file(), "run scripts/build-samples.sh")
        name = harness.unique_name("installed")
        done = run(self.path("bin/lambda-emu"), "run", "-t", harness.SAMPLES / "graceful-shutdown" / "go" /
                   "template.yaml", "SignalNotifyFunction", "--function-name", name)
        harness.assert_nothing_left(self, name)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("stood in by a built-in external extension (cloudwatch_lambda_agent)", done.stderr)
        self.assertIn("[runtime] SIGTERM received", done.stderr)

    def test_installed_binary_reads_terraform_with_the_parser_installed_beside_it(self):
        # share/lambda-emu/runtimes/terraform: HashiCorp's HCL parser, nothing fetched at run time.
        self.assertTrue(self.path("share/lambda-emu/runtimes/terraform/hcl2json.mjs").is_file())
        self.assertTrue(self.path("share/lambda-emu/runtimes/terraform/node_modules/@cdktf/hcl2json/package.json")
                        .is_file())
        name = harness.unique_name("installed")
        done = run(self.path("bin/lambda-emu"), "run", "--terraform", harness.SAMPLES / "terraform",
                   "aws_lambda_function.lambda", "--function-name", name, "--allow-kill")
        harness.assert_nothing_left(self, name)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout.splitlines()[0])["payload"]["message"], "hello from us-east-1")

    def test_man_page_covers_every_command(self):
        page = self.path("share/man/man1/lambda-emu.1").read_text()
        self.assertIn(".TH LAMBDA-EMU", page.upper())
        self.assertIn(VERSION, page)
        for needle in ("lambda-emu run", "lambda-emu serve", "lambda-emu report", "\\-\\-event", "\\-\\-listen",
                       "\\-\\-html", "\\-\\-color", "\\-\\-allow\\-kill"):
            self.assertIn(needle, page)
        shown = run("man", "-l", "-P", "cat", self.path("share/man/man1/lambda-emu.1"))
        if shown.returncode == 0:  # man itself may not be installed; the page's text is checked above
            self.assertIn("COMMANDS", shown.stdout)


if __name__ == "__main__":
    unittest.main()
