import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { cardBrand } from '../../src/security/pii/index.js';
import { fake, found, matched } from './pii-helpers.js';

/** Text every detector must leave alone: dates, times, versions, ids, amounts. */
const ORDINARY = [
  '2024-01-15', '2024-01-15T10:30:00Z', '2024-01-15T10:30:00.123+01:00', '2024-01-15 10:30:00', '15.01.2024 10:30',
  '01/15/2024', 'Mon, 15 Jan 2024 10:30:00 GMT', '20240115103000', '1700000000', '1700000000000', '1700000000000000',
  'v1.2.3', '1.2.3-beta.4', '10.15.7', '192.168.1.1', '2001:db8::1', '1.2.3.4.5.6.7.8.9.10.11',
  '550e8400-e29b-41d4-a716-446655440000', '12345678-1234-1234-1234-123456789012', 'd41d8cd98f00b204e9800998ecf8427e',
  '$1,299.99', 'EUR 1.299,99', '12 345 678 901', 'order 12345678', 'order #123-456-7890', 'ORD-555-123-4567',
  'invoice INV-2024-000123', 'qty 3 x 19.99', 'page 12 of 345', '0.30000000000000004', '0.4111111111111111',
  'phone: 555-1234', 'call 123-456-7890', 'user@localhost', 'a@b', '@scope/pkg@1.2.3', 'max_tokens=1000',
  'password: must be at least 8 characters', 'token: abc', 'secret: ${DB_SECRET}', 'password=***', 'password=<secret>',
  'sk-some-long-kebab-case-identifier-name', 'a task-force-123456789012345678901', 'PWD=/home/alice',
];

describe('PII detectors leave ordinary text alone', () => {
  for (const text of ORDINARY) {
    it(`nothing in ${JSON.stringify(text)}`, () => assert.deepEqual(found(text), []));
  }
});

describe('email', () => {
  it('finds practical addresses', () => {
    assert.deepEqual(matched('mail john.doe+tag@example.co.uk, "Jane.Doe@Example.COM".', 'email'), [
      'john.doe+tag@example.co.uk',
      'Jane.Doe@Example.COM',
    ]);
    assert.deepEqual(matched('<mailto:ops_team@mail.xn--p1ai>', 'email'), ['ops_team@mail.xn--p1ai']);
    assert.deepEqual(matched('end of sentence bob@example.org.', 'email'), ['bob@example.org']);
    assert.deepEqual(matched('internationalised josé@bücher.de and иван@почта.рф', 'email'), ['josé@bücher.de', 'иван@почта.рф']);
  });
  it('needs a TLD and a sane local part', () => {
    for (const text of ['a@b', 'user@localhost', 'pkg@1.2.3', 'x@1.2.3.4', '.@example.com', 'a..b@example.com', `${'a'.repeat(65)}@example.com`]) {
      assert.deepEqual(matched(text, 'email'), [], text);
    }
  });
});

describe('phone', () => {
  it('finds E.164 and national formats, with what matched', () => {
    assert.deepEqual(found('Call (555) 123-4567, 555.123.4567 or 1-800-555-0199.'), [
      'phone:nanp:(555) 123-4567',
      'phone:nanp:555.123.4567',
      'phone:nanp:1-800-555-0199',
    ]);
    assert.deepEqual(found('+1 (555) 123-4567; +44 20 7946 0958; +44 (0)20 7946 0958; tel:+14155552671'), [
      'phone:e164:+1 (555) 123-4567',
      'phone:e164:+44 20 7946 0958',
      'phone:e164:+44 (0)20 7946 0958',
      'phone:e164:+14155552671',
    ]);
    assert.deepEqual(found('UK 020 7946 0958, mobile 07700 900123, FR 01 23 45 67 89, DE 030 12345678, NL 06-12345678, 0044 20 7946 0958'), [
      'phone:national:020 7946 0958',
      'phone:national:07700 900123',
      'phone:national:01 23 45 67 89',
      'phone:national:030 12345678',
      'phone:national:06-12345678',
      'phone:international:0044 20 7946 0958',
    ]);
  });
  it('finds a number in parentheses and next to other numbers split by spaces', () => {
    assert.deepEqual(matched('(555-123-4567)', 'phone'), ['555-123-4567']);
    assert.deepEqual(matched('ID 42 555-123-4567 2', 'phone'), ['555-123-4567']);
  });
  it('does not report unformatted digits, numbers glued to letters, or mixed separators in a national number', () => {
    for (const text of ['5551234567', '02079460958', 'x+14155552671', 'a555-123-4567', '555-123-4567b', '01-02-2024 12', '+1 1 1 1 1 1 1 1 1']) {
      assert.deepEqual(matched(text, 'phone'), [], text);
    }
  });
  it('reports a card as a card, not a phone, even when only phones are asked for', () => {
    assert.deepEqual(found('4111 1111 1111 1111'), ['payment_card:visa:4111 1111 1111 1111']);
    assert.deepEqual(matched('+4111111111111111 4111 1111 1111 1111', 'phone'), []);
  });
});

