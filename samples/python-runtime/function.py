"""The handler: adds up the numbers it is given; fails on request, to show function errors."""


def handler(event, context):
    print(f"request {context.aws_request_id}: {event!r}", flush=True)
    if isinstance(event, dict) and event.get("fail"):
        raise ValueError("asked to fail")
    numbers = event.get("numbers", []) if isinstance(event, dict) else []
    return {"sum": sum(numbers), "function": context.function_name}
