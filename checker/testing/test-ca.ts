import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A key and certificate in PEM, ready for https.createServer. */
export interface KeyCert {
  key: string;
  cert: string;
}

/** A throwaway certificate authority for tests: trust `caPem`, serve certificates from `issue`. */
export interface TestCa {
  caPem: string;
  /** Issues a leaf certificate for `hosts` (names or IPs), valid from `notBefore` to `notAfter`. */
  issue: (opts: { hosts: string[]; notBefore?: Date; notAfter?: Date }) => KeyCert;
}

const DAY = 86_400_000;

function rsaKeys(): forge.pki.rsa.KeyPair {
  // Native key generation: node-forge's pure-JS RSA keygen takes seconds.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: priv, publicKey: forge.pki.setRsaPublicKey(priv.n, priv.e) };
}

function serial(): string {
  return `01${randomBytes(8).toString('hex')}`;
}

/** Creates a test CA (node-forge certificates over natively generated RSA keys). */
export function createTestCa(name = 'SMART test CA'): TestCa {
  const caKeys = rsaKeys();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  ca.validity.notBefore = new Date(Date.now() - DAY);
  ca.validity.notAfter = new Date(Date.now() + 3650 * DAY);
  const caName = [{ name: 'commonName', value: name }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(ca);
  // One leaf key for all leaves keeps tests fast; certificates differ, which is what the probes look at.
  const leafKeys = rsaKeys();
  const leafKeyPem = forge.pki.privateKeyToPem(leafKeys.privateKey);

  return {
    caPem,
    issue({ hosts, notBefore = new Date(Date.now() - DAY), notAfter = new Date(Date.now() + 365 * DAY) }) {
      const cert = forge.pki.createCertificate();
      cert.publicKey = leafKeys.publicKey;
      cert.serialNumber = serial();
      cert.validity.notBefore = notBefore;
      cert.validity.notAfter = notAfter;
      cert.setSubject([{ name: 'commonName', value: hosts[0] ?? 'localhost' }]);
      cert.setIssuer(ca.subject.attributes);
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
        },
      ]);
      cert.sign(caKeys.privateKey, forge.md.sha256.create());
      return { key: leafKeyPem, cert: forge.pki.certificateToPem(cert) };
    },
  };
}

/** A self-signed certificate that no CA vouches for (for "untrusted chain" tests). */
export function selfSigned(hosts: string[]): KeyCert {
  const other = createTestCa('Untrusted self-made CA');
  return other.issue({ hosts });
}
