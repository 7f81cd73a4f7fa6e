// Types of the lambda-emu package. The run report's types (report.d.ts) are generated from
// docs/report.schema.json; serve's envelope and the helpers are written here.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { LambdaEmuRunReport } from './report.js';

export type { LambdaEmuRunReport as RunReport } from './report.js';
/** One Shutdown phase of an environment (a reset, or its final spin-down). */
export type ShutdownPhase = LambdaEmuRunReport['shutdowns'][number];
/** One process (the runtime or an extension) in a Shutdown phase. */
export type ShutdownProcess = ShutdownPhase['processes'][number];
export type Verdict = ShutdownProcess['verdict'];
export type ShutdownReason = ShutdownPhase['reason'];

export interface LambdaEmuOptions {
  /** The function: a bootstrap, or a folder (with --runtime, the handler's folder). */
  function?: string;
  /** A managed runtime, e.g. 'nodejs20.x' or 'python3.12' (serve --runtime). */
  runtime?: string;
  /** The handler, e.g. 'index.handler' (serve --handler). */
  handler?: string;
  /** A SAM template, with logicalId the function in it (serve --template FILE LOGICAL_ID). */
  template?: string;
  logicalId?: string;
  /** The function's name (serve --function-name); default: the folder's name. */
  name?: string;
  /** External extensions' executables (serve --extension, each). */
  extensions?: string[];
  /** Layers: folders, .zip files or ARNs (serve --layer, each). */
  layers?: string[];
  /** The function's variables (serve --env KEY=VALUE, each). */
  env?: Record<string, string | number | boolean>;
  /** Memory size, MB (serve --memory). */
  memory?: number;
  /** Function timeout, seconds (serve --timeout). */
  timeout?: number;
  /** Execution environments at most (serve --concurrency). */
  concurrency?: number;
  /** The function's region (serve --region) and the client's; default us-east-1. */
  region?: string;
  /** More arguments for serve, as they are. */
  args?: string[];
  /** The lambda-emu binary; default: $LAMBDA_EMU, else lambda-emu on PATH, else the checkout's build. */
  binary?: string;
  /** serve's working directory. */
  cwd?: string;
  /** Variables added to serve's own environment. */
  processEnv?: Record<string, string>;
  /** Copy serve's output to this process's stderr as it comes (it is kept for errors anyway). */
  echo?: boolean;
  /** How long serve may take to become healthy; default 30,000 ms. */
  startTimeoutMs?: number;
}

export interface InvokeResult {
  /** 200 for RequestResponse, 202 for Event, 204 for DryRun. */
  statusCode?: number;
  /** The function's answer, parsed when it is JSON (else the text). */
  payload: unknown;
  /** 'Unhandled' when the function failed (its error is then the payload). */
  functionError?: string;
  /** The invocation's log, START to REPORT (the last 4 KB). */
  log?: string;
}

export interface Cleanup {
  /** From its SIGTERM (or SHUTDOWN event) to its exit; null when it was not signalled. */
  ms: number | null;
  deadlineMs: number | null;
  headroomMs: number | null;
  verdict: Verdict;
}

/** serve's report: every environment's run report, with lookups over their Shutdown phases. */
export interface ServeReport {
  schemaVersion: string;
  generator: string;
  exitCode: number;
  exitReason?: string;
  environments: { id: number; report: LambdaEmuRunReport }[];
  /**
   * The processes of the last Shutdown phase of every environment whose name (an extension's
   * file name, the runtime's name) or kind ('runtime' | 'extension') is `which`.
   */
  processes(which: string): ShutdownProcess[];
  /** The one such process; throws when none or several (several environments) match. */
  process(which: string): ShutdownProcess;
  /** That process's cleanup duration, deadline, headroom and verdict. */
  cleanup(which: string): Cleanup;
}

export interface LambdaEmu {
  /** AWS's Lambda client for serve: its endpoint, dummy credentials, the function's region. */
  readonly lambda: LambdaClient;
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly region: string;
  readonly pid: number;
  /** The report returned by shutdown(), once it has run. */
  readonly lastReport?: ServeReport;
  invoke(
    name: string,
    payload?: unknown,
    options?: { invocationType?: 'RequestResponse' | 'Event' | 'DryRun' },
  ): Promise<InvokeResult>;
  /** `${endpoint}/lambda-url/${name}/`: any method and path under it invokes the function. */
  functionUrl(name: string): string;
  /** The report so far. */
  report(): Promise<ServeReport>;
  /** The Shutdown phase of every environment with this reason; resolves once serve has exited. */
  shutdown(options?: { reason?: ShutdownReason }): Promise<ServeReport>;
  /** SIGTERM to serve if it still runs (its Shutdown phase, no report asked). */
  stop(): Promise<void>;
  /** serve's stdout and stderr so far (the last 64 KB). */
  output(): string;
}

export function startLambdaEmu(options: LambdaEmuOptions): Promise<LambdaEmu>;
export function findBinary(binary?: string): string;
export function serveArguments(options: LambdaEmuOptions): string[];
