"""A minimal Extensions API client for the Python sample extensions (standard library only)."""
import http.client
import json
import os
import sys

HOST, PORT = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
BASE = "/2020-01-01/extension"
NAME = os.path.basename(sys.argv[0])  # an external extension registers under its file name


def call(method, path, body=None, headers=None):
    connection = http.client.HTTPConnection(HOST, int(PORT), timeout=None)
    try:
        connection.request(method, BASE + path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def register(events):
    status, headers, body = call("POST", "/register", json.dumps({"events": events}),
                                 {"Lambda-Extension-Name": NAME, "Lambda-Extension-Accept-Feature": "accountId"})
    assert status == 200, (status, body)
    log(f"registered for {events}: {body.decode().strip()}")
    return headers["lambda-extension-identifier"]


def next_event(extension_id):
    status, _, body = call("GET", "/event/next", headers={"Lambda-Extension-Identifier": extension_id})
    assert status == 200, (status, body)
    return json.loads(body)


def report_error(extension_id, kind, error_type):
    """kind: "init" or "exit"."""
    return call("POST", f"/{kind}/error", json.dumps({"errorMessage": "sample failure", "errorType": error_type}),
                {"Lambda-Extension-Identifier": extension_id, "Lambda-Extension-Function-Error-Type": error_type})


def log(message):
    print(message, flush=True)