describe('payment_card', () => {
  it('finds Luhn-valid numbers in the ways cards are printed, with the brand', () => {
    assert.deepEqual(found('visa 4111111111111111, 4012-8888-8888-1881, mc 5555 5555 5555 4444, 2223003122003222'), [
      'payment_card:visa:4111111111111111',
      'payment_card:visa:4012-8888-8888-1881',
      'payment_card:mastercard:5555 5555 5555 4444',
      'payment_card:mastercard:2223003122003222',
    ]);
    assert.deepEqual(found('amex 3782 822463 10005, diners 3056 930902 5904, discover 6011111111111117, jcb 3530111333300000'), [
      'payment_card:amex:3782 822463 10005',
      'payment_card:diners:3056 930902 5904',
      'payment_card:discover:6011111111111117',
      'payment_card:jcb:3530111333300000',
    ]);
    assert.deepEqual(found('visa-13 4222222222222 unionpay 6200000000000005'), [
      'payment_card:visa:4222222222222',
      'payment_card:unionpay:6200000000000005',
    ]);
  });
  it('finds the card before an expiry date and reports an unknown issuer only when printed like a card', () => {
    assert.deepEqual(matched('4111 1111 1111 1111 12/29', 'payment_card'), ['4111 1111 1111 1111']);
    assert.deepEqual(found('8888 8888 8888 8888'), ['payment_card::8888 8888 8888 8888']);
    assert.deepEqual(matched('8888888888888888', 'payment_card'), []);
  });
  it('never reports a Luhn-invalid number, or a card-like part of a longer number', () => {
    for (const text of ['4111 1111 1111 1112', '4111111111111112', '0000 0000 0000 0000', '4111 1111 1111 1111 123', '12-4111111111111111', '0.4111111111111111', 'x4111111111111111']) {
      assert.deepEqual(matched(text, 'payment_card'), [], text);
    }
  });
  it('knows the brands', () => {
    assert.equal(cardBrand('378282246310005'), 'amex');
    assert.equal(cardBrand('5105105105105100'), 'mastercard');
    assert.equal(cardBrand('1234567812345670'), undefined);
  });
});

describe('iban', () => {
  it('finds valid IBANs, compact or in groups of four, with the country', () => {
    assert.deepEqual(found('pay to DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432.'), [
      'iban:DE:DE89 3704 0044 0532 0130 00',
      'iban:GB:GB82WEST12345698765432',
    ]);
    assert.deepEqual(matched('FR1420041010050500013M02606 NL91 ABNA 0417 1643 00 NO9386011117947 MT84MALT011000012345MTLCAST001S', 'iban'), [
      'FR1420041010050500013M02606',
      'NL91 ABNA 0417 1643 00',
      'NO9386011117947',
      'MT84MALT011000012345MTLCAST001S',
    ]);
  });
  it('rejects wrong check digits, wrong lengths, unknown countries and lower case', () => {
    for (const text of ['DE88370400440532013000', 'DE89 3704 0044 0532 0130 0', 'DE8937040044053201300011', 'XX89370400440532013000', 'de89370400440532013000', 'DE89 37040044 0532 0130 00']) {
      assert.deepEqual(matched(text, 'iban'), [], text);
    }
  });
});

describe('national_id', () => {
  it('finds US SSNs within the SSA rules, bare ones only next to "SSN"', () => {
    assert.deepEqual(found('SSN 123-45-6789, 123 45 6789; ssn: 123456789'), [
      'national_id:us_ssn:123-45-6789',
      'national_id:us_ssn:123 45 6789',
      'national_id:us_ssn:123456789',
    ]);
    for (const text of ['000-12-3456', '666-12-3456', '900-12-3456', '123-00-4567', '123-45-0000', '078-05-1120', '123-45-6789-0', 'id 123456789']) {
      assert.deepEqual(matched(text, 'national_id'), [], text);
    }
  });
  it('finds UK National Insurance numbers within the prefix rules', () => {
    assert.deepEqual(found('NI AB123456C / AB 12 34 56 D'), ['national_id:uk_nino:AB123456C', 'national_id:uk_nino:AB 12 34 56 D']);
    for (const text of ['QQ123456C', 'DA123456A', 'AO123456A', 'GB123456A', 'ZZ123456A', 'AB123456E', 'AB123456', 'xAB123456C']) {
      assert.deepEqual(matched(text, 'national_id'), [], text);
    }
  });
  it('finds Dutch BSNs (11-proof) next to "BSN"', () => {
    assert.deepEqual(found('BSN: 111222333'), ['national_id:nl_bsn:111222333']);
    assert.deepEqual(matched('BSN: 111222334', 'national_id'), []);
    assert.deepEqual(matched('ref 111222333', 'national_id'), []);
  });
  it('finds Aadhaar numbers (Verhoeff), grouped or next to "Aadhaar"', () => {
    assert.deepEqual(found('2345 6789 0124 and aadhaar 498765432102'), ['national_id:in_aadhaar:2345 6789 0124', 'national_id:in_aadhaar:498765432102']);
    for (const text of ['2345 6789 0125', '1345 6789 0124', 'ref 498765432102']) assert.deepEqual(matched(text, 'national_id'), [], text);
  });
});

