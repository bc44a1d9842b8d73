// npm links the bins of dependencies into node_modules/.bin but not the project's own, so `npx smart`
// would not find the CLI inside this repository. Run as the project's postinstall: link it.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
mkdirSync(binDir, { recursive: true });
const link = join(binDir, 'smart');
rmSync(link, { force: true });
symlinkSync(join('..', '..', 'bin', 'smart.js'), link);
