import type { ProbeStatus } from '../probes/types.ts';
import { count } from '../text/words.ts';
import type { RunResults } from './types.ts';

/** Russian words for check statuses, as printed in tables. */
export const STATUS_WORDS: Record<ProbeStatus, string> = {
  ok: 'работает',
  fail: 'СБОЙ',
  unknown: 'неизвестно',
};

/**
 * A readable plain-text table of one run: one row per check (installation, check, status, code, latency,
 * message), then the canaries, the operator notes and a summary line. Addresses never appear (only messages).
 */
export function formatResultsTable(results: RunResults): string {
  const rows: string[][] = [['Установка', 'Проверка', 'Статус', 'Код', 'мс', 'Сообщение']];
  const counts = { ok: 0, fail: 0, unknown: 0 };
  for (const inst of results.installations) {
    const name = `${inst.client}/${inst.installation}`;
    let first = true;
    for (const [check, r] of Object.entries(inst.checks)) {
      if (!r) continue;
      counts[r.status]++;
      rows.push([
        first ? name : '',
        check,
        STATUS_WORDS[r.status],
        r.code,
        String(Math.round(r.latencyMs)),
        r.message,
      ]);
      first = false;
    }
    if (first) rows.push([name, '—', '', '', '', 'Проверки не настроены.']);
  }
  const lines = alignRows(rows);
  lines.splice(1, 0, lines[0]!.replace(/[^ ]/g, '─').replace(/ +$/, ''));
  if (results.canaries.length > 0) {
    const good = results.canaries.filter((c) => c.status === 'ok').length;
    lines.push('', `Контрольные точки: ${good} из ${results.canaries.length} доступны.`);
  }
  if (!results.networkOk) lines.push('Сеть проверяющего недоступна: клиенты не проверялись.');
  for (const note of results.notes) lines.push(`Примечание: ${note}`);
  const seconds = ((results.finishedAt.getTime() - results.startedAt.getTime()) / 1000).toFixed(1);
  lines.push(
    '',
    // Kept word for word: commands/check.test.ts matches this line.
    `Итого: ${count(results.installations.length, 'установка', 'установки', 'установок')}, проверок ${counts.ok + counts.fail + counts.unknown}: ` +
      `работает ${counts.ok}, сбой ${counts.fail}, неизвестно ${counts.unknown}; за ${seconds} с.`,
  );
  return lines.join('\n');
}

/** One progress line for a TTY, e.g. "Проверки: 120/400 [██████░░░░░░░░░░░░░░] 30%". */
export function progressLine(done: number, total: number): string {
  const width = 20;
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  return `Проверки: ${done}/${total} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.round(share * 100)}%`;
}

function alignRows(rows: string[][]): string[] {
  const last = rows[0]!.length - 1;
  const widths = rows[0]!.map((_, i) =>
    i === last ? 0 : Math.max(...rows.map((r) => [...(r[i] ?? '')].length)),
  );
  return rows.map((r) =>
    r
      .map((cell, i) => (i === last ? cell : cell + ' '.repeat(widths[i]! - [...cell].length)))
      .join('  ')
      .trimEnd(),
  );
}

/** "1 установка", "3 установки", "11 установок". */
export function plural(n: number, one: string, few: string, many: string): string {
  const d10 = n % 10;
  const d100 = n % 100;
  const word = d10 === 1 && d100 !== 11 ? one : d10 >= 2 && d10 <= 4 && (d100 < 12 || d100 > 14) ? few : many;
  return `${n} ${word}`;
}