describe('secret', () => {
  const jwt = fake('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.eyJzdWIiOiJhbGljZSJ9', '.c2lnbmF0dXJl');
  it('finds provider keys and tokens', () => {
    const text = [
      fake('AKIA', 'IOSFODNN7EXAMPLE'),
      fake('ASIA', 'Y34FZKBOKMUTVV7A'),
      fake('ghp_', 'aB3'.repeat(12)),
      fake('github_pat_', '11ABCDEFG0', 'x'.repeat(70)),
      fake('xoxb-', '1234567890-abcdefghij'),
      fake('sk-ant-', 'api03-', 'AbCd1234'.repeat(4)),
      fake('sk-proj-', 'AbCd1234'.repeat(4)),
      fake('AIza', 'SyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI'),
      fake('sk_live_', 'abcDEF123456ghiJKL'),
      fake('rk_live_', 'abcDEF123456ghiJKL'),
      jwt,
    ].join(' ');
    assert.deepEqual(
      detectDetails(text),
      ['aws_access_key', 'aws_access_key', 'github_token', 'github_token', 'slack_token', 'anthropic_api_key', 'openai_api_key', 'google_api_key', 'stripe_secret_key', 'stripe_secret_key', 'jwt'],
    );
  });
  it('finds PEM private keys, also without their footer', () => {
    const pem = fake('-----BEGIN RSA PRIVATE', ' KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----');
    assert.deepEqual(matched(`key:\n${pem}\nend`, 'secret'), [pem]);
    const cut = fake('-----BEGIN OPENSSH PRIVATE', ' KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA');
    assert.deepEqual(matched(`x ${cut}`, 'secret'), [cut]);
    assert.deepEqual(matched('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', 'secret'), []);
  });
  it('finds Azure keys, SAS signatures, bearer tokens and URL passwords, reporting only the secret part', () => {
    const key = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
    assert.deepEqual(matched(`AccountName=dev;${fake('Account', 'Key=', key)};EndpointSuffix=core.windows.net`, 'secret'), [key]);
    assert.deepEqual(matched(`Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=r;${fake('SharedAccess', 'Key=', key)}`, 'secret'), [key]);
    assert.deepEqual(matched('https://a.blob.core.windows.net/c?sv=2022-11-02&sig=AbCdEf1234567890%2BabcdEFGH%3D', 'secret'), ['AbCdEf1234567890%2BabcdEFGH%3D']);
    assert.deepEqual(matched('Authorization: Bearer abcDEF1234567890ghiJKL', 'secret'), ['abcDEF1234567890ghiJKL']);
    assert.deepEqual(matched('postgres://app:pa55word@db.example.com/main', 'secret'), ['pa55word']);
  });
  it('checks that a JWT header is JSON with an alg', () => {
    assert.deepEqual(detectDetails(`Bearer ${jwt}`), ['jwt']);
    const noAlg = `${Buffer.from('{"typ":"JWT"}').toString('base64url')}.eyJzdWIiOiJ4In0.c2ln`;
    assert.deepEqual(detectDetails(noAlg), []);
    assert.deepEqual(detectDetails('eyJhbGci.notbase64json.x'), []);
  });
  it('finds password=/api_key:/secret: assignments with a real value, and only the value', () => {
    assert.deepEqual(matched('password=hunter22 api_key: "abc123xyz" client_secret=Zm9vYmFy', 'secret'), ['hunter22', 'abc123xyz', 'Zm9vYmFy']);
    assert.deepEqual(matched('{"password":"hunter2!","user":"bob"}', 'secret'), ['hunter2!']);
    assert.deepEqual(matched('db:\n  password: s3cr3t-Value\n  host: db', 'secret'), ['s3cr3t-Value']);
    assert.deepEqual(matched('export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'secret'), ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']);
    assert.deepEqual(matched('curl "https://api.example.com/v1?api_key=9f8e7d6c5b4a&q=1"', 'secret'), ['9f8e7d6c5b4a']);
  });
  it('ignores placeholders, prose, look-alike names and short values', () => {
    for (const text of ['password: ${DB_PASSWORD}', 'password=""', "password='********'", 'secret: <your secret here>', 'password: too short, try again', 'token_count=12345', 'bypass=enabled', 'pwd=abc', 'password == other', 'token=abc']) {
      assert.deepEqual(matched(text, 'secret'), [], text);
    }
  });
});

function detectDetails(text: string): string[] {
  return found(text, ['secret']).map((entry) => entry.split(':')[1]!);
}
