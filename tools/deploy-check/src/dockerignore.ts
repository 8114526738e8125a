/**
 * A .dockerignore as a predicate on paths relative to the build context ('/'-separated).
 * Supports what ours uses: `*`, `**`, leading `**\/`, and `!` exceptions, last match wins.
 */
export function dockerignoreMatcher(text: string): (relativePath: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      return { negated, regex: patternRegex(pattern) };
    });
  return (relativePath) => {
    const segments = relativePath.split('/');
    let ignored = false;
    for (const rule of rules) {
      // A pattern matching a parent folder excludes everything inside it.
      for (let i = 1; i <= segments.length; i += 1) {
        if (rule.regex.test(segments.slice(0, i).join('/'))) {
          ignored = !rule.negated;
          break;
        }
      }
    }
    return ignored;
  };
}

function patternRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (pattern.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (pattern.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
