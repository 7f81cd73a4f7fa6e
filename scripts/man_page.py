#!/usr/bin/env python3
"""Writes lambda-emu's man page from its own --help with Debian's help2man.

help2man reads the program's --help and --version; the commands' own options (run, serve,
report) are added as a COMMANDS section from `lambda-emu COMMAND --help`, so the page covers
every option the binary takes.  Usage: man_page.py BINARY OUTPUT.1
"""
import os
import subprocess
import sys
import tempfile

COMMANDS = ("run", "serve", "report")


def roff(text):
    """Plain text as literal roff lines: backslashes escaped, no line taken for a request."""
    lines = []
    for line in text.rstrip().splitlines():
        line = line.replace("\\", "\\e").replace("-", "\\-")
        lines.append("\\&" + line)
    return "\n".join(lines)


def main():
    binary, output = sys.argv[1], sys.argv[2]
    sections = ["[COMMANDS]"]
    for command in COMMANDS:
        # argv[0] "lambda-emu": the usage lines name the command, not the build's path.
        done = subprocess.run(["lambda-emu", command, "--help"], executable=binary, capture_output=True, text=True)
        if done.returncode != 0:
            continue  # a command this build does not have
        sections += [f".SS \"lambda-emu {command}\"", ".nf", roff(done.stdout), ".fi"]
    sections += ["[SEE ALSO]",
                 "The JSON report's schema: /usr/share/lambda-emu/report.schema.json (under the install prefix).",
                 "The README and the pages it links: /usr/share/doc/lambda-emu/README.md and docs/."]
    with tempfile.NamedTemporaryFile("w", suffix=".h2m", delete=False) as include:
        include.write("\n".join(sections) + "\n")
    try:
        subprocess.run(["help2man", "--no-info", "--section=1", "--name=local AWS Lambda lifecycle emulator",
                        f"--include={include.name}", f"--output={output}", binary], check=True)
    finally:
        os.unlink(include.name)


if __name__ == "__main__":
    main()
