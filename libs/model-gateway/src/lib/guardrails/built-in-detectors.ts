import { isIPv6 } from 'node:net';
import luhn from 'fast-luhn';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';

/**
 * The built-in detectors. Hand-written patterns, because the npm detection libraries did not fit:
 * `@secretlint/*` lints files asynchronously through rule presets (we need a synchronous pass over
 * strings for `redactForStorage`), and the regex PII packages (`@redactpii/node`, `openredaction`)
 * are young, little used and give no per-kind control. Checksums use maintained libraries:
 * `fast-luhn` (payment cards) and `ibantools` (IBAN mod-97). Every pattern uses bounded or
 * non-overlapping quantifiers so a scan stays linear in practice; each has tests for true and
 * false positives (built-in-detectors.spec.ts).
 */
export interface Detector {
  /** Stable id: what rules name in `detector` and what masks say (`[REDACTED:email]`). */
  id: string;
  kind: 'pii' | 'secret';
  description: string;
  pattern: RegExp;
  /** A second look at a candidate match (checksums, ranges); absent = every match counts. */
  validate?: (match: string) => boolean;
  /** When set, only this capture group is replaced (keeps `password=` and masks what follows). */
  maskGroup?: number;
}

const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);

function digits(text: string): string {
  return text.replace(/\D/g, '');
}

/** In masking order: secrets first (they contain digit runs the PII patterns would also match), phone last. */
export const BUILT_IN_DETECTORS: readonly Detector[] = [
  {
    id: 'private_key',
    kind: 'secret',
    description: 'PEM private key blocks (RSA, EC, OpenSSH, PGP, ...), also when the END line is missing',
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,-]*)/g,
  },
  {
    id: 'aws_access_key',
    kind: 'secret',
    description: 'AWS access key ids (AKIA…, ASIA…)',
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g,
  },
  {
    id: 'github_token',
    kind: 'secret',
    description: 'GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
  },
  {
    id: 'slack_token',
    kind: 'secret',
    description: 'Slack tokens (xoxb-, xoxp-, ...) and incoming-webhook URLs',
    pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,250}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,200}/g,
  },
  {
    id: 'stripe_key',
    kind: 'secret',
    description: 'Stripe secret and restricted keys (sk_live_, rk_test_, ...) and webhook secrets',
    pattern: /\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}|whsec_[A-Za-z0-9]{24,64})\b/g,
  },
  {
    id: 'anthropic_key',
    kind: 'secret',
    description: 'Anthropic API keys (sk-ant-…)',
    pattern: /\bsk-ant-[A-Za-z0-9]{2,12}-[A-Za-z0-9_-]{20,300}/g,
  },
  {
    id: 'openai_key',
    kind: 'secret',
    description: 'OpenAI API keys (sk-…, sk-proj-…, sk-svcacct-…)',
    pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,300}/g,
    validate: (match) => /[0-9]/.test(match) && /[A-Za-z]/.test(match.slice(3)),
  },
  {
    id: 'jwt',
    kind: 'secret',
    description: 'JSON Web Tokens (three base64url parts, header and payload JSON)',
    pattern: /\beyJ[A-Za-z0-9_-]{5,4096}\.eyJ[A-Za-z0-9_-]{5,16384}\.[A-Za-z0-9_-]{10,4096}/g,
  },
  {
    id: 'secret_assignment',
    kind: 'secret',
    description: 'Assignments of passwords, secrets, API keys and tokens (`password=…`, `"api_key": "…"`); the value is masked',
    pattern:
      /\b(?:password|passwd|pwd|secret|client[_-]?secret|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token|private[_-]?key)["']?\s*[:=]\s*("[^"\n]{1,512}"|'[^'\n]{1,512}'|[^\s"',;&]{1,512})/gi,
    maskGroup: 1,
  },
  {
    id: 'payment_card',
    kind: 'pii',
    description: 'Payment card numbers (13–19 digits, spaces or dashes allowed) passing the Luhn check',
    pattern: /(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])/g,
    validate: (match) => {
      const number = digits(match);
      return number.length >= 13 && number.length <= 19 && /^[2-6]/.test(number) && luhn(number);
    },
  },
  {
    id: 'iban',
    kind: 'pii',
    description: 'International bank account numbers passing the ISO 13616 mod-97 checksum',
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g,
    validate: (match) => {
      const electronic = electronicFormatIBAN(match);
      return electronic !== null && isValidIBAN(electronic);
    },
  },
  {
    id: 'us_ssn',
    kind: 'pii',
    description: 'US social security numbers written AAA-GG-SSSS (invalid area/group/serial ranges excluded)',
    pattern: /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g,
  },
  {
    id: 'ip_address',
    kind: 'pii',
    description: 'IPv4 and IPv6 addresses',
    pattern: new RegExp(`(?<![\\w.])${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}(?![\\w.])|(?<![\\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:])`, 'g'),
    validate: (match) => IPV4.test(match) || (isIPv6(match) && (match.match(/[0-9A-Fa-f]/g)?.length ?? 0) >= 3),
  },
  {
    id: 'email',
    kind: 'pii',
    description: 'Email addresses',
    pattern: /\b[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}\b/g,
  },
  {
    id: 'phone',
    kind: 'pii',
    description: 'Phone numbers with separators or a + country code (9–15 digits)',
    pattern: /(?<![\w+.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?|\d{1,4}[ .-])(?:\d{2,4}[ .-]){0,3}\d{2,4}(?![\w.-])/g,
    validate: (match) => {
      const count = digits(match).length;
      if (count < 9 || count > 15) return false;
      // Dotted quads are addresses, and date-like 4-2-2 groups are dates.
      return !IPV4.test(match) && !/^\d{4}-\d{2}-\d{2}$/.test(match);
    },
  },
];

export const BUILT_IN_DETECTOR_IDS = BUILT_IN_DETECTORS.map((detector) => detector.id);

export function builtInDetector(id: string): Detector | undefined {
  return BUILT_IN_DETECTORS.find((detector) => detector.id === id);
}
