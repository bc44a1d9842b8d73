import { execFileSync, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

/** A host inside a network namespace created for a test, reachable over a veth pair until `cut()`. */
export interface DarkHost {
  /** The address inside the namespace (10.200.x.y). */
  address: string;
  /** Takes the namespace's link down: the address stops answering. */
  cut: () => void;
  /** Deletes the namespace and the veth pair; safe to call twice. */
  remove: () => void;
}

/** Why namespaces cannot be used here (not root, ip or ping missing), or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  for (const bin of ['ip', 'ping']) {
    const r = spawnSync(bin, ['-V'], { stdio: 'ignore' });
    if (r.error) return `${bin} is not installed (apt-get install iproute2 iputils-ping)`;
  }
  return undefined;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/**
 * Creates namespace smt-<random> with a /30 from 10.200.0.0/16 on a veth pair (host side .1, namespace .2).
 * Only addresses inside that namespace are ever contacted.
 */
export function createDarkHost(): DarkHost {
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const ns = `smt-${tag}`;
  const hostIf = `vsh${tag}`;
  const nsIf = `vsn${tag}`;
  const third = randomInt(1, 255);
  const fourth = randomInt(0, 63) * 4;
  const hostAddr = `10.200.${third}.${fourth + 1}`;
  const nsAddr = `10.200.${third}.${fourth + 2}`;
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' });
  };
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', ns);
    ip('addr', 'add', `${hostAddr}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${nsAddr}/30`, 'dev', nsIf);
    ip('netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    remove();
    throw err;
  }
  return {
    address: nsAddr,
    cut: () => {
      ip('netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'down');
    },
    remove,
  };
}
