// A small Runtime API loop in Node.js: what a managed runtime does around exports.handler.
const http = require('http');

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const agent = new http.Agent({ keepAlive: true });
const [moduleName, handlerName] = (process.env._HANDLER || 'index.handler').split('.');

function call(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host, port, method, path: `/2018-06-01/runtime${path}`, agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

async function main() {
  let handler;
  try {
    handler = require(`${process.env.LAMBDA_TASK_ROOT}/${moduleName}`)[handlerName];
  } catch (error) {
    await call('POST', '/init/error', JSON.stringify({ errorMessage: error.message, errorType: 'Runtime.ImportModuleError' }),
      { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' });
    process.exit(1);
  }
  for (;;) {
    const next = await call('GET', '/invocation/next');
    const requestId = next.headers['lambda-runtime-aws-request-id'];
    const context = { awsRequestId: requestId, deadlineMs: Number(next.headers['lambda-runtime-deadline-ms']) };
    try {
      const result = await handler(JSON.parse(next.body), context);
      await call('POST', `/invocation/${requestId}/response`, JSON.stringify(result), { 'Content-Type': 'application/json' });
    } catch (error) {
      await call('POST', `/invocation/${requestId}/error`, JSON.stringify({ errorMessage: error.message, errorType: error.name }),
        { 'Lambda-Runtime-Function-Error-Type': 'Runtime.UnhandledError' });
    }
  }
}

main();
