import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A stand-in for WeCom's and DingTalk's robot webhooks (outside the platform, so a fake is fair).
// It accepts exactly each platform's markdown message format, checks DingTalk's signature, and
// can be told to fail the next requests.

export interface ReceivedMessage {
  platform: 'wecom' | 'dingtalk';
  robotKey: string;
  /** WeCom `content`, DingTalk `text`. */
  text: string;
  /** DingTalk only. */
  title?: string;
}

export interface FakeRobotServer {
  base: string;
  received: ReceivedMessage[];
  /** Every request, accepted or not. */
  requests: number;
  /** Fail the next `n` requests with this answer (`http-500`, or an errcode as the platforms send). */
  failNext(n: number, how?: 'http-500' | 'errcode'): void;
  rejected: string[];
  close(): Promise<void>;
}

export async function startFakeRobots(secrets: Record<string, string>): Promise<FakeRobotServer> {
  let failures = 0;
  let failure: 'http-500' | 'errcode' = 'http-500';
  const state = { received: [] as ReceivedMessage[], requests: 0, rejected: [] as string[] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      state.requests++;
      const answer = (status: number, json: Record<string, unknown>) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      const reject = (why: string) => {
        state.rejected.push(why);
        answer(200, { errcode: 40035, errmsg: why });
      };
      const url = new URL(req.url ?? '/', 'http://robot');
      if (failures > 0) {
        failures--;
        if (failure === 'http-500') return answer(500, { errcode: -1, errmsg: 'system busy' });
        return answer(200, { errcode: 45009, errmsg: 'api freq out of limit' });
      }
      if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/json')) {
        return reject('not a JSON POST');
      }
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(body);
      } catch {
        return reject('body is not JSON');
      }
      if (url.pathname === '/cgi-bin/webhook/send') {
        // WeCom: {"msgtype":"markdown","markdown":{"content":"…"}} and nothing else.
        const key = url.searchParams.get('key');
        const markdown = payload.markdown as Record<string, unknown> | undefined;
        if (!key) return reject('no key');
        if (payload.msgtype !== 'markdown' || Object.keys(payload).length !== 2)
          return reject('not a markdown message');
        if (!markdown || Object.keys(markdown).join() !== 'content' || typeof markdown.content !== 'string') {
          return reject('markdown must be exactly { content }');
        }
        if (Buffer.byteLength(markdown.content) > 4096) return reject('content over 4096 bytes');
        state.received.push({ platform: 'wecom', robotKey: key, text: markdown.content });
        return answer(200, { errcode: 0, errmsg: 'ok' });
      }
      if (url.pathname === '/robot/send') {
        // DingTalk: {"msgtype":"markdown","markdown":{"title":"…","text":"…"}}, signed when it has a secret.
        const token = url.searchParams.get('access_token');
        if (!token) return reject('no access_token');
        const secret = secrets[token];
        if (secret) {
          const timestamp = url.searchParams.get('timestamp');
          const sign = url.searchParams.get('sign');
          if (!timestamp || !sign) return reject('unsigned');
          if (Math.abs(Date.now() - Number(timestamp)) > 3600_000) return reject('timestamp too far off');
          const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
          if (sign !== expected) return reject('bad signature');
          // The raw query must carry it URL-encoded (a bare + or / would decode differently).
          if (/[+/=]/.test(url.search.split('sign=')[1] ?? '')) return reject('sign not URL-encoded');
        }
        const markdown = payload.markdown as Record<string, unknown> | undefined;
        if (payload.msgtype !== 'markdown' || Object.keys(payload).length !== 2)
          return reject('not a markdown message');
        if (!markdown || Object.keys(markdown).sort().join() !== 'text,title') {
          return reject('markdown must be exactly { title, text }');
        }
        if (typeof markdown.title !== 'string' || typeof markdown.text !== 'string')
          return reject('title and text are strings');
        state.received.push({
          platform: 'dingtalk',
          robotKey: token,
          text: markdown.text,
          title: markdown.title,
        });
        return answer(200, { errcode: 0, errmsg: 'ok' });
      }
      answer(404, { errcode: 404, errmsg: 'no such path' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    get received() {
      return state.received;
    },
    get requests() {
      return state.requests;
    },
    get rejected() {
      return state.rejected;
    },
    failNext(n, how = 'http-500') {
      failures = n;
      failure = how;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
