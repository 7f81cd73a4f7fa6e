"""The built-in runtimes (bash, Python, Node) through a whole lifecycle, and the plain-words
shutdown report when no extension registered (no SIGTERM on AWS)."""
import os
import tempfile
import unittest

import harness


class Samples(unittest.TestCase):
    def test_bash_runtime_echoes_events(self):
        run = harness.run(harness.SAMPLES / "bash-runtime" / "bootstrap", events=[{"a": 1}, [1, 2]])
        self.assertEqual(run.code, 0, run)
        self.assertEqual([r["payload"]["event"] for r in run.results], [{"a": 1}, [1, 2]])
        self.assertIn("[runtime] handling an event of 8 bytes", run.stderr)

    def test_python_runtime_sums(self):
        run = harness.run(harness.SAMPLES / "python-runtime" / "bootstrap", events=[{"numbers": [2, 3]}])
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.results[0]["payload"]["sum"], 5)

    def test_node_runtime_buffers_and_without_extension_never_flushes(self):
        with tempfile.TemporaryDirectory() as folder:
            flush_file = os.path.join(folder, "flushed.jsonl")
            run = harness.run(harness.SAMPLES / "node-runtime" / "bootstrap", "--handler", "index.handler",
                              "--env", f"FLUSH_FILE={flush_file}", events=[{"order": 1}, {"order": 2}])
            self.assertEqual(run.code, 0, run)
            self.assertEqual([r["payload"]["buffered"] for r in run.results], [1, 2])
            # No extension registered: AWS sends SIGKILL only, so the SIGTERM handler never runs.
            self.assertFalse(os.path.exists(flush_file))
        self.assertIn("connection opened before the handler", run.stderr)
        self.assertNotIn("SIGTERM: flushing", run.stderr)
        lines = run.stderr.splitlines()
        at = next(i for i, line in enumerate(lines) if line.strip().startswith("runtime "))
        self.assertIn("not-signalled", lines[at])
        self.assertTrue(lines[at + 1].strip().startswith("signal killed, runtime"), lines[at + 1])
        self.assertIn("No extension registered, so Lambda sends no SIGTERM", run.stderr)


if __name__ == "__main__":
    unittest.main()
