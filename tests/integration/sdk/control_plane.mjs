// The control-plane calls an application's test makes around an invocation, with AWS's SDK for
// JavaScript v3 against lambda-emu serve; prints one JSON line per call:
//   {"call": NAME, "ok": {...}} or {"call": NAME, "error": {name, status, message}}
// Usage: node control_plane.mjs ENDPOINT FUNCTION
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
} from "@aws-sdk/client-lambda";

const [endpoint, functionName] = process.argv.slice(2);
const client = new LambdaClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
});

async function call(name, command, pick) {
  try {
    const answer = await client.send(command);
    process.stdout.write(JSON.stringify({ call: name, ok: pick(answer) }) + "\n");
  } catch (error) {
    const status = error.$metadata ? error.$metadata.httpStatusCode : undefined;
    process.stdout.write(JSON.stringify({ call: name, error: { name: error.name, status, message: error.message } }) + "\n");
  }
}

await call("GetFunction", new GetFunctionCommand({ FunctionName: functionName }), (a) => ({
  State: a.Configuration.State,
  FunctionName: a.Configuration.FunctionName,
  FunctionArn: a.Configuration.FunctionArn,
  Variables: a.Configuration.Environment.Variables,
}));
await call("GetFunctionConfiguration", new GetFunctionConfigurationCommand({ FunctionName: functionName }), (a) => ({
  MemorySize: a.MemorySize,
  Timeout: a.Timeout,
  Runtime: a.Runtime,
}));
await call("ListFunctions", new ListFunctionsCommand({}), (a) => ({ names: a.Functions.map((f) => f.FunctionName) }));
await call("GetFunctionMissing", new GetFunctionCommand({ FunctionName: "no-such-function" }), () => ({}));
await call("GetPolicy", new GetPolicyCommand({ FunctionName: functionName }), () => ({}));
await call("Invoke", new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode('{"numbers": [1, 2]}') }),
  (a) => ({ StatusCode: a.StatusCode, Payload: new TextDecoder().decode(a.Payload) }));
