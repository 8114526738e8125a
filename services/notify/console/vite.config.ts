import { defineConfig } from 'vite';

// The case-handler console: static files that notify serves at `/` (CONSOLE_DIR). In `vite dev`
// the API paths go to a notify of the dev stack, which forwards /api/… to discovery and identity.
const notify = process.env.NOTIFY_URL ?? 'http://127.0.0.1:8084';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 200 },
  server: { proxy: { '/api': notify, '/v1/stream': notify } },
});
