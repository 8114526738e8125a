import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { type ConfigError, loadConfig } from './config.ts';
import { secret, secretWeakness } from './secrets.ts';

const Config = Type.Object({
  SEALING_KEY: secret(
    { kind: 'hex32' },
    { default: '6465762d6f6e6c792d6b65792d2d6e6f742d666f722d70726f64756374696f6e' },
  ),
  LINK_SECRET: secret({ kind: 'text' }, { default: 'dev-only-link-secret' }),
  PORT: Type.Integer({ default: 8080 }),
});
const strongHex = () => randomBytes(32).toString('hex');
const strongText = () => randomBytes(32).toString('base64url');

describe('a service’s secrets', () => {
  it('take their public defaults outside production', () => {
    expect(loadConfig(Config, {})).toMatchObject({ LINK_SECRET: 'dev-only-link-secret' });
  });

  it('are required in production, each refusal naming the variable and never the value', () => {
    const problems = (() => {
      try {
        loadConfig(Config, { NODE_ENV: 'production', LINK_SECRET: 'compose-dev-only-link-secret' });
      } catch (err) {
        return (err as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      'SEALING_KEY: required in production (the default is public)',
      expect.stringMatching(/^LINK_SECRET: .*\(refused in production\)$/),
    ]);
    expect(problems.join('\n')).not.toContain('compose-dev-only-link-secret');
  });

  it('are accepted in production when generated: 32 random bytes as hex, or as base64url', () => {
    for (let i = 0; i < 200; i++) {
      const config = loadConfig(Config, {
        NODE_ENV: 'production',
        SEALING_KEY: strongHex(),
        LINK_SECRET: strongText(),
      });
      expect(config.PORT).toBe(8080);
    }
  });

  it('are read from the file <NAME>_FILE names, without its final line break', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-secret-'));
    const key = strongHex();
    writeFileSync(join(dir, 'sealing-key'), `${key}\n`);
    writeFileSync(join(dir, 'link'), strongText());
    const config = loadConfig(Config, {
      NODE_ENV: 'production',
      SEALING_KEY_FILE: join(dir, 'sealing-key'),
      LINK_SECRET_FILE: join(dir, 'link'),
    });
    expect(config.SEALING_KEY).toBe(key);
    expect(() => loadConfig(Config, { SEALING_KEY_FILE: join(dir, 'missing') })).toThrow(
      /SEALING_KEY_FILE: cannot read .*missing \(ENOENT\)/,
    );
  });

  it('are weak when short, words, repeated, text dressed as hex, or a department credential', () => {
    const text = { kind: 'text' } as const;
    const hex = { kind: 'hex32' } as const;
    expect(secretWeakness('Zq4-short', text)).toMatch(/at least 32/);
    expect(secretWeakness('compose-only-receipt-link-key-for-everyone', text)).toMatch(/words/);
    expect(secretWeakness(`${'0f1e2d3c4b5a69788796a5b4c3d2e1f0'.repeat(2)}`, hex)).toMatch(/repeats/);
    expect(secretWeakness(Buffer.from('not-random-but-32-characters-ok!').toString('hex'), hex)).toMatch(
      /text written as hex/,
    );
    expect(secretWeakness(`hms_${strongHex()}`, text)).toMatch(/department credential/);
    expect(secretWeakness('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', text)).toMatch(/distinct/);
    expect(secretWeakness(`${strongText()}Example`, text)).toMatch(/published/);
    expect(secretWeakness(strongText(), text)).toBeUndefined();
    expect(secretWeakness(strongHex(), hex)).toBeUndefined();
  });
});
