// The run report of lambda-emu (`run --report`, each environment of `serve`), generated from
// docs/report.schema.json by scripts/generate-report-types.mjs: do not edit, run `npm run types`.

/**
 * Every JSON report lambda-emu writes: `run --report FILE` writes a run report (definitions/runReport); `serve --report FILE` and serve's POST /lambda-emu/shutdown write a serve report (definitions/serveReport), whose environments each carry a run report. `lambda-emu report` reads both and writes no JSON. Times in milliseconds; process times are offsets from the start of their Shutdown phase, 0.1 ms resolution. schemaVersion changes its major number when a field changes meaning or disappears, its minor number when fields are added.
 */
export type LambdaEmuReport = {
  schemaVersion: SchemaVersion;
  generator: string;
  exitCode: number;
} & (RunReport | ServeReport);
/**
 * 1.1 added invocationsNotKept, invocationSummary and, per Shutdown phase, escapedProcesses. 1.2 added function.runtime, freeze, and startedAtEpochMs to each Init and invocation (the HTML report's time axis), lateOutput to each invocation, sandbox, and, per process of a Shutdown phase, its evidence. 1.3 added resources. 1.4 added exitReason. 1.5 added each Init's errorMessage and each Shutdown process's evidence.lastLines. 1.6 added each invocation's answerErrorType, errorMessage and attempt, each serve environment's function, and made this one schema for serve's reports as well as run's (serve's shape was unchanged; its environments may name their function).
 */
export type SchemaVersion = '1.6';

/**
 * Written by `run --report FILE`, and for each environment of a serve report: one execution environment's Init attempts, invocations and Shutdown phases.
 */
