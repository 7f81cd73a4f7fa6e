// Records buffered by the handler, flushed to FLUSH_FILE on SIGTERM: the cleanup Lambda lets a
// Node.js function run when an extension is registered.
const fs = require('fs');

const buffer = [];

exports.handler = async (event, context) => {
  buffer.push({ requestId: context.awsRequestId, event });
  return { buffered: buffer.length };
};

process.on('SIGTERM', () => {
  console.log(`SIGTERM: flushing ${buffer.length} records`);
  fs.appendFileSync(process.env.FLUSH_FILE, buffer.map((record) => JSON.stringify(record) + '\n').join(''));
  console.log('flushed; exiting');
  process.exit(0);
});
