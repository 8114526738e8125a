import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';

// A resident ID with a valid check character (GB 11643) in region 990000, which is assigned to no
// real place, so it can never be a real resident's number.
const residentId = '99000019900101005X';
const phone = '13812345678';
const name = '张三丰';

function capture(): { logger: Logger; output: () => string } {
  const lines: string[] = [];
  const logger = createLogger({
    name: 'kit-test',
    level: 'trace',
    destination: { write: (line) => lines.push(line) },
  });
  return { logger, output: () => lines.join('') };
}

function expectNoPersonalData(output: string): void {
  expect(output).not.toContain(residentId);
  expect(output).not.toContain(residentId.slice(0, 17)); // not even without its check character
  expect(output).not.toContain(phone);
  expect(output).not.toContain(name);
}

describe('createLogger redaction', () => {
  it('writes JSON lines with level, service and message', () => {
    const { logger, output } = capture();
    logger.info({ householdId: 'hh-1' }, 'household seen');
    const line = JSON.parse(output());
    expect(line).toMatchObject({
      level: 'info',
      service: 'kit-test',
      householdId: 'hh-1',
      msg: 'household seen',
    });
  });

  it('redacts personal fields at the top level', () => {
    const { logger, output } = capture();
    logger.info({ residentId, name, phone, householdId: 'hh-1' }, 'member added');
    expectNoPersonalData(output());
    const line = JSON.parse(output());
    expect(line).toMatchObject({
      residentId: '[REDACTED]',
      name: '[REDACTED]',
      phone: '[REDACTED]',
      householdId: 'hh-1',
    });
  });

  it('redacts personal fields nested at any depth and inside arrays', () => {
    const { logger, output } = capture();
    logger.info(
      {
        household: {
          head_name: name,
          members: [
            { memberName: name, patientResidentId: residentId, contact: { mobile: phone } },
            { relation: 'spouse', id_number: residentId },
          ],
        },
        payout: { bankAccount: '6222020200112233445', amountFen: 104500 },
        homeAddress: { town: '城厢镇', street: '新华路1号' },
      },
      'household projected',
    );
    const out = output();
    expectNoPersonalData(out);
    expect(out).not.toContain('6222020200112233445');
    expect(out).not.toContain('新华路1号');
    const line = JSON.parse(out);
    expect(line.household.members[0]).toEqual({
      memberName: '[REDACTED]',
      patientResidentId: '[REDACTED]',
      contact: { mobile: '[REDACTED]' },
    });
    expect(line.household.members[1].relation).toBe('spouse');
    expect(line.payout.amountFen).toBe(104500);
  });

  it('masks resident IDs and phone numbers in any string: the message, unknown keys, arrays', () => {
    const { logger, output } = capture();
    logger.warn(
      { note: `claim for ${residentId}`, callers: [`+86 138-1234-5678`, phone] },
      `lookup ${residentId} by ${phone}`,
    );
    const out = output();
    expectNoPersonalData(out);
    expect(out).not.toContain('138-1234-5678');
    const line = JSON.parse(out);
    expect(line.msg).toBe('lookup 9900**********005X by 138****5678');
    expect(line.callers).toEqual(['138****5678', '138****5678']);
  });

  it('masks a phone number logged as a bare JSON number and keeps the line valid JSON', () => {
    const { logger, output } = capture();
    logger.info({ contact: Number(phone), count: 3 }, 'contact');
    const line = JSON.parse(output());
    expect(line.contact).toBe('138****5678');
    expect(line.count).toBe(3);
  });

  it('keeps personal data out of logged errors: message, stack and properties', () => {
    const { logger, output } = capture();
    const err = new AppError(
      'MEMBER_CONFLICT',
      `resident ${residentId} (tel ${phone}) is in two households`,
      {
        members: [{ fullName: name, residentId }],
      },
    );
    logger.error({ err }, 'projection failed');
    logger.error(new Error(`no household for ${residentId}`));
    const out = output();
    expectNoPersonalData(out);
    const [first, second] = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(first.err.message).toBe('resident 9900**********005X (tel 138****5678) is in two households');
    expect(first.err.stack).toContain('9900**********005X');
    expect(first.err.details.members[0]).toEqual({ fullName: '[REDACTED]', residentId: '[REDACTED]' });
    expect(second.err.type).toBe('Error');
  });

  it('redacts personal fields in child logger bindings', () => {
    const { logger, output } = capture();
    logger.child({ residentId, alertId: 'a-1' }).info('alert opened');
    expectNoPersonalData(output());
    expect(JSON.parse(output())).toMatchObject({ residentId: '[REDACTED]', alertId: 'a-1' });
  });

  it('leaves technical names and ordinary numbers alone', () => {
    const { logger, output } = capture();
    logger.info(
      { topicName: 'huimin.risk.household', serviceName: 'risk', amountFen: 1900000, offset: 12345678901234 },
      'x',
    );
    expect(JSON.parse(output())).toMatchObject({
      topicName: 'huimin.risk.household',
      serviceName: 'risk',
      amountFen: 1900000,
      offset: 12345678901234,
    });
  });
});
