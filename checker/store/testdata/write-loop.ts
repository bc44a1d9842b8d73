// Child process for the SIGKILL fault test: rewrites a few status files with large bodies forever.
import { createFsStore } from '../fs.ts';
import { serialize } from '../../status/format.ts';

const dir = process.argv[2]!;
const store = createFsStore(dir);
let n = 0;
for (;;) {
  n++;
  const big = 'x'.repeat(200_000 + (n % 7) * 10_000);
  await store.update(`run ${n}`, async () => {
    const changes = new Map<string, string>();
    for (const path of ['heartbeat.json', 'state/acme.json', 'history/acme/2026-11.json'])
      changes.set(path, serialize({ schema: 1, n, big }));
    return changes;
  });
  if (n === 3) process.stdout.write('ready\n');
}
