// Display masks for personal data, shared by log redaction and by services that return a
// person's record to a caller whose role does not need the full value (PIPL: mask on display).

/** `320585199001011234` → `3205**********1234`: region prefix and last four stay readable. */
export function maskResidentId(residentId: string): string {
  return keepEnds(residentId, 4, 4);
}

/** `13812345678` → `138****5678`, the form Chinese apps show. Separators and a +86 prefix are dropped. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  return keepEnds(digits, 3, 4);
}

/** `张三` → `张*`, `欧阳娜娜` → `欧***`: the family name stays, enough to greet, not to identify. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(chars.length - 1, 1));
}

function keepEnds(value: string, head: number, tail: number): string {
  if (value.length <= head + tail) return '*'.repeat(value.length);
  return value.slice(0, head) + '*'.repeat(value.length - head - tail) + value.slice(-tail);
}
