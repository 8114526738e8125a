import { describe, expect, it } from 'vitest';
import { migrationChecksum, migrationVersion } from './migration-files.ts';

describe('migrationVersion', () => {
  it('reads the number in front of NNN_name.sql', () => {
    expect(migrationVersion('001_init.sql')).toBe(1);
    expect(migrationVersion('042_add-phone_index.sql')).toBe(42);
  });

  it('rejects names that are not NNN_name.sql', () => {
    expect(migrationVersion('init.sql')).toBeNull();
    expect(migrationVersion('001-init.sql')).toBeNull();
    expect(migrationVersion('001_.sql')).toBeNull();
    expect(migrationVersion('001_init.sql.bak')).toBeNull();
  });
});

describe('migrationChecksum', () => {
  it('is the sha256 of the text', () => {
    expect(migrationChecksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('ignores CRLF versus LF but sees any other change', () => {
    const sql = 'create table a (id int);\ncreate table b (id int);\n';
    expect(migrationChecksum(sql.replaceAll('\n', '\r\n'))).toBe(migrationChecksum(sql));
    expect(migrationChecksum(sql.replace('int', 'bigint'))).not.toBe(migrationChecksum(sql));
  });
});
