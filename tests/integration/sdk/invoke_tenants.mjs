// Invocations of a tenant-isolated function with AWS's SDK for JavaScript v3 (InvokeCommand's
// TenantId), all at once; prints one JSON line per invocation, in order:
//   {"tenant": T, "ok": PAYLOAD} or {"tenant": T, "error": {name, status, message}}
// Usage: node invoke_tenants.mjs ENDPOINT FUNCTION PAYLOAD TENANT... ("-" for no tenant)
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";

const [endpoint, functionName, payload, ...tenants] = process.argv.slice(2);
const client = new LambdaClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
});

const answers = await Promise.all(
  tenants.map(async (tenant) => {
    const input = { FunctionName: functionName, Payload: new TextEncoder().encode(payload) };
    if (tenant !== "-") input.TenantId = tenant;
    try {
      const answer = await client.send(new InvokeCommand(input));
      return { tenant, ok: JSON.parse(new TextDecoder().decode(answer.Payload)) };
    } catch (error) {
      const status = error.$metadata ? error.$metadata.httpStatusCode : undefined;
      return { tenant, error: { name: error.name, status, message: error.message } };
    }
  }),
);
for (const answer of answers) process.stdout.write(JSON.stringify(answer) + "\n");
