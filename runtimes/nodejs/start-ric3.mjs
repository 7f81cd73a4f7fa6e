// How Lambda's nodejs18.x, nodejs20.x and nodejs22.x runtimes start their client: the function's
// folder and its handler come from the environment (LAMBDA_TASK_ROOT, _HANDLER), not from the
// command line, and the working directory is the task root. aws-lambda-ric 3.x's own command
// (bin/index.mjs) takes the handler as an argument and prints a line Lambda does not print.
import { run } from "aws-lambda-ric-3";

await run(process.env.LAMBDA_TASK_ROOT, process.env._HANDLER);
