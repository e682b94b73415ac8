import { join, resolve } from 'node:path';

/** The repository, and what `npm run build` writes there: the suite runs the built service and console. */
export const ROOT = resolve(__dirname, '..', '..', '..');
export const SERVICE_MAIN = join(ROOT, 'dist', 'main.js');
export const SIMULATOR_MAIN = join(ROOT, 'dist', 'cli', 'simulate.js');
export const CONSOLE_INDEX = join(ROOT, 'dist', 'console', 'index.html');

/** Every test's last screenshot (and the service's log), kept after the run for a look. */
export const ARTIFACTS_DIR = join(ROOT, 'test-artifacts', 'console');
/** The screenshots the README shows, rewritten only with UPDATE_README_SCREENSHOTS=1. */
export const README_SCREENSHOTS_DIR = join(ROOT, 'console', 'screenshots');
