"""A handler whose SIGTERM handler does no cleanup and never exits: killed at the deadline."""
import signal

signal.signal(signal.SIGTERM, lambda signum, frame: print("SIGTERM: ignored", flush=True))


def handler(event, context):
    return {"echo": event}
