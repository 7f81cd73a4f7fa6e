// An ES module handler (.mjs), with a top-level await during Init.
const loadedAt = await Promise.resolve(Date.now());

export const handler = async (event, context) => ({ event, module: 'esm', loadedAt, functionName: context.functionName });
