// A function that batches writes to PostgreSQL, the way many production handlers do: the
// connection is opened during Init and reused, each invocation only buffers its record, and
// the buffer is written in one statement when Lambda sends SIGTERM. Without SIGTERM (no
// extension registered) or with a cleanup slower than its share, the records are lost.
const { Client } = require('pg');

const client = new Client({ connectionString: process.env.DATABASE_URL, application_name: 'lambda-emu-sample' });
const ready = client
  .connect()
  .then(() => client.query('CREATE TABLE IF NOT EXISTS orders (request_id text PRIMARY KEY, body jsonb NOT NULL)'));
const buffer = [];
const cleanupDelayMs = Number(process.env.CLEANUP_DELAY_MS || 0); // to make the cleanup miss its share

exports.handler = async (event, context) => {
  await ready;
  buffer.push([context.awsRequestId, JSON.stringify(event)]);
  return { buffered: buffer.length };
};

process.on('SIGTERM', async () => {
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, cleanupDelayMs));
  if (buffer.length > 0) {
    const values = buffer.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
    await client.query(`INSERT INTO orders (request_id, body) VALUES ${values}`, buffer.flat());
  }
  await client.end();
  console.log(`SIGTERM: wrote ${buffer.length} records and closed the connection in ${Date.now() - started} ms`);
  process.exit(0);
});
