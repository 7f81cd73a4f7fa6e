// A function with a SIGTERM cleanup (samples/node-runtime flushes its buffered records) and an
// external extension, so that Lambda sends SIGTERM: invoked through AWS's SDK, then shut down.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { startLambdaEmu } from 'lambda-emu';

const samples = fileURLToPath(new URL('../../../../samples/', import.meta.url));
let emu;

beforeAll(async () => {
  emu = await startLambdaEmu({
    function: path.join(samples, 'node-runtime/bootstrap'),
    handler: 'index.handler',
    name: 'orders',
    // 1024 MB: Lambda's CPU for it (0.58 vCPU) flushes in time even on a busy CI machine; at
    // 128 MB (7% of one) the cleanup can outlast the 300 ms share, as it would on Lambda.
    memory: 1024,
    extensions: [path.join(samples, 'extensions/shutdown-logger')],
    env: { FLUSH_FILE: '/dev/null' }, // what it flushed shows in its last lines
  });
});

afterAll(() => emu?.stop());

test('the SIGTERM cleanup runs in time', async () => {
  const response = await emu.lambda.send(
    new InvokeCommand({ FunctionName: 'orders', Payload: JSON.stringify({ order: 42 }) }),
  );
  expect(JSON.parse(Buffer.from(response.Payload).toString())).toMatchObject({ buffered: 1 });

  const report = await emu.shutdown();
  expect(report.process('runtime').verdict).toBe('graceful');
  expect(typeof report.cleanup('runtime').ms).toBe('number');
  expect(report.process('runtime').evidence.lastLines.join('\n')).toContain('flushing 1 buffered records');
});
