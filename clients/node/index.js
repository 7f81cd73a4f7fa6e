// Starts `lambda-emu serve` for a test: on a free loopback port, tied to this process's life,
// with an AWS SDK Lambda client pointed at it, and the Shutdown phase's report at the end.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

const HEALTH_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 30_000;
const OUTPUT_KEPT = 64 * 1024; // the end of serve's output, for error messages

/** The lambda-emu binary: the `binary` option, else $LAMBDA_EMU, else on PATH, else this checkout's build. */
export function findBinary(binary) {
  if (binary) return binary;
  if (process.env.LAMBDA_EMU) return process.env.LAMBDA_EMU;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, 'lambda-emu'))) return path.join(dir, 'lambda-emu');
  }
  // The checkout's build (clients/node), or the release archive's binary (share/lambda-emu/clients/node).
  for (const relative of ['../../build/lambda-emu', '../../../../bin/lambda-emu']) {
    const beside = fileURLToPath(new URL(relative, import.meta.url));
    if (executable(beside)) return beside;
  }
  throw new Error(
    'lambda-emu not found: pass { binary }, set LAMBDA_EMU, put lambda-emu on PATH, or build the checkout (scripts/build.sh)',
  );
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** serve's command line for these options (after `serve`). */
export function serveArguments(options) {
  const args = [];
  if (options.template) {
    if (!options.logicalId) throw new Error('startLambdaEmu: template needs logicalId (the function in it)');
    args.push('--template', options.template, options.logicalId);
  } else if (options.function) {
    args.push(options.function);
  } else {
    throw new Error('startLambdaEmu: give function (a bootstrap or folder) or template and logicalId');
  }
  const value = (flag, v) => v !== undefined && v !== null && args.push(flag, String(v));
  value('--runtime', options.runtime);
  value('--handler', options.handler);
  value('--function-name', options.name);
  value('--memory', options.memory);
  value('--timeout', options.timeout);
  value('--concurrency', options.concurrency);
  value('--region', options.region);
  for (const extension of options.extensions ?? []) args.push('--extension', extension);
  for (const layer of options.layers ?? []) args.push('--layer', layer);
  for (const [key, v] of Object.entries(options.env ?? {})) args.push('--env', `${key}=${v}`);
  args.push(...(options.args ?? []));
  return args;
}

