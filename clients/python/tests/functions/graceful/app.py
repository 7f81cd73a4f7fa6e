"""A handler that buffers records and flushes them on SIGTERM, then exits: a graceful cleanup."""
import json
import os
import signal
import sys

buffered = []


def flush(signum, frame):
    with open(os.environ["FLUSH_FILE"], "a") as file:
        file.writelines(json.dumps(record) + "\n" for record in buffered)
    print(f"SIGTERM: flushed {len(buffered)} records", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, flush)


def handler(event, context):
    buffered.append(event)
    return {"buffered": len(buffered)}
