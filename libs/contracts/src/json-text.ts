/**
 * JSON text laid out the way the repository's formatter (Biome, line width 110) lays it out:
 * objects one property per line, arrays of plain values on one line when they fit. Generated files
 * (the AsyncAPI document, schema snapshots) then pass `biome check` without a formatting step.
 */
export function jsonText(value: unknown, lineWidth = 110): string {
  return `${render(value, '', 0, lineWidth)}\n`;
}

// `reserved` is the width taken on the value's line by what precedes it and the comma after it.
function render(value: unknown, indent: string, reserved: number, lineWidth: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const flat = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (reserved + flat.length <= lineWidth) return flat;
    }
    const items = value.map(
      (item, i) => `${inner}${render(item, inner, inner.length + comma(i, value.length), lineWidth)}`,
    );
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item], i) => {
    const head = `${inner}${JSON.stringify(key)}: `;
    return `${head}${render(item, inner, head.length + comma(i, entries.length), lineWidth)}`;
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** The comma after every item but the last shares the item's line, so it counts against the width. */
function comma(index: number, count: number): number {
  return index < count - 1 ? 1 : 0;
}
