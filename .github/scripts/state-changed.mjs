// Prints "true" when what the site shows changed between two checkouts of the status branch, else "false".
// Timestamps (checked_at, updated_at, heartbeat) change every run and are ignored: the site is republished
// for them at least hourly anyway. Plain JavaScript so that any Node on the runner can run it.
// usage: node state-changed.mjs BEFORE_DIR AFTER_DIR
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function readJsonDir(dir) {
  if (!existsSync(dir)) return {};
  const out = {};
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    try {
      out[name] = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch {
      out[name] = 'unreadable';
    }
  }
  return out;
}

/** What of the status data is visible on the site, without the per-run timestamps. */
export function digest(root) {
  const states = {};
  for (const [file, s] of Object.entries(readJsonDir(join(root, 'state')))) {
    const inst = {};
    for (const [id, i] of Object.entries(s?.installations ?? {})) {
      inst[id] = {
        overall: i.overall,
        components: Object.fromEntries(Object.entries(i.components ?? {}).map(([k, c]) => [k, c.status])),
        alerts: Object.fromEntries(
          Object.entries(i.alerts ?? {}).map(([k, a]) => [
            k,
            `${a.state}${a.suppressed ? '/suppressed' : ''}`,
          ]),
        ),
        diagnosis: i.diagnosis?.rule ?? null,
      };
    }
    states[file] = inst;
  }
  const incidents = {};
  for (const [file, m] of Object.entries(readJsonDir(join(root, 'incidents')))) {
    incidents[file] = (m?.incidents ?? []).map((i) => `${i.id}:${i.resolved_at ?? 'open'}`);
  }
  return JSON.stringify({ states, incidents });
}

const [before, after] = process.argv.slice(2);
if (before && after) {
  const changed = !existsSync(join(before, 'state')) || digest(before) !== digest(after);
  process.stdout.write(`${changed}\n`);
}
