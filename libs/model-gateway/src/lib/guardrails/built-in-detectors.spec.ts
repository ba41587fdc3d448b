import { describe, expect, it } from 'vitest';
import { defaultRules } from './tenant-guardrail-pipeline';
import { maskText } from './compiled-rule';

const rules = defaultRules();
/** The detector ids that fired on `text`. */
const detect = (text: string) => maskText(text, rules).hits.map((hit) => hit.rule.name);
const mask = (text: string) => maskText(text, rules).text;

describe('built-in detectors', () => {
  it.each([
    ['email', 'write to jane.doe+news@mail.example.co.uk today'],
    ['phone', 'call +1 415 555 2671 tomorrow'],
    ['phone', 'call (415) 555-2671'],
    ['phone', 'office +44 20 7946 0958'],
    ['payment_card', 'card 4111 1111 1111 1111 exp 12/29'],
    ['payment_card', 'card 5500-0000-0000-0004'],
    ['payment_card', 'amex 378282246310005'],
    ['iban', 'pay to DE89 3704 0044 0532 0130 00 please'],
    ['iban', 'pay to GB82WEST12345698765432'],
    ['us_ssn', 'ssn 123-45-6789'],
    ['ip_address', 'host 192.168.10.20 is down'],
    ['ip_address', 'v6 2001:db8:85a3::8a2e:370:7334 too'],
    ['aws_access_key', 'key AKIAIOSFODNN7EXAMPLE here'],
    ['private_key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'],
    ['private_key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA'],
    ['github_token', 'token ghp_0123456789abcdefghijABCDEFGHIJ012345'],
    ['slack_token', 'bot xoxb-1234567890-abcdefghijkl'],
    ['stripe_key', 'stripe sk_live_0123456789abcdefABCDEF'],
    ['openai_key', 'OPENAI_API_KEY sk-proj-abc123DEF456ghi789JKL012mno'],
    ['anthropic_key', 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789'],
    ['jwt', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['secret_assignment', 'db password=hunter2!'],
    ['secret_assignment', '{"api_key": "abc123"}'],
  ])('finds %s in %j', (detector, text) => {
    expect(detect(text)).toContain(detector);
    expect(mask(text)).toContain(`[REDACTED:${detector}]`);
  });

  it.each([
    ['a card number failing Luhn', 'order 4111 1111 1111 1112 shipped', 'payment_card'],
    ['an IBAN with a wrong checksum', 'account DE88 3704 0044 0532 0130 00', 'iban'],
    ['a date', 'released on 2026-03-05', 'phone'],
    ['a version', 'upgrade to 1.2.3', 'ip_address'],
    ['an out-of-range IPv4', 'value 999.1.1.1', 'ip_address'],
    ['a time of day', 'meet at 12:30:45', 'ip_address'],
    ['an SSN with area 000', 'id 000-12-3456', 'us_ssn'],
    ['an SSN with area 9xx', 'id 912-12-3456', 'us_ssn'],
    ['a short number', 'room 12-34', 'phone'],
    ['an AWS-like word of the wrong length', 'AKIASHORT', 'aws_access_key'],
    ['a plain word sk-', 'the sk-ateboard is fine', 'openai_key'],
    ['C++ scope', 'use std::vector here', 'ip_address'],
    ['an email-like word without a domain', 'ping me @ home', 'email'],
  ])('ignores %s', (_name, text, detector) => {
    expect(detect(text)).not.toContain(detector);
  });

  it('keeps the name of an assignment and masks only its value', () => {
    expect(mask('export PASSWORD="s3cr3t pass"; echo ok')).toBe('export PASSWORD=[REDACTED:secret_assignment]; echo ok');
    expect(mask('api_key: abc123 next')).toBe('api_key: [REDACTED:secret_assignment] next');
  });

  it('masks a card before the phone pattern can take part of it', () => {
    expect(mask('4111 1111 1111 1111')).toBe('[REDACTED:payment_card]');
  });

  it('leaves ordinary prose alone', () => {
    const prose = 'Summarise the quarterly report: revenue grew 12% to 4.5 million in Q3 2026, see section 2.1.';
    expect(detect(prose)).toEqual([]);
  });

  it('scans a long text in linear time', () => {
    const text = `${'a.'.repeat(50_000)}@ ${'1 '.repeat(50_000)} ${'-'.repeat(50_000)}`;
    const started = performance.now();
    mask(text);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
