// Entry of the perfgate GitHub Action (action.yml `main:` and `post:`; bundled to dist/action.js).
import { coreIo } from './github/actions-io.ts';
import { runActionEntry } from './github/run-action.ts';

const io = coreIo();
try {
  await runActionEntry({ env: process.env, cwd: process.cwd(), io });
} catch (error) {
  io.setFailed(error instanceof Error ? (error.stack ?? error.message) : String(error));
}
