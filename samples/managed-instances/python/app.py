"""A handler for Lambda Managed Instances: AWS's Python client forks AWS_LAMBDA_MAX_CONCURRENCY
worker processes, each running one invocation at a time. It waits `sleepMs` and says which worker
(and which parent) ran it, so a test sees the invocations overlap."""
import os
import time


def handler(event, context):
    started_at = int(time.time() * 1000)
    time.sleep(event.get("sleepMs", 0) / 1000)
    return {
        "pid": os.getpid(),
        "parentPid": os.getppid(),
        "logStream": context.log_stream_name,  # one per execution environment
        "requestId": context.aws_request_id,
        "tenantId": getattr(context, "tenant_id", None),
        "maxConcurrency": os.environ.get("AWS_LAMBDA_MAX_CONCURRENCY"),
        "startedAt": started_at,
        "finishedAt": int(time.time() * 1000),
    }
