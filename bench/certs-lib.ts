/**
 * Certificates for the loopback servers of the benchmarks: ECDSA P-256 through the openssl CLI, so the
 * stand-in servers spend ~20× less CPU per handshake than with RSA and the figures measure the client.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A CA and one leaf for `sans` ("DNS:*.bench.test", "IP:127.0.1.1"); undefined when openssl is missing. */
export function ecdsaCerts(
  sans: string[],
): { caPem: string; leaf: { key: string; cert: string } } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'bench-certs-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
    ssl(
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-subj',
      '/CN=SMART bench CA',
      '-days',
      '30',
      '-out',
      'ca.pem',
    );
    ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key');
    ssl('req', '-new', '-key', 'leaf.key', '-subj', '/CN=SMART bench', '-out', 'leaf.csr');
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${sans.join(',')}\n`);
    ssl(
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      'ext.cnf',
      '-out',
      'leaf.pem',
    );
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { caPem: read('ca.pem'), leaf: { key: read('leaf.key'), cert: read('leaf.pem') } };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
