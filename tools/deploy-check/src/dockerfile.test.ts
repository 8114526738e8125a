import { describe, expect, it } from 'vitest';
import { parseDockerfile, stage, substituteArgs } from './dockerfile.ts';
import { dockerignoreMatcher } from './dockerignore.ts';
import { readRepoFile } from './repo.ts';

const stages = parseDockerfile(readRepoFile('Dockerfile'));
const runtime = stage(stages, 'runtime').instructions;
const deps = stage(stages, 'deps').instructions;

describe('the Dockerfile', () => {
  it('runs on Node 24 slim as the unprivileged node user, with a healthcheck', () => {
    expect(readRepoFile('Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    expect(stages.map((s) => s.name)).toEqual(['deps', 'runtime']);
    const users = runtime.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users).toEqual(['node']);
    expect(runtime.findIndex((i) => i.keyword === 'USER')).toBeLessThan(
      runtime.findIndex((i) => i.keyword === 'CMD'),
    );
    expect(runtime.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain('/livez');
    expect(runtime.find((i) => i.keyword === 'ENV')?.args).toContain('NODE_ENV=production');
  });

  it('copies libs, proto and only the one service into the runtime image', () => {
    const copies = runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args.split(' ').slice(1, 2)[0]);
    const oneService = `/src/services/$${'{SERVICE}'}`;
    expect(copies.sort()).toEqual(
      ['/src/libs', '/src/node_modules', '/src/package.json', '/src/proto', oneService].sort(),
    );
  });

  it('installs production dependencies with the pnpm the repository pins', () => {
    const pinned = (JSON.parse(readRepoFile('package.json')) as { packageManager: string }).packageManager;
    const installPnpm = deps.find((i) => i.keyword === 'RUN' && i.args.includes('pnpm@'));
    expect(installPnpm?.args).toContain(pinned);
    const install = deps.find((i) => i.keyword === 'RUN' && i.args.startsWith('pnpm install'));
    expect(install?.args).toMatch(/--prod\b/);
    expect(install?.args).toMatch(/--frozen-lockfile\b/);
  });

  it('keeps dependencies, data and secrets out of the build context', () => {
    const ignored = dockerignoreMatcher(readRepoFile('.dockerignore'));
    for (const path of [
      'node_modules/x',
      'libs/kit/node_modules/y',
      '.git/HEAD',
      '.data/kafka',
      '.env',
      'a/b.log',
    ])
      expect(ignored(path), path).toBe(true);
    for (const path of [
      'libs/kit/src/index.ts',
      'services/ingest/package.json',
      'pnpm-lock.yaml',
      'proto/huimin',
    ])
      expect(ignored(path), path).toBe(false);
  });

  it('parses continuation lines and substitutes build arguments', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile build arguments, not a JS template
    const [only] = parseDockerfile('FROM x AS a\nRUN echo \\\n  ${SERVICE} $PORT\n');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile build arguments, not a JS template
    expect(only?.instructions.map((i) => i.args)).toEqual(['x AS a', 'echo ${SERVICE} $PORT']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile build arguments, not a JS template
    expect(substituteArgs('echo ${SERVICE} $PORT $OTHER', { SERVICE: 'risk', PORT: '8082' })).toBe(
      'echo risk 8082 $OTHER',
    );
  });
});
