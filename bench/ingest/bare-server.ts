// The yardstick: a bare fastify server that parses the same JSON body and answers {ok:true}.
import { createRequire } from 'node:module';

// fastify is ingest's dependency, not the repository root's: resolve it from there.
const require = createRequire(new URL('../../services/ingest/package.json', import.meta.url));
interface Bare {
  post(path: string, handler: () => Promise<unknown>): void;
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
}
const fastify = require('fastify') as (options: { bodyLimit: number }) => Bare;

const app = fastify({ bodyLimit: 1024 * 1024 });
app.post('/v1/events/:type', async () => ({ ok: true }));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: address })}\n`);
process.on('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
