// Calls InvokeWithResponseStream on lambda-emu serve with AWS's SDK for JavaScript v3, as an
// application would, and prints what the SDK hands it, one JSON line per event:
//   {"response": {StatusCode, ExecutedVersion, ResponseStreamContentType}}
//   {"chunk": "<the payload as UTF-8>"}
//   {"complete": {ErrorCode, ErrorDetails, LogResult}}
// or {"error": {name, message}} when the SDK throws.
// Usage: node invoke_stream.mjs ENDPOINT FUNCTION PAYLOAD_JSON [SIGNAL_FILE] [LOG_TYPE]
// With SIGNAL_FILE, the file is created as soon as the first chunk has arrived.
import { writeFileSync } from "node:fs";
import { InvokeWithResponseStreamCommand, LambdaClient } from "@aws-sdk/client-lambda";

const [endpoint, functionName, payload, signalFile, logType] = process.argv.slice(2);
const client = new LambdaClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
});
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

try {
  const response = await client.send(
    new InvokeWithResponseStreamCommand({
      FunctionName: functionName,
      Payload: new TextEncoder().encode(payload),
      LogType: logType || undefined,
    }),
  );
  const { StatusCode, ExecutedVersion, ResponseStreamContentType } = response;
  print({ response: { StatusCode, ExecutedVersion, ResponseStreamContentType } });
  let signalled = false;
  for await (const event of response.EventStream) {
    if (event.PayloadChunk) {
      print({ chunk: new TextDecoder().decode(event.PayloadChunk.Payload) });
      if (signalFile && !signalled) {
        writeFileSync(signalFile, "received the first chunk\n");
        signalled = true;
      }
    } else if (event.InvokeComplete) {
      print({ complete: event.InvokeComplete });
    } else {
      print({ unknown: Object.keys(event) });
    }
  }
} catch (error) {
  print({ error: { name: error.name, message: error.message } });
}
client.destroy();
