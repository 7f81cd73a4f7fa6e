// The package against the real binary: a graceful and a killed Shutdown phase through AWS's SDK,
// a start that fails, and serve never outliving the test process, however that ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { startLambdaEmu } from '../index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const samples = path.join(here, '../../../samples');
const extension = path.join(samples, 'extensions/shutdown-logger');

test('a runtime with a SIGTERM cleanup, invoked through the SDK, shuts down gracefully', async () => {
  const emu = await startLambdaEmu({
    function: path.join(samples, 'node-runtime/bootstrap'),
    handler: 'index.handler',
    name: 'orders',
    extensions: [extension],
    env: { FLUSH_FILE: '/dev/null' },
  });
  try {
    const response = await emu.lambda.send(
      new InvokeCommand({ FunctionName: 'orders', Payload: JSON.stringify({ order: 42 }) }),
    );
    assert.equal(response.StatusCode, 200);
    assert.equal(JSON.parse(Buffer.from(response.Payload).toString()).buffered, 1);

    const second = await emu.invoke('orders', { order: 43 });
    assert.equal(second.payload.buffered, 2);
    assert.equal(second.functionError, undefined);
    assert.match(second.log, /REPORT RequestId/);
    assert.equal(emu.functionUrl('orders'), `${emu.endpoint}/lambda-url/orders/`);
    assert.equal((await emu.report()).environments.length, 1);

    const report = await emu.shutdown({ reason: 'spindown' });
    assert.equal(report.exitCode, 0);
    assert.equal(report.process('runtime').verdict, 'graceful');
    assert.equal(report.process('shutdown-logger').kind, 'extension');
    assert.equal(typeof report.cleanup('runtime').ms, 'number');
    assert.ok(report.cleanup('runtime').ms >= 0);
    assert.equal(report.environments[0].report.shutdowns.at(-1).reason, 'spindown');
    // Its last lines say what the cleanup did.
    assert.ok(report.process('runtime').evidence.lastLines.some((line) => line.includes('flushing 2 buffered records')));
  } finally {
    await emu.stop();
  }
});

test('a Node.js handler that ignores SIGTERM is killed at the deadline', async () => {
  const emu = await startLambdaEmu({
    function: path.join(here, '../fixtures/ignores-sigterm'),
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    extensions: [extension],
  });
  try {
    const result = await emu.invoke('ignores-sigterm', { hello: 'world' });
    assert.deepEqual(result.payload, { echo: { hello: 'world' } });
    const report = await emu.shutdown();
    assert.equal(report.process('runtime').verdict, 'killed');
    assert.equal(report.cleanup('runtime').verdict, 'killed');
    assert.throws(() => report.process('no-such-process'), /no process 'no-such-process'.*shutdown-logger/);
  } finally {
    await emu.stop();
  }
});

test('a start that fails rejects with serve\'s own words', async () => {
  await assert.rejects(startLambdaEmu({ function: path.join(here, 'no-such-function') }), (error) => {
    assert.match(error.message, /lambda-emu serve exited \(exit code \d+\) before it was ready/);
    assert.match(error.message, /no-such-function/);
    assert.match(error.message, /\[lambda-emu\] error:/);
    return true;
  });
});

// Every process whose command line or environment holds `marker` (serve's arguments name the
// function; the runtime and extensions have it as AWS_LAMBDA_FUNCTION_NAME).
function processesMarked(marker) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    if (Number(pid) === process.pid) continue;
    for (const file of ['cmdline', 'environ']) {
      try {
        if (readFileSync(`/proc/${pid}/${file}`).includes(marker)) {
          found.push(pid);
          break;
        }
      } catch {
        // gone, or not ours to read
      }
    }
  }
  return found;
}

async function noneLeft(marker, withinMs = 15_000) {
  const deadline = Date.now() + withinMs;
  let left = processesMarked(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = processesMarked(marker);
  }
  return left;
}

function runFixture(args, leaves, { until } = {}) {
  // Without this runner's NODE_TEST_CONTEXT, so that a `node --test` child runs its own tests.
  const { NODE_TEST_CONTEXT, ...inherited } = process.env;
  const env = { ...inherited, LEAVES_NAME: leaves.name, LEAVES_HOW: leaves.how };
  const child = spawn(process.execPath, args, { cwd: path.join(here, '..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
    if (until && output.includes(until)) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, output })));
}

for (const [how, mode, args] of [
  ['a test that throws midway', 'throw', ['--test', 'fixtures/leaves-emulator.mjs']],
  ['process.exit midway', 'exit', ['fixtures/leaves-emulator.mjs']],
  ['an uncaught exception', 'uncaught', ['fixtures/leaves-emulator.mjs']],
]) {
  test(`nothing is left running after ${how}`, async () => {
    const name = `left-${how.replace(/\W+/g, '-')}-${process.pid}`.slice(0, 64);
    const run = await runFixture(args, { name, how: mode });
    assert.notEqual(run.code, 0, run.output);
    assert.match(run.output, /started \d+/);
    assert.deepEqual(await noneLeft(name), []);
  });
}

test('nothing is left running after the test process is SIGKILLed', async () => {
  const name = `left-sigkill-${process.pid}`;
  const run = await runFixture(['fixtures/leaves-emulator.mjs'], { name, how: 'hang' }, { until: 'started' });
  assert.equal(run.signal, 'SIGKILL');
  assert.deepEqual(await noneLeft(name), []);
});
