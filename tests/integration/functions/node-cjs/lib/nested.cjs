// `lib/nested.handler`: a handler in a subfolder, in a .cjs file.
module.exports.handler = async (event) => ({ event, file: 'lib/nested.cjs' });
