"""A handler that buffers records and flushes them on SIGTERM, then exits: a graceful cleanup.

It leaves with os._exit: sys.exit would wait for awslambdaric's thread parked on /next, which takes
it some 200 to 300 ms here, too close to Lambda's 300 ms share for a test to count on."""
import json
import os
import signal

buffered = []


def flush(signum, frame):
    with open(os.environ["FLUSH_FILE"], "a") as file:
        file.writelines(json.dumps(record) + "\n" for record in buffered)
    print(f"SIGTERM: flushed {len(buffered)} records", flush=True)
    os._exit(0)


signal.signal(signal.SIGTERM, flush)


def handler(event, context):
    buffered.append(event)
    return {"buffered": len(buffered)}
