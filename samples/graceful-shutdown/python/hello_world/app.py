"""A handler whose SIGTERM handler cleans up at shutdown.

Lambda sends SIGTERM only when an extension is registered: the template names the Lambda Insights
layer for that. Whether the handler gets to run depends on AWS's runtime client: see docs/runtimes.md.
"""
import signal
import sys
import time


def exit_gracefully(signum, frame):
    print("[runtime] SIGTERM received", flush=True)
    print("[runtime] cleaning up", flush=True)
    time.sleep(0.1)  # stands for closing a database connection
    print("[runtime] exiting", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, exit_gracefully)


def lambda_handler(event, context):
    print("[handler] invoked", flush=True)
    return {"statusCode": 200, "body": "hello world"}
