/**
 * One scrubber for every secret the process holds. Secrets come from the environment (read once at the
 * edge, by the CLI) or are registered by the code that derives one (a password inside a URL); every output
 * path — the command's stdout/stderr, error texts built from what a server answered, check evidence — runs
 * `scrub` before printing or storing. Scrub first, cut afterwards: a cut never leaves a fragment behind.
 *
 * Not only whole secrets are hidden: any run of at least FRAGMENT characters of one (a prefix a front end
 * echoed, the tail of a truncated header) is masked too, as are the URL-encoded and base64 forms.
 */

/** Shortest run of a secret's characters that is masked on its own (shorter secrets are masked whole). */
export const FRAGMENT = 8;
/** What a masked run becomes. */
export const MASK = '***';

/** The secrets SMART itself reads: masked whatever their length. */
const KNOWN_NAMES = new Set(['GITHUB_TOKEN', 'TELEGRAM_BOT_TOKEN', 'SMTP_URL']);
/** Other environment variables whose value is a secret as a whole (masked when ≥ FRAGMENT characters). */
const SECRET_NAMES = /(^|_)(TOKEN|PASSWORD|PASSWD|SECRET|API_KEY|PRIVATE_KEY|CREDENTIALS|AUTH)$/i;
/** Environment variables holding a URL whose password part is a secret (SMTP_URL=smtp://user:pass@host). */
const URL_NAMES = /(^|_)URL$/i;

/** A set of secrets and the function that hides them in a text. */
export interface Scrubber {
  /** Adds a secret (and its encoded forms); values shorter than 4 characters are ignored. */
  add(secret: string | undefined): void;
  /** Reads the secrets of an environment: *_TOKEN, *_PASSWORD, *_SECRET …, and passwords inside *_URL. */
  addFromEnv(env: Record<string, string | undefined>): void;
  /** `text` with every secret and every run of ≥ FRAGMENT characters of one replaced by MASK. */
  scrub(text: string): string;
}

/** Creates an empty scrubber (tests); the process uses the shared `secrets`. */
export function createScrubber(): Scrubber {
  const whole = new Set<string>();
  const grams = new Set<string>();
  const add = (secret: string | undefined) => {
    if (!secret || secret.length < 4) return;
    const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]);
    for (const s of forms) {
      whole.add(s);
      for (let i = 0; i + FRAGMENT <= s.length; i++) grams.add(s.slice(i, i + FRAGMENT));
    }
  };
  return {
    add,
    addFromEnv(env) {
      for (const [name, value] of Object.entries(env)) {
        if (!value) continue;
        if (SECRET_NAMES.test(name) && (KNOWN_NAMES.has(name) || value.length >= FRAGMENT)) add(value);
        if (URL_NAMES.test(name) && value.includes('@')) {
          try {
            const u = new URL(value);
            add(decodeURIComponent(u.password));
            add(u.password);
          } catch {}
        }
      }
    },
    scrub(text) {
      if (whole.size === 0 || !text) return text;
      let out = text;
      // Whole secrets first (also the short ones, which have no fragments of their own).
      for (const s of [...whole].sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
      if (grams.size === 0 || out.length < FRAGMENT) return out;
      const hidden = new Uint8Array(out.length);
      let any = false;
      for (let i = 0; i + FRAGMENT <= out.length; i++) {
        if (grams.has(out.slice(i, i + FRAGMENT))) {
          hidden.fill(1, i, i + FRAGMENT);
          any = true;
        }
      }
      if (!any) return out;
      let result = '';
      for (let i = 0; i < out.length; i++) {
        if (!hidden[i]) result += out[i];
        else if (i === 0 || !hidden[i - 1]) result += MASK;
      }
      return result;
    },
  };
}

/** The process's secrets: the CLI fills it from the environment; code that derives a secret adds it. */
export const secrets: Scrubber = createScrubber();

/** Hides the process's secrets in `text` (shorthand for `secrets.scrub`). */
export function scrub(text: string): string {
  return secrets.scrub(text);
}

/** Scrubs every string of a flat record (check evidence) in place of copying it by hand. */
export function scrubRecord<T extends Record<string, string | number | boolean | null>>(record: T): T {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(record)) out[k] = typeof v === 'string' ? scrub(v) : v;
  return out as T;
}
