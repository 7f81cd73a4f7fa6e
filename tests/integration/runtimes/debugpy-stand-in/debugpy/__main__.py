"""A stand-in for debugpy's command line, for the tests of -d on a machine without debugpy (nothing
is downloaded at test time): it takes the arguments lambda-emu gives the real one (--listen ADDRESS
-m MODULE ARGS...), listens where it is told, says so, and runs the module as debugpy does."""
import runpy
import socket
import sys

arguments = sys.argv[1:]
if len(arguments) < 4 or arguments[0] != "--listen" or arguments[2] != "-m":
    sys.exit(f"stand-in debugpy: unexpected arguments {arguments}")
address, module = arguments[1], arguments[3]
host, port = address.rsplit(":", 1)
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((host, int(port)))
listener.listen()
print(f"stand-in debugpy listening on {address} for -m {module}", file=sys.stderr, flush=True)
sys.argv = [module, *arguments[4:]]
runpy.run_module(module, run_name="__main__", alter_sys=True)
