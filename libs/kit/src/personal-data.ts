// Which log fields carry personal data. A key matches when, ignoring case and `_`/`-`, it equals
// one of `sensitiveKeys` or ends with one (patientResidentId, head_name, contactPhone, homeAddress).

export const sensitiveKeys: readonly string[] = Object.freeze([
  // resident ID (身份证号)
  'residentId',
  'idNumber',
  'idNo',
  'idCard',
  'idCardNo',
  'sfzh',
  // name
  'name',
  'fullName',
  // phone
  'phone',
  'phoneNumber',
  'mobile',
  'mobileNo',
  'telephone',
  'tel',
  'email',
  // address
  'address',
  // bank account
  'bankAccount',
  'accountNumber',
  'accountNo',
  'cardNumber',
  'cardNo',
]);

// Keys that end like a personal field but name things, not people, or are network addresses.
// Kept short on purpose: when in doubt a key is redacted, and a service renames its field.
export const notPersonalKeys: readonly string[] = Object.freeze([
  'hostname',
  'serviceName',
  'topicName',
  'fileName',
  'pathname',
  'eventName',
  'checkName',
  'stepName',
  'metricName',
  'spanName',
  'routeName',
  'tableName',
  'schemaName',
  'queueName',
  'jobName',
  'taskName',
  'policyName',
  'programmeName',
  'fundName',
  'providerName',
  'orgName',
  'communityName',
  'townName',
  'typeName',
  'className',
  'methodName',
  'remoteAddress',
  'localAddress',
  'ipAddress',
  'brokerAddress',
]);

const normalise = (key: string): string => key.toLowerCase().replace(/[_-]/g, '');
const sensitive = sensitiveKeys.map(normalise);
const exempt = new Set(notPersonalKeys.map(normalise));

export function isPersonalKey(key: string): boolean {
  const k = normalise(key);
  if (exempt.has(k)) return false;
  return sensitive.some((s) => k === s || k.endsWith(s));
}
