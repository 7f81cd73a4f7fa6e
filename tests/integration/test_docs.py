"""The documentation a newcomer reads first: README.md stays short (at most 220 lines), starts with
the two commands (the second is what CI runs: .ci/run), and every relative link of README.md and
docs/*.md, with its #anchor, leads somewhere. Reads files only: no emulator, no build."""
import pathlib
import re
import subprocess
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MAX_README_LINES = 220
TWO_COMMANDS = [
    "```sh",
    "bash scripts/demo.sh   # set up, build, run a Node.js function through Init, 3 invocations and Shutdown",
    "bash scripts/test.sh   # set up, build, run every test (normal build, then ASan + UBSan), then fuzz briefly",
    "```",
]

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](target); text may hold one level of brackets.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$")
HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.IGNORECASE)
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def documents():
    return [README] + sorted((ROOT / "docs").glob("*.md"))


def prose_lines(text):
    """The lines outside fenced code blocks, with their numbers."""
    fenced = None
    for number, line in enumerate(text.split("\n"), start=1):
        match = FENCE.match(line)
        if match:
            if fenced is None:
                fenced = match.group(1)
            elif match.group(1) == fenced:
                fenced = None
            continue
        if fenced is None:
            yield number, line


def slug(heading):
    """GitHub's anchor for a heading: its text as rendered, lower-cased, punctuation but '-' and '_'
    removed, each space a '-'."""
    text = INLINE_CODE.sub(lambda m: m.group(2), heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link's text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    found, seen = set(), {}
    text = path.read_text()
    for _, line in prose_lines(text):
        match = HEADING.match(line)
        if match:
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        found.update(HTML_ANCHOR.findall(line))
    return found


def links(path):
    for number, line in prose_lines(path.read_text()):
        line = INLINE_CODE.sub("", line)
        for target in INLINE_LINK.findall(line):
            yield number, target
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            yield number, definition.group(1)


def broken_links(path, root=ROOT):
    broken = []
    for number, target in links(path):
        if EXTERNAL.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path.resolve()
        where = f"{path.relative_to(root)}:{number}: {target}"
        if root not in destination.parents and destination != root:
            broken.append(f"{where}: outside the repository")
        elif not destination.exists():
            broken.append(f"{where}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{where}: no heading with anchor #{anchor} in {destination.relative_to(root)}")
    return broken


class Readme(unittest.TestCase):
    def test_is_read_in_five_minutes(self):
        lines = README.read_text().split("\n")
        if lines and lines[-1] == "":
            lines = lines[:-1]
        self.assertLessEqual(len(lines), MAX_README_LINES,
                             f"README.md has {len(lines)} lines; move detail into docs/")

    def test_starts_with_the_two_commands(self):
        lines = README.read_text().split("\n")
        self.assertTrue(lines[0].startswith("# "), lines[0])
        first = next(i for i, line in enumerate(lines) if line.strip() and i > 0)
        self.assertEqual(lines[first:first + len(TWO_COMMANDS)], TWO_COMMANDS)

    def test_ci_runs_the_second_command(self):
        ci = (ROOT / ".ci" / "run").read_text().split("\n")
        self.assertIn(TWO_COMMANDS[2], ci)


class Links(unittest.TestCase):
    def test_slug_is_githubs(self):
        self.assertEqual(slug("Managed runtimes: a handler, no bootstrap (`--runtime`)"),
                         "managed-runtimes-a-handler-no-bootstrap---runtime")
        self.assertEqual(slug("Lambda's numbers (`cgroup_bench`)"), "lambdas-numbers-cgroup_bench")
        self.assertEqual(slug("What `scripts/setup.sh` installs"), "what-scriptssetupsh-installs")
        self.assertEqual(slug("1.2 `GET /runtime/invocation/next`"), "12-get-runtimeinvocationnext")

    def test_the_checker_sees_broken_links(self):
        with tempfile.TemporaryDirectory() as folder:
            root = pathlib.Path(folder).resolve()
            (root / "docs").mkdir()
            (root / "docs" / "page.md").write_text("# A page\n\n## Twice\n\n## Twice\n")
            (root / "README.md").write_text(
                "# Title\n\n[ok](docs/page.md#twice-1) [ok](#title) `[code](nowhere.md)`\n"
                "[gone](docs/gone.md) [bad anchor](docs/page.md#thrice) [out](../elsewhere.md)\n"
                "[web](https://example.com/x.md)\n\n```\n[fenced](nowhere.md)\n```\n")
            broken = broken_links(root / "README.md", root)
        self.assertEqual(len(broken), 3, broken)
        self.assertIn("docs/gone.md: no such file", broken[0])
        self.assertIn("no heading with anchor #thrice", broken[1])
        self.assertIn("outside the repository", broken[2])

    def test_every_relative_link_resolves(self):
        checked = [path for path in documents() if path.exists()]
        self.assertIn(README, checked)
        broken = [problem for path in checked for problem in broken_links(path)]
        self.assertEqual(broken, [], "\n" + "\n".join(broken))

    def test_the_readme_links_every_docs_page(self):
        linked = {(README.parent / target.partition("#")[0]).resolve()
                  for _, target in links(README) if not EXTERNAL.match(target)}
        for page in sorted((ROOT / "docs").glob("*.md")):
            self.assertIn(page.resolve(), linked, f"README.md does not link {page.relative_to(ROOT)}")


# The maintainers' notes and the tracker live outside the repository: no file may send a reader
# there. Their names (put together here, so that this file does not name them itself), and the
# tracker's numbers ("issue" and a number).
NOTES = ["-".join(("LAMBDA", "SPEC")), ".".join(("DESIGN", "md")), ".".join(("STYLE", "md")),
         "-".join(("INVOKE", "DOC")), "/".join(("..", "shared", ""))]
OUTSIDE_POINTERS = re.compile("|".join(map(re.escape, NOTES)) + r"|\b[Ii]ssues? #?[0-9]+\b")


def outside_pointers(text):
    return [m.group(0) for m in OUTSIDE_POINTERS.finditer(text)]


class NoPointerOutside(unittest.TestCase):
    def test_the_pattern_sees_each_kind(self):
        tracker = ["issue " + str(10), "Issue #" + str(8)]
        text = f"see {NOTES[0]} §2, {NOTES[1]} and {tracker[0]} ({tracker[1]}), or {NOTES[4]}notes"
        self.assertEqual(outside_pointers(text), [NOTES[0], NOTES[1], *tracker, NOTES[4]])
        self.assertEqual(outside_pointers("an issue that 3 tests show; issues: none"), [])

    def test_no_tracked_file_points_outside_the_repository(self):
        tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
        found = []
        for name in tracked.decode().split("\0"):
            path = ROOT / name
            if not name or not path.is_file():
                continue
            text = path.read_bytes().decode("utf-8", errors="replace")
            found += [f"{name}: {pointer}" for pointer in outside_pointers(text)]
        self.assertEqual(found, [], "\n" + "\n".join(found))


if __name__ == "__main__":
    unittest.main()
