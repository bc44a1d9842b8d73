import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { healthyReport, sysinfoXml, zipOf } from '../testing/sysinfo-report.ts';
import { ReportError } from './extract.ts';
import { deriveFacts } from './facts.ts';
import { createParsePool } from './parse-pool.ts';
import { DEFAULT_PROFILE, type MappingOverrides, mappingSchema, resolveProfile } from './profile.ts';
import { readReport } from './read-report.ts';

const fixture = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const CTX = { fetchedAt: new Date('2026-11-28T07:05:00Z'), timezone: 'Europe/Moscow' };

async function facts(bytes: Uint8Array, overrides?: MappingOverrides) {
  const profile = resolveProfile(overrides ? mappingSchema.parse(overrides) : undefined);
  return deriveFacts(await readReport(bytes, profile), profile, CTX);
}

async function failure(bytes: Uint8Array, limits = {}): Promise<string> {
  try {
    await readReport(bytes, DEFAULT_PROFILE, limits);
    return 'read';
  } catch (err) {
    if (!(err instanceof ReportError)) throw err;
    expect(err.message).toMatch(/^[А-ЯA-Z].*[а-я]/); // a Russian sentence about the report
    return err.code;
  }
}

describe('the default profile on its fixtures', () => {
  it('reads every fact of a healthy report, and nothing about users', async () => {
    const f = await facts(fixture('healthy.xml'));
    expect(f).toMatchObject({
      version: 1,
      profile: 'default',
      report_at: '2026-11-28T07:00:00.000Z',
      pk_version: '6.4.5.127',
      sysinfo_version: '2.0.7.1',
      key: { state: 'ok', value: 'ok' },
      licenses: 'present',
      databases: [
        { name: 'Кодекс: Законодательство', license_end: '2027-03-31' },
        { name: 'Техэксперт: Строительство', license_end: '2026-12-31' },
      ],
      operups_known: true,
      // Local times without an offset are Moscow time; only the file's name leaves the server.
      operups: [
        { file: 'kodeks6.op', updated_at: '2026-11-28T00:10:00.000Z' },
        { file: 'stroy.op', updated_at: '2026-11-27T00:12:00.000Z' },
      ],
      db_errors_known: true,
      db_errors: [],
      seats: { used: 12, limit: 50 },
    });
    const text = JSON.stringify(f);
    for (const secret of ['ivanov', 'petrova', '192.0.2.15', 'налоговый', 'D:\\\\Kodeks', 'Firefox'])
      expect(text).not.toContain(secret);
  });

  it.each([
    ['key-missing.xml', { state: 'missing', value: 'absent' }],
    ['no-key-record.xml', { state: 'unknown' }],
  ])('%s: key %o', async (file, key) => {
    const f = await facts(fixture(file));
    expect(f.key).toMatchObject(key);
    if (key.state === 'unknown') expect(f.key.reason).toContain('нет записи о ключе SenseLock');
  });

  it('tells an empty licence block from a missing one, and reads DB errors with and without codes', async () => {
    const f = await facts(fixture('licenses-empty.xml'));
    expect(f.licenses).toBe('empty');
    expect(f.db_errors).toEqual([
      { db: 'Техэксперт: Строительство', code: 2007, text: 'Нет прав на использование базы' },
      { db: 'Кодекс: Медицина', code: 613, text: 'Том собран для другой версии' },
      { db: 'Кодекс: Медицина', text: 'Том уже подключён' },
    ]);
    const none = await facts(fixture('no-key-record.xml'));
    expect([none.operups_known, none.db_errors_known]).toEqual([false, false]);
  });

  it('a document of another shape is unknown with a reason, never "key missing"', async () => {
    const f = await facts(fixture('element-text.xml'));
    expect(f.key.state).toBe('unknown');
    expect(f.licenses).toBe('unknown');
  });
});

