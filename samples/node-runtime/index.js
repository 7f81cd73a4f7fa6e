// The function: the shape of a typical Node.js handler that batches. A connection is opened
// before the handler (during Init) and reused by every invocation; records are buffered in
// memory and flushed on SIGTERM, which Lambda sends only when an extension is registered.
const fs = require('fs');
const path = require('path');

const flushFile = process.env.FLUSH_FILE || path.join(process.env.LAMBDA_TASK_ROOT || '.', 'flushed.jsonl');
const connection = { opened: Date.now(), writes: 0 }; // stands in for a database connection
const buffer = [];

console.log(`connection opened before the handler; records will be flushed to ${flushFile}`);

exports.handler = async (event, context) => {
  buffer.push({ requestId: context.awsRequestId, event });
  connection.writes += 1;
  return { buffered: buffer.length, requestId: context.awsRequestId };
};

process.on('SIGTERM', () => {
  const started = Date.now();
  console.log(`SIGTERM: flushing ${buffer.length} buffered records`);
  fs.appendFileSync(flushFile, buffer.map((record) => JSON.stringify(record) + '\n').join(''));
  console.log(`flushed and closed the connection in ${Date.now() - started} ms; exiting`);
  process.exit(0);
});