/** Starts serve and resolves once it is healthy; rejects with serve's output if it is not. */
export async function startLambdaEmu(options = {}) {
  const binary = findBinary(options.binary);
  const dir = mkdtempSync(path.join(tmpdir(), 'lambda-emu-'));
  const portFile = path.join(dir, 'port');
  const args = [
    'serve',
    ...serveArguments(options),
    '--listen',
    '127.0.0.1:0',
    '--port-file',
    portFile,
    // stdin is a pipe from this process: when this process ends, however it ends (even SIGKILL),
    // the pipe closes and serve shuts down by itself.
    '--exit-when-stdin-closes',
  ];
  const child = spawn(binary, args, {
    cwd: options.cwd,
    env: { ...process.env, ...(options.processEnv ?? {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new LambdaEmu(child, binary, args, dir, portFile, options).ready(options.startTimeoutMs ?? HEALTH_TIMEOUT_MS);
}

class LambdaEmu {
  #child;
  #dir;
  #portFile;
  #output = '';
  #exit; // a promise of { code, signal }
  #exited = null;
  #stopOnExit;
  #description;

  constructor(child, binary, args, dir, portFile, options) {
    this.#child = child;
    this.#dir = dir;
    this.#portFile = portFile;
    this.#description = [binary, ...args].join(' ');
    this.region = options.region ?? 'us-east-1';
    const keep = (chunk) => {
      if (options.echo) process.stderr.write(chunk);
      this.#output = (this.#output + chunk.toString()).slice(-OUTPUT_KEPT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.stdin.on('error', () => {}); // serve gone: nothing to tell it
    this.#exit = new Promise((resolve) => {
      child.on('error', (error) => {
        this.#output += `\n${error.message}`;
        this.#exited = { code: null, signal: null };
        resolve(this.#exited);
      });
      child.on('exit', (code, signal) => {
        this.#exited = { code, signal };
        resolve(this.#exited);
      });
    });
    // A test that forgets shutdown() must not keep the test process alive, and the process's
    // end must not leave serve behind: serve gets SIGTERM (its own Shutdown phase) at exit, and
    // the stdin pipe covers the ends that run no code (SIGKILL, a crash).
    for (const handle of [child, child.stdin, child.stdout, child.stderr]) handle.unref();
    this.#stopOnExit = () => {
      if (this.#exited === null) child.kill('SIGTERM');
    };
    process.on('exit', this.#stopOnExit);
    this.#exit.then(() => {
      process.removeListener('exit', this.#stopOnExit);
      rmSync(this.#dir, { recursive: true, force: true });
    });
  }

  /** serve's stdout and stderr so far (their last 64 KB). */
  output() {
    return this.#output;
  }

  /** serve's process id. */
  get pid() {
    return this.#child.pid;
  }

  async ready(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#exited) throw this.#failure(`exited (${describeExit(this.#exited)}) before it was ready`);
      const port = this.#readPort();
      if (port !== null) {
        this.endpoint = `http://127.0.0.1:${port}`;
        try {
          const health = await fetch(`${this.endpoint}/lambda-emu/health`);
          if (health.ok) {
            this.lambda = new LambdaClient({
              endpoint: this.endpoint,
              region: this.region,
              credentials: { accessKeyId: 'lambda-emu', secretAccessKey: 'lambda-emu' },
              maxAttempts: 1,
            });
            return this;
          }
        } catch {
          // not listening yet
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    this.#child.kill('SIGTERM');
    await this.#waitForExit();
    throw this.#failure(`was not ready within ${timeoutMs} ms`);
  }

  #readPort() {
    try {
      return Number.parseInt(readFileSync(this.#portFile, 'utf8'), 10);
    } catch {
      return null;
    }
  }

  #failure(what) {
    return new Error(`lambda-emu serve ${what}\n  command: ${this.#description}\n  output:\n${indent(this.#output)}`);
  }

  /** Invokes a function by name; the payload as JSON, the function error and the log's tail. */
  async invoke(name, payload = {}, { invocationType = 'RequestResponse' } = {}) {
    const response = await this.lambda.send(
      new InvokeCommand({
        FunctionName: name,
        InvocationType: invocationType,
        LogType: invocationType === 'RequestResponse' ? 'Tail' : undefined,
        Payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      }),
    );
    const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
    let parsed = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: the text as it came
    }
    return {
      statusCode: response.StatusCode,
      payload: parsed,
      functionError: response.FunctionError,
      log: response.LogResult ? Buffer.from(response.LogResult, 'base64').toString('utf8') : undefined,
    };
  }

  /** The function URL of a function: any method and path under it invokes it. */
  functionUrl(name) {
    return `${this.endpoint}/lambda-url/${encodeURIComponent(name)}/`;
  }

  /** The report so far (GET /lambda-emu/report). */
  async report() {
    const response = await fetch(`${this.endpoint}/lambda-emu/report`);
    if (!response.ok) throw this.#failure(`answered ${response.status} for its report`);
    return new ServeReport(await response.json());
  }

  /**
   * Runs the Shutdown phase of every environment (POST /lambda-emu/shutdown), waits for serve to
   * exit, and returns the report. Once serve has exited, returns the last report again.
   */
  async shutdown({ reason = 'spindown' } = {}) {
    if (this.lastReport) return this.lastReport;
    if (this.#exited) throw this.#failure(`exited (${describeExit(this.#exited)}) before shutdown()`);
    const response = await fetch(`${this.endpoint}/lambda-emu/shutdown?reason=${encodeURIComponent(reason)}`, {
      method: 'POST',
    });
    const body = await response.text();
    if (!response.ok) throw this.#failure(`answered ${response.status} to shutdown: ${body}`);
    await this.#waitForExit();
    this.lambda.destroy();
    this.lastReport = new ServeReport(JSON.parse(body));
    return this.lastReport;
  }

  /** Stops serve if it still runs (SIGTERM: the Shutdown phase), without asking for the report. */
  async stop() {
    if (!this.#exited) this.#child.kill('SIGTERM');
    await this.#waitForExit();
    this.lambda?.destroy();
  }

  async #waitForExit() {
    let timer;
    const late = new Promise((resolve) => {
      timer = setTimeout(resolve, EXIT_TIMEOUT_MS, 'late');
    });
    const outcome = await Promise.race([this.#exit, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.#child.kill('SIGKILL');
      throw this.#failure(`did not exit within ${EXIT_TIMEOUT_MS} ms`);
    }
    return outcome;
  }
}

function describeExit({ code, signal }) {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

function indent(text) {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/**
 * serve's report with lookups over the Shutdown phases: `which` is a process's name (the
 * extension's file name, or the runtime's) or its kind ('runtime' or 'extension').
 */
class ServeReport {
  constructor(json) {
    Object.assign(this, json);
  }

  /** The matching processes of the last Shutdown phase of every environment, by environment. */
  processes(which) {
    return this.environments.flatMap(({ report }) => {
      const last = report.shutdowns.at(-1);
      return (last?.processes ?? []).filter((p) => p.name === which || p.kind === which);
    });
  }

  /** The one matching process of the last Shutdown phase; an error if none or several match. */
  process(which) {
    const found = this.processes(which);
    if (found.length === 1) return found[0];
    const known = this.environments
      .flatMap(({ report }) => report.shutdowns.at(-1)?.processes ?? [])
      .map((p) => `${p.name} (${p.kind})`);
    if (found.length === 0)
      throw new Error(
        `no process '${which}' in the last Shutdown phase${known.length ? `; there: ${known.join(', ')}` : ' (none ran)'}`,
      );
    throw new Error(`${found.length} processes match '${which}' (one per environment): use processes('${which}')`);
  }

  /** That process's cleanup: ms from its signal to its exit (null if it was not signalled). */
  cleanup(which) {
    const p = this.process(which);
    return { ms: p.cleanupDurationMs, deadlineMs: p.deadlineMs, headroomMs: p.headroomMs, verdict: p.verdict };
  }
}
