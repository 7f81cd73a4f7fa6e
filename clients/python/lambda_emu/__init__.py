"""lambda-emu from Python tests: start `serve`, invoke with boto3, read the Shutdown phase's report."""
from .emulator import InvokeResult, LambdaEmu, LambdaEmuError, find_binary, serve_arguments, start_lambda_emu
from .report import Cleanup, Environment, ServeReport, ShutdownPhase, ShutdownProcess

__all__ = ["Cleanup", "Environment", "InvokeResult", "LambdaEmu", "LambdaEmuError", "ServeReport", "ShutdownPhase",
           "ShutdownProcess", "find_binary", "serve_arguments", "start_lambda_emu"]
