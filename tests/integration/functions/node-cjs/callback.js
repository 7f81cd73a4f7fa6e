// A callback handler (event, context, callback), which Lambda's Node.js 18-22 runtimes accept and
// Node.js 24's refuses.
exports.handler = (event, context, callback) => {
  setImmediate(() => callback(null, { event, style: 'callback' }));
};
