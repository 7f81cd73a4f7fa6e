"""A minimal Runtime API client for the misbehaving samples (Python standard library only).

Plain sockets where http.client cannot go: chunked bodies with trailers, for response streaming.
"""
import http.client
import json
import os
import socket
import time

HOST, PORT = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
BASE = "/2018-06-01/runtime"


def call(method, path, body=None, headers=None):
    """Returns (status, lower-cased headers, body bytes)."""
    connection = http.client.HTTPConnection(HOST, int(PORT), timeout=None)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def next_invocation():
    status, headers, body = call("GET", BASE + "/invocation/next")
    assert status == 200, status
    return headers["lambda-runtime-aws-request-id"], headers, body


def respond(request_id, body, content_type="application/json"):
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    return call("POST", f"{BASE}/invocation/{request_id}/response", body, {"Content-Type": content_type})


def stream(request_id, chunks, delay_s=0.1, trailers=None):
    """Streams `chunks` as a chunked response, pausing between them; optional error trailers."""
    with socket.create_connection((HOST, int(PORT))) as sock:
        head = (f"POST {BASE}/invocation/{request_id}/response HTTP/1.1\r\n"
                f"Host: {HOST}:{PORT}\r\n"
                "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
                "Transfer-Encoding: chunked\r\n"
                "Content-Type: text/plain\r\n"
                "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n")
        sock.sendall(head.encode())
        for chunk in chunks:
            data = chunk.encode()
            sock.sendall(b"%x\r\n%s\r\n" % (len(data), data))
            time.sleep(delay_s)
        sock.sendall(b"0\r\n")
        for name, value in (trailers or {}).items():
            sock.sendall(f"{name}: {value}\r\n".encode())
        sock.sendall(b"\r\n")
        reply = sock.recv(65536).decode(errors="replace")
        return int(reply.split(" ", 2)[1])
