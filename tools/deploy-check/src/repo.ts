import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tools/deploy-check/src/repo.ts). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceManifest {
  /** Folder name under services/, also the image's SERVICE build argument. */
  name: string;
  /** Default HTTP port (`huimin.port` in its package.json). */
  port: number;
  dir: string;
}

/** Every service that has a package.json and a src/main.ts: new services are covered as they land. */
export function listServices(root: string = repoRoot): ServiceManifest[] {
  const servicesDir = join(root, 'services');
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(servicesDir, entry.name))
    .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'main.ts')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name: string;
        huimin?: { port?: number };
      };
      const name = manifest.name.replace(/^@huimin\//, '');
      return { name, port: manifest.huimin?.port ?? 0, dir };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function readRepoFile(relativePath: string, root: string = repoRoot): string {
  return readFileSync(join(root, relativePath), 'utf8');
}
