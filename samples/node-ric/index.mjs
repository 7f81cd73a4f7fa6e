// A plain Node.js handler, run unchanged by AWS's official runtime interface client
// (aws-lambda-ric from npm) under lambda-emu.
export const handler = async (event, context) => {
  console.log(`handling ${context.awsRequestId}`);
  if (event && event.fail) throw new Error('asked to fail');
  return { received: event, functionName: context.functionName, remainingMs: context.getRemainingTimeInMillis() };
};
