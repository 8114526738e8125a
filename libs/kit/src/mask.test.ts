import { describe, expect, it } from 'vitest';
import { maskName, maskPhone, maskResidentId } from './mask.ts';
import { isPersonalKey } from './personal-data.ts';

describe('masks for display', () => {
  it('keeps the region prefix and last four of a resident ID', () => {
    expect(maskResidentId('320585199001011234')).toBe('3205**********1234');
    expect(maskResidentId('11010519491231002X')).toBe('1101**********002X');
  });

  it('shows a phone number as 138****5678 whatever its spelling', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
  });

  it('keeps only the family name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });
});

describe('isPersonalKey', () => {
  it.each([
    'residentId',
    'patientResidentId',
    'id_number',
    'ID_NUMBER',
    'idCardNo',
    'name',
    'fullName',
    'memberName',
    'headName',
    'phone',
    'contactPhone',
    'mobile',
    'address',
    'homeAddress',
    'bankAccount',
    'accountNumber',
    'cardNumber',
  ])('treats %s as personal', (key) => {
    expect(isPersonalKey(key)).toBe(true);
  });

  it.each(['householdId', 'hostname', 'serviceName', 'topicName', 'remoteAddress', 'amountFen', 'service'])(
    'leaves %s alone',
    (key) => {
      expect(isPersonalKey(key)).toBe(false);
    },
  );
});
