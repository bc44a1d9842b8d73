import { ZipFile } from 'yazl';

/**
 * Sysinfo reports in the shape of the DEFAULT mapping profile (checker/sysinfo/profile.ts), for the fake
 * Kodeks server, the tests, the demo and the benchmarks. The real element names are not published: this is
 * the assumed shape, nothing more.
 */

/** What a made-up report says. `null` leaves the record or block out entirely. */
export interface ReportSpec {
  /** The SenseLock record's state attribute; null: no key record at all. */
  key: string | null;
  /** The report's own time. */
  createdAt: Date;
  /** Per-database licences (end as YYYY-MM-DD); null: no licence block; []: an empty block. */
  databases: { name: string; end: string }[] | null;
  /** Operup files; their `date` is written without an offset, as local time in Moscow. */
  operups: { path: string; date: Date }[];
  /** Database errors. */
  errors: { db?: string; code?: number; text: string }[];
  seats: { used: number; limit: number };
  pkVersion?: string;
  /** About this many bytes of sessions and search log (user data the facts must never carry). */
  filler?: number;
}

/** A healthy report of `now`: key works, two databases, fresh operups, no errors. */
export function healthyReport(now: Date): ReportSpec {
  const day = 86_400_000;
  const inDays = (n: number) => new Date(now.getTime() + n * day).toISOString().slice(0, 10);
  return {
    key: 'ok',
    createdAt: now,
    databases: [
      { name: 'Кодекс: Законодательство', end: inDays(200) },
      { name: 'Техэксперт: Строительство', end: inDays(300) },
    ],
    operups: [
      { path: 'D:\\Kodeks\\operup\\kodeks6.op', date: new Date(now.getTime() - 7 * 3_600_000) },
      { path: 'D:\\Kodeks\\operup\\stroy.op', date: new Date(now.getTime() - 20 * 3_600_000) },
    ],
    errors: [],
    seats: { used: 12, limit: 50 },
  };
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Moscow wall time without an offset, as Kodeks servers write local times. */
function moscow(d: Date): string {
  return new Date(d.getTime() + 3 * 3_600_000).toISOString().slice(0, 19);
}

/** The report as XML text (UTF-8). */
export function sysinfoXml(spec: ReportSpec): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<sysinfo version="2.0.7.1" created="${spec.createdAt.toISOString()}">`,
    `  <server version="${esc(spec.pkVersion ?? '6.4.5.127')}" name="KODEKS-SRV"/>`,
    '  <client name="ООО «Тест»" regnum="100001"/>',
  ];
  if (spec.key !== null)
    out.push('  <protection>', `    <senselock state="${esc(spec.key)}"/>`, '  </protection>');
  else out.push('  <protection/>');
  out.push(`  <registration limit="${spec.seats.limit}" used="${spec.seats.used}"/>`);
  if (spec.databases !== null) {
    out.push('  <licenses>');
    for (const d of spec.databases) out.push(`    <database name="${esc(d.name)}" end="${d.end}"/>`);
    out.push('  </licenses>');
  }
  out.push('  <operups>');
  for (const o of spec.operups) out.push(`    <file path="${esc(o.path)}" date="${moscow(o.date)}"/>`);
  out.push('  </operups>', '  <errors>');
  for (const e of spec.errors)
    out.push(
      `    <error${e.db ? ` db="${esc(e.db)}"` : ''}${e.code !== undefined ? ` code="${e.code}"` : ''}>${esc(e.text)}</error>`,
    );
  out.push('  </errors>', '  <sessions>');
  let size = out.join('\n').length;
  const target = spec.filler ?? 300;
  for (let i = 0; size < target; i++) {
    const line =
      i % 2 === 0
        ? `    <session login="user${i}" ip="192.0.2.${i % 250}" browser="Firefox" started="${moscow(spec.createdAt)}"/>`
        : `    <query login="user${i}" type="intelligent" found="${i % 30}">налоговый кодекс статья ${i} пункт ${i % 7}</query>`;
    out.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  out.push('  </sessions>', '</sysinfo>', '');
  return out.join('\n');
}

/** A zip holding `name` with `content` (deflated), as the Kodeks server answers `type=zip`. */
export function zipOf(files: { name: string; content: Buffer | string }[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const f of files)
    zip.addBuffer(Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content), f.name);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** The report as the server's `type=zip` answer. */
export function sysinfoZip(spec: ReportSpec): Promise<Buffer> {
  return zipOf([{ name: 'sysinfo.xml', content: sysinfoXml(spec) }]);
}

/** `/sysinfo/metrics` text: one pair of gauges per catalog, 0 = no error. */
export function metricsText(
  catalogs: { path: string; mainPage?: number; productControl?: number; status?: string }[],
): string {
  const out = ['# Sysinfo metrics'];
  for (const c of catalogs) {
    out.push(`# Path ${c.path}`);
    out.push(`kserver_main_page{service="kodweb",path="${c.path}"} ${c.mainPage ?? 0}`);
    const status = c.status ? `,status="${c.status}"` : '';
    out.push(`kserver_product_control{service="kodweb",path="${c.path}"${status}} ${c.productControl ?? 0}`);
  }
  out.push('# End', '');
  return out.join('\n');
}
