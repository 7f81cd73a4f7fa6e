// A CommonJS handler, as a nodejs runtime loads it: it answers with the event and what the
// runtime's environment says about itself.
exports.handler = async (event, context) => ({
  event,
  functionName: context.functionName,
  requestId: context.awsRequestId,
  remainingMs: context.getRemainingTimeInMillis(),
  cwd: process.cwd(),
  nodeVersion: process.version,
  env: Object.fromEntries(
    ['AWS_EXECUTION_ENV', 'NODE_PATH', 'LAMBDA_RUNTIME_DIR', 'LAMBDA_TASK_ROOT', '_HANDLER', 'AWS_LAMBDA_RUNTIME_API',
     'AWS_LAMBDA_FUNCTION_NAME', 'TZ'].map((key) => [key, process.env[key] ?? null])),
});

// Not a function: the client says Runtime.HandlerNotFound.
exports.notAFunction = 42;
