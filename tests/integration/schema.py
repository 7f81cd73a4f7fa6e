"""Reports checked against docs/report.schema.json with the jsonschema package (JSON Schema
draft-07, as the schema declares). scripts/setup.sh installs it; without it every suite that
checks a report fails at import, loudly, rather than skipping the check."""
import json

import harness

try:
    import jsonschema
except ImportError as missing:  # one clear line instead of a bare traceback
    raise ImportError("the jsonschema Python package is missing: scripts/setup.sh installs it") from missing

SCHEMA = json.loads((harness.ROOT / "docs" / "report.schema.json").read_text())


def _leaves(error):
    """What is wrong, as 'path: what'. A oneOf that no branch matched says it of the branch that
    came closest (fewest problems): a run report with one bad field gets that field, not 'is not
    valid under any of the given schemas'."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = min(branches.values(), key=len)
        return [leaf for sub in closest for leaf in _leaves(sub)]
    return [f"{error.json_path}: {error.message}"]


def errors(value, schema=SCHEMA):
    """Every violation, as 'path: what'; [] when the document is valid."""
    validator = jsonschema.Draft7Validator(schema)
    return sorted(leaf for error in validator.iter_errors(value) for leaf in _leaves(error))