export interface RunReport {
  schemaVersion: SchemaVersion;
  generator: string;
  exitCode: number;
  /**
   * Why the exit code is what it is, as the run's last line says it: 'runtime killed at its 300 ms deadline while idle (see the note above; --allow-kill=idle lets that pass)'.
   */
  exitReason?: string;
  function: {
    name: string;
    version: string;
    arn: string;
    handler: string;
    region: string;
    memorySizeMB: number;
    timeoutMs: number;
    initTimeoutMs: number;
    /**
     * Lambda Managed Instances only (--max-concurrency): how many invocations one environment held at once (AWS_LAMBDA_MAX_CONCURRENCY). Absent on demand, where it is 1.
     */
    maxConcurrency?: number;
    /**
     * Present when the function has tenant isolation (TenancyConfig PER_TENANT).
     */
    tenantIsolation?: true;
    /**
     * Which runtime ran the function: its own bootstrap (id provided.al2023), or a managed runtime (--runtime), with the executable it ran and the runtime interface client.
     */
    runtime: {
      /**
       * Lambda's runtime identifier: provided.al2023 for a bootstrap, else nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x.
       */
      id: string;
      /**
       * The bootstrap, or the managed runtime's executable (node) as found on PATH.
       */
      executable: string;
      /**
       * Managed runtimes: what the executable says of itself (node --version), which may differ from the runtime's own version (a warning says so).
       */
      executableVersion?: string;
      /**
       * Managed runtimes: the runtime interface client and its version, e.g. aws-lambda-ric 3.3.0.
       */
      client?: string;
    };
  };
  /**
   * Lambda freezes the environment between invocations (once the runtime called /next after its answer and every INVOKE subscriber /event/next; thawed before the next event and before the Shutdown phase's signals). Whether the emulator did, and how: cgroup-freezer freezes the environment's cgroup at once, every process in it; sigstop (where no cgroup can be made) is SIGSTOP/SIGCONT to the process groups of the runtime and the extensions and to each of their processes that left its group. Off with --no-freeze, and while debugging (-d).
   */
  freeze?: {
    enabled: boolean;
    method: 'cgroup-freezer' | 'sigstop' | null;
  };
  /**
   * Whether the function ran in the sandbox (--sandbox; docs/sandbox.md), and how.
   */
  sandbox?: {
    /**
     * true: /var/task, /opt, a private /tmp, sandbox hostnames and the memory limit held.
     */
    enabled: boolean;
    /**
     * Why not, when it is off: --sandbox off, or what the kernel does not allow (--sandbox auto).
     */
    reason?: string;
    /**
     * --layer, in order (a later one wins).
     */
    layers: string[];
    /**
     * /tmp's size (--ephemeral-storage).
     */
    ephemeralStorageMB: number;
    /**
     * How --memory is enforced: by the kernel for the environment's cgroup (runtime and extensions together), the runtime's process tree measured every 10 ms (no cgroup), or not at all (neither cgroup nor sandbox).
     */
    memoryLimit: 'kernel' | 'rss-sampling' | 'none';
    /**
     * Who the runtime and the extensions were inside: sbx_user1051 (uid 993, gid 990), as on Lambda.
     */
    user?: string;
    /**
     * Their uid on the host: never 0 (nobody when the emulator runs as root, else the emulator's own).
     */
    outsideUid?: number;
    /**
     * true: each environment had a PID namespace of its own; its processes could see and signal nothing outside it.
     */
    pidNamespace?: boolean;
    /**
     * true: the function had no capability, so it could neither remount nor unmount what the sandbox mounted.
     */
    mountsLocked?: boolean;
    /**
     * Lambda's limits inside: processes and threads (RLIMIT_NPROC), open files (RLIMIT_NOFILE).
     */
    limits?: {
      processes: number;
      openFiles: number;
    };
  };
  /**
   * How the environments got Lambda's numbers (docs/lambda-numbers.md): each its own cgroup where the machine allows one (method), with CPU in proportion to memory (cpu lambda: vcpus = memory / 1,769 MB, as cpuQuotaUs of every cpuPeriodUs) or unthrottled (cpu host), the memory size as the kernel's limit for the whole environment, and tasksLimit processes and threads. method none: no cgroup could be made (reason); CPU was the host's, so cleanup headroom is optimistic.
   */
  resources?: {
    method: 'cgroup-v1' | 'cgroup-v2' | 'none';
    reason?: string;
    cpu: 'lambda' | 'host';
    vcpus?: number;
    cpuQuotaUs?: number;
    cpuPeriodUs?: number;
    memoryLimit: 'kernel' | 'rss-sampling' | 'none';
    tasksLimit: number;
  };
  environment: {
    bootstrap: string;
    runtimeApi: string;
    extensionPaths: string[];
    /**
     * Extensions registered at the last successful Init.
     */
    extensions: {
      name: string;
      kind: 'internal' | 'external';
      events: ('INVOKE' | 'SHUTDOWN')[];
    }[];
  };
  inits: {
    phase: 'init' | 'invoke';
    status: 'success' | 'error' | 'timeout';
    errorType: string | null;
    /**
     * A failed Init's errorMessage (since 1.5): as the runtime posted it to /init/error, or the emulator's own for a runtime that exited ('Runtime exited with error: exit status 1') or an extension that failed; at most 1,024 bytes. null on success, on a timeout, or when the error body had none.
     */
    errorMessage: string | null;
    durationMs: number;
    /**
     * When this Init began (since 1.2).
     */
    startedAtEpochMs?: number;
  }[];
  /**
   * The most recent invocations in full, oldest first (all of them unless invocationsNotKept says otherwise).
   */
  invocations: {
    requestId: string;
    /**
     * Which attempt at the event this was (since 1.6): 1, or 2 and 3 for the retries of an asynchronous (Event) invocation that failed, which keep its requestId as Lambda does.
     */
    attempt?: number;
    event: string;
    outcome:
      | 'success'
      | 'function-error'
      | 'timeout'
      | 'runtime-exit'
      | 'init-failure'
      | 'extension-failure'
      | 'interrupted'
      | null;
    status: 'success' | 'error' | 'timeout' | 'failure';
    errorType: string | null;
    /**
     * The error type the caller got (what the runtime posted, OrderRejected; or the emulator's own, Sandbox.Timedout), where errorType is the platform's bookkeeping name (Runtime.Unknown for a type that is neither Runtime.Xxx nor Function.Xxx); null on success. Since 1.6.
     */
    answerErrorType?: string | null;
    /**
     * A failed invocation's error message (the errorMessage of its error body), at most 1 KB; null on success or when the body had none. Since 1.6.
     */
    errorMessage?: string | null;
    durationMs: number;
    billedDurationMs: number;
    memorySizeMB: number;
    maxMemoryUsedMB: number;
    initDurationMs: number | null;
    /**
     * When the invocation began (since 1.2).
     */
    startedAtEpochMs?: number;
    /**
     * Lines the runtime and the extensions printed after this invocation had ended: work that went on after the response. null when the environment did not go idle after it (a reset, or the next invocation was handed over at once).
     */
    lateOutput?: {
      /**
       * Lines that reached the emulator after the invocation ended and before the environment was thawed: printed before the freeze took hold (with --no-freeze, while the environment was idle).
       */
      afterEnd: number;
      /**
       * Lines that reached the emulator after the thaw and before the next event or SIGTERM went out. The emulator, like Lambda, delivers right after the thaw, so this is usually 0: work resumed by the thaw prints during the next invocation.
       */
      afterThaw: number;
      /**
       * The first of those lines, labelled with its source, at most 200 bytes of it.
       */
      firstLine: string | null;
      /**
       * In plain words, when there were such lines.
       */
      diagnostic: string | null;
    } | null;
  }[];
  /**
   * Invocations whose entries were let go: a run keeps the last 1,000 invocations in full (over all the environments of a serve), so that memory stays flat; invocationSummary covers every one.
   */
  invocationsNotKept: number;
  /**
   * Every invocation of this environment, kept in full or not.
   */
  invocationSummary: {
    count: number;
    /**
     * How many had each outcome (the caller's answer); none: never answered.
     */
    byOutcome: {
      success?: number;
      'function-error'?: number;
      timeout?: number;
      'runtime-exit'?: number;
      'init-failure'?: number;
      'extension-failure'?: number;
      interrupted?: number;
      none?: number;
    };
    durationMs: {
      min: number;
      max: number;
      mean: number;
      total: number;
    };
  };
  /**
   * Every Shutdown phase: resets (final false) and the last spin-down (final true).
   */
  shutdowns: {
    reason: 'spindown' | 'timeout' | 'failure';
    final: boolean;
    startedAtEpochMs: number;
    durationMs: number;
    budget: {
      sigterm: boolean;
      runtimeShareMs: number;
      phaseMs: number;
      source: string;
    };
    registeredExtensions: {
      internal: number;
      external: number;
    };
    processes: {
      name: string;
      kind: 'runtime' | 'extension';
      pid: number;
      exitedBeforeShutdown: boolean;
      sigtermMs: number | null;
      shutdownEventMs: number | null;
      sigkillMs: number | null;
      exitObservedMs: number | null;
      deadlineMs: number | null;
      cleanupDurationMs: number | null;
      headroomMs: number | null;
      exit: {
        code: number | null;
        signal: number | null;
        description: string;
      } | null;
      verdict: 'graceful' | 'killed' | 'crashed' | 'not-signalled';
      /**
       * What the process was doing: looks at its process tree in /proc just before the phase's clock started (before any signal), every 20 ms while it ran, and just before its SIGKILL. For a process that exited by itself, the last look before its exit stands for its end (the exit closes its sockets before it can be seen). Times in ms from the phase's start. Absent facts (a process that exited before the phase, a /proc that could not be read) are null or empty.
       */
      evidence: {
        /**
         * Its last line on stdout or stderr (the first 200 bytes): after SIGTERM (runtime) or SHUTDOWN (extension), or before if it printed nothing since
         */
        lastOutput: {
          /**
           * When the emulator read it; negative: before the phase
           */
          atMs: number;
          text: string;
          /**
           * Printed after its SIGTERM (runtime) or SHUTDOWN event (extension)
           */
          afterSignal: boolean;
        } | null;
        /**
         * CPU time (utime + stime, with reaped children's) its process tree used from the first look to the last; the kernel counts it in 10 ms clock ticks
         */
        cpuUsedMs: number | null;
        /**
         * CPU time used after its last output (read when the line arrived, if during the phase; else from the first look) up to the last look
         */
        cpuAfterLastOutputMs: number | null;
        /**
         * When the first look was taken (just before the phase, so slightly negative)
         */
        firstLookMs: number | null;
        /**
         * When the last look was taken: just before its SIGKILL, or the last one before its exit
         */
        lastLookMs: number | null;
        /**
         * Every TCP (v4, v6) and Unix socket its process tree held at the first look
         */
        socketsAtStart: {
          kind: 'tcp' | 'tcp6' | 'unix';
          /**
           * TCP: the process's own address:port ([v6]:port); Unix: the socket's path when bound, else empty (/proc does not name a Unix socket's peer)
           */
          local: string;
          /**
           * TCP: the address:port it is connected to (0.0.0.0:0 for a listener); null for Unix
           */
          remote: string | null;
          /**
           * TCP: the kernel's state (ESTABLISHED, LISTEN, CLOSE_WAIT, ...); Unix: CONNECTED, CONNECTING, LISTEN or UNCONNECTED
           */
          state: string;
          /**
           * runtime-api / extensions-api: the process's connection to one of the emulator's own listeners (the runtime's is the Runtime API, an extension's the Extensions API); function: any other, the function's own
           */
          peer: 'function' | 'runtime-api' | 'extensions-api';
        }[];
        /**
         * Every socket it held at the last look
         */
        socketsAtEnd: {
          kind: 'tcp' | 'tcp6' | 'unix';
          /**
           * TCP: the process's own address:port ([v6]:port); Unix: the socket's path when bound, else empty (/proc does not name a Unix socket's peer)
           */
          local: string;
          /**
           * TCP: the address:port it is connected to (0.0.0.0:0 for a listener); null for Unix
           */
          remote: string | null;
          /**
           * TCP: the kernel's state (ESTABLISHED, LISTEN, CLOSE_WAIT, ...); Unix: CONNECTED, CONNECTING, LISTEN or UNCONNECTED
           */
          state: string;
          /**
           * runtime-api / extensions-api: the process's connection to one of the emulator's own listeners (the runtime's is the Runtime API, an extension's the Extensions API); function: any other, the function's own
           */
          peer: 'function' | 'runtime-api' | 'extensions-api';
        }[];
        /**
         * Of socketsAtEnd, its own connections (peer function, not listening): what was still open at its kill
         */
        openConnectionsAtEnd: {
          kind: 'tcp' | 'tcp6' | 'unix';
          /**
           * TCP: the process's own address:port ([v6]:port); Unix: the socket's path when bound, else empty (/proc does not name a Unix socket's peer)
           */
          local: string;
          /**
           * TCP: the address:port it is connected to (0.0.0.0:0 for a listener); null for Unix
           */
          remote: string | null;
          /**
           * TCP: the kernel's state (ESTABLISHED, LISTEN, CLOSE_WAIT, ...); Unix: CONNECTED, CONNECTING, LISTEN or UNCONNECTED
           */
          state: string;
          /**
           * runtime-api / extensions-api: the process's connection to one of the emulator's own listeners (the runtime's is the Runtime API, an extension's the Extensions API); function: any other, the function's own
           */
          peer: 'function' | 'runtime-api' | 'extensions-api';
        }[];
        /**
         * Where its main thread waited in the kernel at the last look (/proc/PID/wchan: hrtimer_nanosleep for a sleep, ep_poll for an event loop, futex_wait_queue for a lock or a join); null when running or not told
         */
        waitingAtEnd: string | null;
        /**
         * The Runtime API /next or Extensions API /event/next request it still had parked when it was killed; null if none or not killed
         */
        parkedCall: '/next' | '/event/next' | null;
        /**
         * Its last lines on stdout and stderr, oldest first (since 1.5): at most 10, each its first 200 bytes. Also for a process that exited before the phase (a failed Init's stack trace), and with lines read after the phase ended, up to the next Init
         *
         * @maxItems 10
         */
        lastLines:
          | []
          | [string]
          | [string, string]
          | [string, string, string]
          | [string, string, string, string]
          | [string, string, string, string, string]
          | [string, string, string, string, string, string]
          | [string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string, string, string];
        /**
         * Killed while idle, as --allow-kill=idle lets pass: killed, read just before the SIGKILL, at most 20 ms of CPU (two clock ticks) after its last output, no open connection of its own, and not asleep in a sleep call (waitingAtEnd holds no nanosleep). A cleanup waiting otherwise with no connection (an event loop's timer) looks the same and counts as idle
         */
        idle: boolean;
      };
    }[];
    /**
     * Processes the runtime or an extension started that were still running once they were gone (they had left their process group or session, or an extension exited without them); the emulator killed them. Empty when none.
     */
    escapedProcesses?: {
      pid: number;
      /**
       * The kernel's short name of the process (comm)
       */
      command: string;
    }[];
    diagnostics: string[];
  }[];
}
/**
 * Written by `serve`: the whole run's exit code and reason, and each execution environment's own run report, numbered from 1 in the order they were started.
 */
export interface ServeReport {
  schemaVersion: SchemaVersion;
  generator: string;
  exitCode: number;
  /**
   * Why the exit code is what it is, over every environment.
   */
  exitReason: string;
  environments: {
    /**
     * The environment's number, as POST /lambda-emu/shutdown?environment=N and JUnit's classname name it.
     */
    id: number;
    /**
     * The function this environment ran (its FunctionName): serve serves every function of a template at once. Environments are numbered per function, from 1.
     */
    function: string;
    /**
     * With tenant isolation (--tenant-isolation): the one tenant this environment served. Environments of a tenant are never given another's invocations.
     */
    tenant?: string;
    report: RunReport;
  }[];
}
