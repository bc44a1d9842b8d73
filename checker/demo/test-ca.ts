/**
 * A throwaway certificate authority for the demo's fake HTTPS servers: generated at start, trusted only by
 * the demo's own checks (passed to the probes as extra CA certificates), never installed anywhere.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** A CA certificate and the key that signs server certificates. */
export interface TestCa {
  /** The CA certificate in PEM: what the checker is told to trust. */
  certPem: string;
  key: forge.pki.rsa.PrivateKey;
  cert: forge.pki.Certificate;
}

/** A server certificate and its key, in PEM, ready for `https.createServer`. */
export interface ServerCert {
  cert: string;
  key: string;
}

const DAY = 86_400_000;

/** An RSA-2048 key pair, generated natively (forge's pure-JS generator takes seconds). */
function keyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function serial(): string {
  // Positive 16-byte serial in hex.
  return `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
}

/** Creates a CA valid from yesterday for `days` days. */
export function createTestCa(now: Date = new Date(), days = 30): TestCa {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - DAY);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY);
  const subject = [{ name: 'commonName', value: 'SMART demo CA' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), key: keys.privateKey, cert };
}

/**
 * Issues a server certificate for the DNS names (and 127.0.0.1, so requests by IP with the domain's SNI
 * and requests straight to the address both verify), valid from yesterday for `days` days.
 */
export function issueServerCert(ca: TestCa, names: string[], now: Date = new Date(), days = 90): ServerCert {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - DAY);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY);
  cert.setSubject([{ name: 'commonName', value: names[0] ?? 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...names.map((value) => ({ type: 2, value })), { type: 7, ip: '127.0.0.1' }],
    },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}
