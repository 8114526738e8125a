import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * What a service's image must be able to load: every module under src/ except the entry point,
 * CLIs and tests (importing those would run them), as `./src/...` paths, plus the packages its
 * main.ts imports. Loading them from the image layout proves every runtime import resolves to a
 * production dependency.
 */
export function serviceModules(serviceDir: string): string[] {
  const modules: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'cli' && entry.name !== 'node_modules') walk(path);
      } else if (
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.test.ts') &&
        !entry.name.endsWith('.d.ts')
      ) {
        const rel = relative(serviceDir, path).split(sep).join('/');
        if (rel !== 'src/main.ts') modules.push(`./${rel}`);
      }
    }
  };
  walk(join(serviceDir, 'src'));
  const main = readFileSync(join(serviceDir, 'src', 'main.ts'), 'utf8');
  for (const match of main.matchAll(/^\s*import\s+(?!type\b)[^'"]*?from\s+'([^'.][^']*)'/gm))
    if (match[1]) modules.push(match[1]);
  modules.push('@huimin/kit/instrument'); // the image's CMD preloads it (`node --import`)
  return [...new Set(modules)].sort();
}
