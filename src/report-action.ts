// Entry of the perfgate/report sub-action (report/action.yml; bundled to dist/report-action.js).
import { coreIo } from './github/actions-io.ts';
import { runReportAction } from './github/report-results.ts';

const io = coreIo();
try {
  await runReportAction({ env: process.env, cwd: process.cwd(), io });
} catch (error) {
  io.setFailed(error instanceof Error ? (error.stack ?? error.message) : String(error));
}
