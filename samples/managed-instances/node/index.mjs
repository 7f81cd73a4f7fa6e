// An async handler for Lambda Managed Instances: AWS's Node.js client 4.x runs many of these at
// once in one process (worker threads, each with several invocations in flight). It waits
// `sleepMs` and says who ran it, so a test sees the invocations overlap in one process.
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';

export const handler = async (event, context) => {
  const startedAt = Date.now();
  await sleep(event.sleepMs ?? 0);
  return {
    pid: process.pid,
    logStream: context.logStreamName, // one per execution environment
    thread: threadId,
    requestId: context.awsRequestId,
    tenantId: context.tenantId ?? null,
    maxConcurrency: process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? null,
    startedAt,
    finishedAt: Date.now(),
  };
};
