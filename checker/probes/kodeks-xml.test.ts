import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../probing/run-checks.ts';
import { testConfig } from '../testing/config.ts';
import { type LocalServer, startHttpServer } from '../testing/http-server.ts';
import { judgeXml } from './kodeks-xml.ts';

const fixture = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const DEFAULT = { select: 'status/senselock/@state', ok: ['present', 'ok', '1', 'true'] };

describe('judgeXml on fixtures', () => {
  const cases: [string, string, { select: string; ok: string[] }, string][] = [
    ['key present (default format)', 'status-present.xml', DEFAULT, 'ok OK'],
    ['key absent', 'status-absent.xml', DEFAULT, 'fail KEY_MISSING'],
    ['no key node', 'status-no-key-node.xml', DEFAULT, 'fail XML_NOT_FOUND'],
    [
      'element text, case-insensitive value',
      'license-element-text.xml',
      { select: 'KodeksStatus/License/Key', ok: ['ok'] },
      'ok OK',
    ],
    [
      'element names matched case-insensitively',
      'license-element-text.xml',
      { select: 'kodeksstatus/license/key', ok: ['OK'] },
      'ok OK',
    ],
    ['billion laughs is refused, not expanded', 'billion-laughs.xml', DEFAULT, 'fail XML_INVALID'],
    ['XXE to a local file is refused', 'xxe.xml', DEFAULT, 'fail XML_INVALID'],
    ['windows-1251 document', 'status-cp1251.xml', DEFAULT, 'ok OK'],
    ['bytes that are not UTF-8', 'not-utf8.xml', DEFAULT, 'fail XML_INVALID'],
    ['malformed XML', 'malformed.xml', DEFAULT, 'fail XML_INVALID'],
  ];
  it.each(cases)('%s', (_name, file, settings, expected) => {
    const r = judgeXml(fixture(file), settings);
    expect(`${r.status} ${r.code}`).toBe(expected);
    expect(r.message).toMatch(/[А-Яа-я]/);
  });

  it('never puts the content of a local file into the result', () => {
    const r = judgeXml(fixture('xxe.xml'), DEFAULT);
    expect(JSON.stringify(r)).not.toContain('root:');
  });

  it('reports the value that did not count as present', () => {
    expect(judgeXml(fixture('status-absent.xml'), DEFAULT).evidence?.value).toBe('absent');
  });
});

describe('kodeks_xml over HTTP', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url === '/status.xml') return void res.end(fixture('status-absent.xml'));
      if (req.url === '/huge.xml') {
        // 100 MB, streamed: the probe must stop at its cap, not buffer it all.
        res.writeHead(200, { 'content-type': 'application/xml' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 100 && res.write(chunk)) sent++;
          if (sent >= 100) res.end();
          else res.once('drain', pump);
        };
        res.on('close', () => {
          sent = 100;
        });
        return pump();
      }
      res.writeHead(404).end();
    });
  });
  afterAll(() => server?.close());

  const run = async (path: string) => {
    const config = testConfig([
      { id: 'main', url: `http://127.0.0.1:${server.port}/`, probes: { kodeks_xml: { path } } },
    ]);
    const results = await runChecks(config);
    return results.installations[0]!.checks.kodeks_xml!;
  };

  it('reads the key state from the server', async () => {
    expect(await run('/status.xml')).toMatchObject({ status: 'fail', code: 'KEY_MISSING' });
  });
  it('stops reading a 100 MB answer at the body cap', async () => {
    expect(await run('/huge.xml')).toMatchObject({ status: 'fail', code: 'HTTP_BODY_TOO_LARGE' });
  });
  it('a missing document is an HTTP status failure, not a missing key', async () => {
    const r = await run('/nope.xml');
    expect(r).toMatchObject({ status: 'fail', code: 'HTTP_STATUS' });
    expect(r.message).not.toMatch(/127\.0\.0\.1|http:/);
  });
});
