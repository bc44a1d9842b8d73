// npm links the bins of dependencies into node_modules/.bin but not the project's own, so `npx smart`
// would not find the CLI inside this repository. Run as the project's postinstall: link it.
// npm's own log is kept to errors (.npmrc), so when npm runs on another Node than the project's (the system's
// Node 20), say in one line which Node the project uses instead of a wall of engine warnings.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
mkdirSync(binDir, { recursive: true });
const link = join(binDir, 'smart');
rmSync(link, { force: true });
symlinkSync(join('..', '..', 'bin', 'smart.js'), link);

// npm_config_user_agent is "npm/11.19.1 node/v20.20.2 linux x64 …": the Node npm runs on.
const npmNode = /\bnode\/(v[\d.]+)/.exec(process.env.npm_config_user_agent ?? '')?.[1];
// Scripts run with node_modules/.bin first on PATH: this process is the project's Node, if it was installed.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.log(
    `smart-status: Node 24 was not installed into node_modules/.bin (this is ${process.version}); run npm ci again or install Node 24.`,
  );
} else if (npmNode && npmNode !== process.version) {
  console.log(
    `smart-status: npm runs on Node ${npmNode}; the project uses Node ${process.version} from node_modules/.bin (npm test, npm start, npx smart).`,
  );
}
