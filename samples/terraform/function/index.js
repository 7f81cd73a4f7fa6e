// The handler and its SIGTERM listener, in AWS's graceful-shutdown shape: Lambda sends SIGTERM
// at shutdown when an extension (here the Lambda Insights layer) is registered.
process.on('SIGTERM', () => {
  console.info('[runtime] SIGTERM received, cleaning up');
  process.exit(0);
});

exports.handler = async (event) => {
  console.info('[handler] invoked');
  return { message: process.env.GREETING, got: event };
};
