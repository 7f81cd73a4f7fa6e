// A handler whose SIGTERM listener cleans up at shutdown. Lambda sends SIGTERM only when an
// extension is registered: the template names the Lambda Insights layer for that.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

process.on('SIGTERM', async () => {
  console.info('[runtime] SIGTERM received');
  console.info('[runtime] cleaning up');
  await sleep(100); // stands for closing a database connection
  console.info('[runtime] exiting');
  process.exit(0);
});

export const lambdaHandler = async () => {
  console.info('[handler] invoked');
  return { statusCode: 200, body: JSON.stringify({ message: 'hello world' }) };
};
