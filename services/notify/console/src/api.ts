// The console's session and its calls. Everything goes to the same origin: notify serves the
// console, forwards /api/discovery/…, /api/identity/…, /api/scorecard/… and /api/assistance/… (an
// allow-list) and streams /v1/stream.
// Tokens live in sessionStorage: one tab's login, gone when the tab closes.

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: 'case-handler' | 'town-supervisor' | 'bureau-admin' | 'auditor' | 'bureau-leader' | string;
  jurisdictions: string[];
}

interface Session {
  accessToken: string;
  refreshToken: string;
  user: User;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** What the service added to explain the error (the assistance rule's refusals, say). */
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Raised when the login is over (refresh refused): the app goes back to the login page. */
export class SessionExpired extends ApiError {
  constructor() {
    super(401, 'SESSION_EXPIRED', '登录已过期，请重新登录');
  }
}

const KEY = 'huimin.console.session';
let session: Session | null = load();
const listeners = new Set<() => void>();

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function save(next: Session | null, reason?: string): void {
  session = next;
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
  if (reason) sessionStorage.setItem(`${KEY}.ended`, reason);
  for (const l of listeners) l();
}

export const currentUser = (): User | null => session?.user ?? null;
export const accessToken = (): string | null => session?.accessToken ?? null;
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
/** Why the last session ended (shown once on the login page). */
export function takeEndedReason(): string | null {
  const reason = sessionStorage.getItem(`${KEY}.ended`);
  sessionStorage.removeItem(`${KEY}.ended`);
  return reason;
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = `请求失败（${res.status}）`;
  let details: unknown;
  try {
    const body = (await res.json()) as { code?: string; message?: string; details?: unknown };
    if (body.code) code = body.code;
    if (body.message) message = body.message;
    details = body.details;
  } catch {
    // not JSON: keep the status
  }
  return new ApiError(res.status, code, explain(code, message), details);
}

/** The service's codes in the handler's words; anything else as the service said it. */
function explain(code: string, message: string): string {
  const zh: Record<string, string> = {
    INVALID_CREDENTIALS: '用户名或密码不正确',
    ACCOUNT_LOCKED: '密码错误次数过多，账号已临时锁定，请15分钟后再试',
    TOO_MANY_REQUESTS: '尝试过于频繁，请稍后再试',
    INVALID_STATE: '预警状态已变化，请刷新后再操作',
    ALERT_NOT_FOUND: '找不到该预警，或不在您的辖区内',
    FORBIDDEN: '您的角色无权进行此操作',
    INVALID_ATTACHMENT: '照片过大（每张不超过 2 MB）或格式不对（仅支持 JPEG、PNG、WebP）',
    INVALID_ASSIGNEE: '只能转派给本社区的经办人或本街道的督导',
    UPSTREAM_UNAVAILABLE: '服务暂时无法访问，请稍后重试',
    LEAVE_OVERLAPS: '该经办人在这段时间已有请假记录',
    VALIDATION_FAILED: `填写有误：${message}`,
    APPLICATION_NOT_FOUND: '找不到该申请，或不在您的辖区内',
    APPROVAL_LEVEL: '该金额须由县民政局审批',
    INVALID_EVIDENCE: '材料过大（不超过 4 MB）或格式不对（仅支持 JPEG、PNG、PDF）',
  };
  return zh[code] ?? message;
}

let refreshing: Promise<void> | null = null;

/** Swaps the refresh token for a new pair; one refresh at a time however many calls wait on it. */
export function refresh(): Promise<void> {
  refreshing ??= (async () => {
    const current = session;
    if (!current) throw new SessionExpired();
    let res: Response;
    try {
      res = await fetch('/api/identity/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: current.refreshToken }),
      });
    } catch {
      throw new ApiError(0, 'OFFLINE', '网络连接中断，请检查网络');
    }
    if (!res.ok) {
      save(null, '登录已过期，请重新登录');
      throw new SessionExpired();
    }
    const body = (await res.json()) as { accessToken: string; refreshToken: string; user?: User };
    save({ accessToken: body.accessToken, refreshToken: body.refreshToken, user: body.user ?? current.user });
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export async function login(username: string, password: string): Promise<User> {
  const res = await fetch('/api/identity/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  }).catch(() => {
    throw new ApiError(0, 'OFFLINE', '网络连接中断，请检查网络');
  });
  if (!res.ok) throw await errorOf(res);
  const body = (await res.json()) as { accessToken: string; refreshToken: string; user: User };
  save({ accessToken: body.accessToken, refreshToken: body.refreshToken, user: body.user });
  return body.user;
}

export async function logout(): Promise<void> {
  const current = session;
  save(null);
  if (current)
    await fetch('/api/identity/v1/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: current.refreshToken }),
    }).catch(() => {});
}

/** Seconds until the access token expires (its `exp`), or 0 when there is none. */
export function accessTokenTtl(): number {
  const token = session?.accessToken;
  if (!token) return 0;
  try {
    const payload = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as {
      exp?: number;
    };
    return Math.max(0, (payload.exp ?? 0) - Date.now() / 1000);
  } catch {
    return 0;
  }
}

/**
 * A call with the access token. A 401 means the access token ran out: refresh once and try again;
 * when the refresh is refused the session is over (SessionExpired, and the app shows the login).
 */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const attempt = () => {
    const headers = new Headers(init.headers);
    if (session) headers.set('authorization', `Bearer ${session.accessToken}`);
    return fetch(path, { ...init, headers }).catch(() => {
      throw new ApiError(0, 'OFFLINE', '网络连接中断，请检查网络后重试');
    });
  };
  if (!session) throw new SessionExpired();
  let res = await attempt();
  if (res.status === 401) {
    await refresh();
    res = await attempt();
    if (res.status === 401) {
      save(null, '登录已过期，请重新登录');
      throw new SessionExpired();
    }
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await call(path)).json()) as T;
}

export async function sendJson<T>(method: 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const res = await call(path, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const discovery = (path: string) => `/api/discovery${path}`;
export const identity = (path: string) => `/api/identity${path}`;
export const scorecard = (path: string) => `/api/scorecard${path}`;
export const assistance = (path: string) => `/api/assistance${path}`;

export function query(params: Record<string, string | string[] | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '' || value === false) continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) q.append(key, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