describe('per-installation overrides adapt the mapping to another shape', () => {
  it('Russian element names, text values, windows-1251', async () => {
    const f = await facts(fixture('russian-names.xml'), {
      report_time: 'Отчёт/Создан',
      pk_version: 'Отчёт/ПК/Версия',
      key: { select: 'Отчёт/Защита/Ключ', ok: ['работает'], missing: ['не работает'] },
      seats: { used: 'Отчёт/Места/@занято', limit: 'Отчёт/Места/@всего' },
      licenses: { each: 'Отчёт/Лицензии/База', name: 'Название', end: 'Окончание' },
    });
    expect(f).toMatchObject({
      profile: 'default+overrides',
      report_at: '2026-11-28T07:00:00.000Z',
      pk_version: '6.4.5.127',
      key: { state: 'ok', value: 'Работает' },
      seats: { used: 7, limit: 10 },
      databases: [{ name: 'Кодекс: Законодательство', license_end: '2026-12-01' }],
    });
  });

  it('a wildcard root and element text', async () => {
    const f = await facts(fixture('element-text.xml'), {
      report_time: '*/Info/Created',
      sysinfo_version: '*/Info/Version',
      key: { select: '*/License/Key' },
      seats: { used: '*/License/Seats/@used', limit: '*/License/Seats/@max' },
      licenses: { each: '*/Databases/DB', name: 'Name', end: 'Expires' },
    });
    expect(f).toMatchObject({
      key: { state: 'ok' },
      sysinfo_version: '2.1.0',
      seats: { used: 3, limit: 5 },
      databases: [
        { name: 'Кодекс: Законодательство', license_end: '2027-01-15' },
        { name: 'Кодекс: Медицина', license_end: '2026-12-01' },
      ],
    });
  });

  it('the mapping kodeks_xml users are told to write reads their old document', async () => {
    const old = { key: { select: 'status/senselock/@state', ok: ['present', 'ok', '1', 'true'] } };
    expect((await facts(fixture('old-status-absent.xml'), old)).key.state).toBe('missing');
    expect((await facts(fixture('old-status-cp1251.xml'), old)).key.state).toBe('ok');
  });

  it('validates paths like the rest of installations.yaml', () => {
    const r = mappingSchema.safeParse({ key: { select: 'a//b' }, licenses: { each: 'a/b/@c' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['key.select', 'licenses.each']);
  });
});

describe('hostile and broken reports', () => {
  it.each([
    ['billion laughs is refused, not expanded', 'billion-laughs.xml', 'XML_INVALID'],
    ['an external entity is refused', 'xxe.xml', 'XML_INVALID'],
    ['bytes that are not UTF-8', 'not-utf8.xml', 'XML_INVALID'],
    ['malformed XML', 'malformed.xml', 'XML_INVALID'],
  ])('%s', async (_name, file, code) => {
    expect(await failure(fixture(file))).toBe(code);
  });

  it('a well-formed document nested 100,000 deep is XML_INVALID about the document (issue 16.6)', async () => {
    const deep = Buffer.from(`${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`);
    try {
      await readReport(deep, DEFAULT_PROFILE);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ReportError);
      expect((err as ReportError).code).toBe('XML_INVALID');
      expect((err as ReportError).message).toBe(
        'Отчёт sysinfo не разобран: элементы вложены глубже 256 уровней.',
      );
    }
  });

  it('reads a zip holding the XML, as the server answers type=zip', async () => {
    const zip = await zipOf([
      { name: 'readme.txt', content: 'not this' },
      { name: 'SYSINFO.XML', content: sysinfoXml(healthyReport(new Date('2026-11-28T07:00:00Z'))) },
    ]);
    expect((await facts(zip)).key.state).toBe('ok');
  });

  it('refuses a zip bomb by its central directory, before inflating it', async () => {
    // 64 MiB of zeros deflate to ~64 KiB: a ratio no XML report has.
    const zip = new ZipFile();
    zip.addBuffer(Buffer.alloc(64 * 1024 * 1024), 'sysinfo.xml');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    const bomb = Buffer.concat(chunks);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().rss;
    await expect(readReport(bomb, DEFAULT_PROFILE)).rejects.toMatchObject({
      code: 'REPORT_INVALID',
      message: expect.stringContaining('похоже на zip-бомбу'),
    });
    // Nothing close to 64 MiB was ever inflated.
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a zip with too many entries, or without XML, or an XML larger than the limit', async () => {
    const many = await zipOf(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.xml`, content: '<a/>' })));
    expect(await failure(many)).toBe('REPORT_INVALID');
    expect(await failure(await zipOf([{ name: 'sysinfo.db', content: 'SQLite format 3' }]))).toBe(
      'REPORT_INVALID',
    );
    const big = await zipOf([
      { name: 'sysinfo.xml', content: sysinfoXml({ ...healthyReport(new Date()), filler: 300_000 }) },
    ]);
    expect(await failure(big, { maxXmlBytes: 100_000 })).toBe('REPORT_TOO_LARGE');
  });

  it('a zip whose header lies about the size is stopped while inflating', async () => {
    const zip = await zipOf([
      { name: 'sysinfo.xml', content: sysinfoXml({ ...healthyReport(new Date()), filler: 50_000 }) },
    ]);
    // Rewrite the declared uncompressed size (central directory and local header) to 1,000 bytes.
    const cd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(1000, cd + 24);
    zip.writeUInt32LE(1000, 22);
    expect(await failure(zip)).toBe('REPORT_INVALID');
  });
});

describe('the report reader of a run', () => {
  const pool = createParsePool({ concurrency: 1 });
  afterAll(() => pool.close());
  const job = (bytes: Uint8Array) => ({
    bytes,
    profile: DEFAULT_PROFILE,
    limits: {},
    fetchedAt: CTX.fetchedAt.toISOString(),
    timezone: CTX.timezone,
  });

  it('reads a report into facts', async () => {
    const r = await pool.parse(job(fixture('healthy.xml')));
    expect(r).toMatchObject({ ok: true, root: 'sysinfo', facts: { key: { state: 'ok' } } });
  });

  it('a page that is not a report at all is said to be one, not "key missing"', async () => {
    const r = await pool.parse(job(Buffer.from('<html><body>Вход в систему</body></html>')));
    expect(r).toMatchObject({ ok: false, code: 'REPORT_INVALID' });
    if (!r.ok) expect(r.message).toContain('не похож на отчёт sysinfo');
  });

  it('stops a report that takes longer than its check may, and keeps working after', async () => {
    const big = Buffer.from(sysinfoXml({ ...healthyReport(new Date()), filler: 20 * 1024 * 1024 }));
    const r = await pool.parse(job(big), AbortSignal.timeout(30));
    expect(r).toMatchObject({ ok: false, code: 'TIMEOUT' });
    expect((await pool.parse(job(fixture('key-missing.xml')))).ok).toBe(true);
  });

  it('a 200 MB attribute is refused before the parser holds it whole, and the reader keeps working', async () => {
    // The parser streams text in pieces but keeps a tag whole: such a tag would be one 200 MB allocation.
    const huge = Buffer.concat([
      Buffer.from('<sysinfo><x a="'),
      Buffer.alloc(200 * 1024 * 1024, 0x61),
      Buffer.from('"/></sysinfo>'),
    ]);
    const r = await pool.parse(job(huge));
    expect(r).toMatchObject({
      ok: false,
      code: 'REPORT_INVALID',
      message: expect.stringContaining('длиннее 1024 КиБ'),
    });
    expect((await pool.parse(job(fixture('healthy.xml')))).ok).toBe(true);
  }, 60_000);
});
