// What the console's browser tests share: the console built into a scratch directory, Debian's
// Chromium, signing in through the login page, and waiting on a condition.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const artifacts = join(repo, 'e2e', 'artifacts');
export const PASSWORD = 'huimin-demo-2026';
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

/** Builds the console into a fresh directory; returns it and how to remove it. */
export async function buildConsole(): Promise<{ dir: string; remove: () => void }> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium)`);
  mkdirSync(artifacts, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'huimin-console-'));
  await build({
    configFile: join(repo, 'services', 'notify', 'console', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
}

export async function signIn(base: string, context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(base);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('connection').getByText('实时').waitFor({ timeout: 20_000 });
  return page;
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The platform's wall clock, moved by the test (e2e/moved-clock.ts preloaded into every service):
 * `env` goes to each service; `moveForward` shifts every process's `Date` at once.
 */
export function movedClock(scratch: string) {
  const file = join(scratch, 'clock-offset-ms');
  writeFileSync(file, '0');
  const preload = pathToFileURL(join(repo, 'e2e', 'moved-clock.ts')).href;
  const serviceEnv = {
    HUIMIN_MOVED_CLOCK_FILE: file,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${preload}`.trim(),
  };
  const services = readdirSync(join(repo, 'services'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  let offsetMs = 0;
  return {
    env: Object.fromEntries(services.map((name) => [name, { ...serviceEnv }])) as Record<
      string,
      Record<string, string>
    >,
    moveForward(ms: number) {
      offsetMs += ms;
      writeFileSync(`${file}.next`, String(offsetMs));
      renameSync(`${file}.next`, file);
    },
  };
}
