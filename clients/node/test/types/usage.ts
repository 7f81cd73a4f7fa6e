// Compiled (never run) by types.test.mjs: what a typed test writes must type-check.
import { startLambdaEmu, type ServeReport, type Verdict } from '../../index.js';

export async function usage(): Promise<Verdict> {
  const emu = await startLambdaEmu({ function: './fn', runtime: 'nodejs20.x', handler: 'index.handler', env: { A: 1 } });
  const result = await emu.invoke('fn', { a: 1 });
  const status: number | undefined = result.statusCode;
  const url: string = emu.functionUrl('fn');
  const report: ServeReport = await emu.shutdown({ reason: 'timeout' });
  const ms: number | null = report.cleanup('runtime').ms;
  const budget: number = report.environments[0].report.shutdowns[0].budget.runtimeShareMs;
  void [status, url, ms, budget, emu.lambda.config];
  return report.process('runtime').verdict;
}
