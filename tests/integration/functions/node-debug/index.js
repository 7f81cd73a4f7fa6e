// The handler of the -d tests: it answers with its process, which a debugger attached between
// invocations must find the same, and first waits as long as the event asks (past the timeout).
exports.handler = async (event, context) => {
  if (event.waitMs) await new Promise((resolve) => setTimeout(resolve, event.waitMs));
  return { pid: process.pid, functionName: context.functionName, remainingMs: context.getRemainingTimeInMillis() };
};
