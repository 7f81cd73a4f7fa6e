# The handler of the -d tests for Python: it answers with whether it runs under debugpy.
import os
import sys


def handler(event, context):
    return {"pid": os.getpid(), "underDebugpy": "debugpy" in sys.modules, "functionName": context.function_name}
