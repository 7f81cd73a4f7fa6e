// Records buffered by the handler, flushed on SIGTERM: the cleanup Lambda lets a Node.js function
// run when an extension is registered. Flushed to stdout, a line each ("record flushed: JSON"),
// since in the sandbox no file of the host is the function's to write.
const buffer = [];

exports.handler = async (event, context) => {
  buffer.push({ requestId: context.awsRequestId, event });
  return { buffered: buffer.length };
};

process.on('SIGTERM', () => {
  console.log(`SIGTERM: flushing ${buffer.length} records`);
  for (const record of buffer) console.log(`record flushed: ${JSON.stringify(record)}`);
  console.log('flushed; exiting');
  process.exit(0);
});
