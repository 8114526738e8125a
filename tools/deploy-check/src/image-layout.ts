import { execFile } from 'node:child_process';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { parseDockerfile, stage, substituteArgs } from './dockerfile.ts';
import { dockerignoreMatcher } from './dockerignore.ts';

const run = promisify(execFile);

export interface ImageLayout {
  /** Host folder standing for the runtime image's filesystem root. */
  root: string;
  /** Host folder of the image's final WORKDIR. */
  workdir: string;
  /** The image's CMD, as an argv. */
  command: string[];
  /** ENV of the runtime stage, build arguments substituted. */
  env: Record<string, string>;
  /** The install command the deps stage ran, as executed. */
  install: string;
  /** The HEALTHCHECK's CMD, as an argv. */
  healthcheck: string[];
}

export interface BuildImageLayoutOptions {
  repoRoot: string;
  service: string;
  port: number;
  /** Empty scratch folder; the build context, the deps stage and the image go below it. */
  scratchDir: string;
  /**
   * More services in the same layout: the install's `--filter` and the runtime's per-service
   * COPY are repeated for each. One install instead of one per service keeps the check fast; it
   * is as strict, because pnpm links into each package only the dependencies it declares.
   */
  alsoServices?: string[];
}

/**
 * Builds, without Docker, the filesystem the repository's Dockerfile gives one service's image:
 * the build context as .dockerignore filters it, the deps stage's `pnpm install` run for real
 * (offline, from this machine's pnpm store, which plays the part of the `pnpm fetch` layer), and
 * the runtime stage's `COPY --from=deps` lines copied with their symlinks intact. Everything is
 * read from the Dockerfile itself, so the check follows the recipe rather than a copy of it.
 */
export async function buildImageLayout(options: BuildImageLayoutOptions): Promise<ImageLayout> {
  const { repoRoot, service, port, scratchDir } = options;
  const allServices = [service, ...(options.alsoServices ?? [])];
  const dockerfile = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
  const ignored = dockerignoreMatcher(await readFile(join(repoRoot, '.dockerignore'), 'utf8'));
  const stages = parseDockerfile(dockerfile);
  const buildArgs: Record<string, string> = { SERVICE: service, PORT: String(port) };

  // Stage "deps": its filesystem is mounted at <scratch>/deps.
  const depsRoot = join(scratchDir, 'deps');
  let depsWorkdir = '/';
  let install = '';
  for (const { keyword, args } of stage(stages, 'deps').instructions) {
    const text = substituteArgs(args, buildArgs);
    if (keyword === 'WORKDIR') depsWorkdir = posix.resolve(depsWorkdir, text);
    if (keyword === 'COPY' && !text.startsWith('--from')) {
      // Every COPY of the context lands under WORKDIR; `COPY . .` brings the whole filtered context.
      const target = hostPath(depsRoot, depsWorkdir);
      await cp(repoRoot, target, {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => {
          const rel = relative(repoRoot, source).split(sep).join('/');
          return rel === '' || !ignored(rel);
        },
      });
    }
    if (keyword === 'RUN' && /^pnpm install\b/.test(text)) {
      install = args.replace(/--filter\s+"?([^"\s]*\$\{SERVICE\}[^"\s]*)"?/, (_whole, pattern: string) =>
        allServices
          .map((name) => `--filter "${substituteArgs(pattern, { ...buildArgs, SERVICE: name })}"`)
          .join(' '),
      );
      install = substituteArgs(install, buildArgs);
      const argv = shellWords(install);
      await run(argv[0] as string, argv.slice(1), {
        cwd: hostPath(depsRoot, depsWorkdir),
        env: { ...process.env, CI: 'true' },
        maxBuffer: 16 * 1024 * 1024,
      });
    }
  }
  if (install === '') throw new Error('the deps stage has no `RUN pnpm install`');

  // Stage "runtime": <scratch>/image.
  const imageRoot = join(scratchDir, 'image');
  let workdir = '/';
  let command: string[] = [];
  let healthcheck: string[] = [];
  const env: Record<string, string> = {};
  for (const { keyword, args } of stage(stages, 'runtime').instructions) {
    const text = substituteArgs(args, buildArgs);
    if (keyword === 'WORKDIR') workdir = posix.resolve(workdir, text);
    if (keyword === 'ENV') Object.assign(env, envPairs(text, buildArgs));
    if (keyword === 'CMD') command = JSON.parse(text) as string[];
    if (keyword === 'HEALTHCHECK') healthcheck = JSON.parse(text.replace(/^.*?\bCMD\s+/, '')) as string[];
    if (keyword === 'COPY') {
      const perService = /\$\{?SERVICE\b/.test(args) ? allServices : [service];
      for (const name of perService) {
        const words = shellWords(substituteArgs(args, { ...buildArgs, SERVICE: name }));
        if (!words[0]?.startsWith('--from=deps')) throw new Error(`runtime COPY not from deps: ${text}`);
        const paths = words.filter((word) => !word.startsWith('--'));
        const [from, to] = [paths[0] as string, paths[1] as string];
        await mkdir(hostPath(imageRoot, workdir), { recursive: true });
        await cp(hostPath(depsRoot, from), hostPath(imageRoot, posix.resolve(workdir, to)), {
          recursive: true,
          verbatimSymlinks: true,
        });
      }
    }
  }
  return { root: imageRoot, workdir: hostPath(imageRoot, workdir), command, env, install, healthcheck };
}

function hostPath(root: string, containerPath: string): string {
  return join(root, ...containerPath.split('/').filter((part) => part !== ''));
}

/** Splits a command line on spaces, honouring double quotes (all our RUN/COPY lines need). */
function shellWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

function envPairs(text: string, buildArgs: Record<string, string>): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const word of shellWords(text)) {
    const at = word.indexOf('=');
    if (at > 0) pairs[word.slice(0, at)] = substituteArgs(word.slice(at + 1), buildArgs);
  }
  return pairs;
}
