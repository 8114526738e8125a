import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { currentUser, login, logout, onSessionChange, takeEndedReason } from './api.ts';
import { ROLE } from './format.ts';
import { type Notice, openAlertStream, type StreamState } from './stream.ts';
import { ErrorNote, html, publishNotice, useAction } from './ui.ts';
import { ApplyView, AssistanceQueueView } from './views/assistance.ts';
import { DetailView } from './views/detail.ts';
import { defaultFilters, type Filters, InboxView } from './views/inbox.ts';
import { NewAlertView } from './views/new-alert.ts';
import { ScorecardView } from './views/scorecard.ts';
import { RostersView, TownView } from './views/town.ts';

const TITLE = '惠民 · 预警工作台';

function useHashRoute(): string {
  const [route, setRoute] = useState(location.hash.replace(/^#/, '') || '/');
  useEffect(() => {
    const on = () => {
      setRoute(location.hash.replace(/^#/, '') || '/');
      document.getElementById('main')?.focus();
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

function LoginView() {
  const [reason] = useState(takeEndedReason);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const act = useAction();
  return html`
    <main class="login" id="main">
      <h1>${TITLE}</h1>
      ${reason ? html`<p class="notice" role="status">${reason}</p>` : null}
      <form class="stack" aria-label="登录" onSubmit=${(e: Event) => {
        e.preventDefault();
        void act.run(() => login(username.trim(), password));
      }}>
        <label>用户名<input name="username" autoComplete="username" required value=${username}
          onInput=${(e: Event) => setUsername((e.target as HTMLInputElement).value)} /></label>
        <label>密码<input name="password" type="password" autoComplete="current-password" required value=${password}
          onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" disabled=${act.busy}>${act.busy ? '正在登录…' : '登录'}</button>
        <${ErrorNote} message=${act.error} />
      </form>
    </main>`;
}

const STREAM_LABEL: Record<StreamState, string> = {
  connecting: '正在连接…',
  live: '实时',
  reconnecting: '连接中断，正在重连…',
  offline: '网络已断开，恢复后自动重连',
};

/** A short two-tone chime through Web Audio (no sound file to load). */
function chime(): void {
  try {
    const ctx = new AudioContext();
    for (const [i, freq] of [880, 660].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.18);
      osc.stop(ctx.currentTime + i * 0.18 + 0.15);
    }
    setTimeout(() => void ctx.close(), 1000);
  } catch {
    // no audio on this device
  }
}

function Shell() {
  const user = currentUser();
  const route = useHashRoute();
  const [stream, setStream] = useState<StreamState>('connecting');
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [sound, setSound] = useState(localStorage.getItem('huimin.console.sound') === 'on');
  const [filters, setFilters] = useState<Filters>(defaultFilters);
  const soundRef = useRef(sound);
  soundRef.current = sound;

  const onNotice = useCallback((n: Notice) => {
    if (
      n.event === 'AlertOpened' ||
      (n.event === 'AlertAssigned' && n.assigneeUserId === currentUser()?.id) ||
      // The cause of an alert in the handler's hands went away: they must look again.
      (n.event === 'AlertCauseWithdrawn' && n.closed === false && n.assigneeUserId === currentUser()?.id)
    ) {
      setFresh((s) => new Set(s).add(n.alertId));
      if (soundRef.current) chime();
    }
    publishNotice(n);
  }, []);

  useEffect(
    () =>
      openAlertStream({
        onNotice,
        onState: setStream,
        onSessionExpired: () => void logout(),
      }),
    [onNotice],
  );

  // Opening an alert marks it seen.
  const openId = route.match(/^\/alerts\/(ALR-[\d-]+)$/)?.[1];
  useEffect(() => {
    if (openId && fresh.has(openId))
      setFresh((s) => {
        const next = new Set(s);
        next.delete(openId);
        return next;
      });
  }, [openId, fresh]);

  useEffect(() => {
    document.title = fresh.size > 0 ? `(${fresh.size}) ${TITLE}` : TITLE;
  }, [fresh]);

  if (!user) return null;
  const supervisor = user.role === 'town-supervisor' || user.role === 'bureau-admin';
  // The bureau's leaders read the plan's scorecard and nothing else: it is their home page.
  const leader = user.role === 'bureau-leader';
  const planReader = supervisor || leader;
  const applyFor = route.match(/^\/assistance\/apply\/(ALR-[\d-]+)$/)?.[1];
  const view = openId
    ? html`<${DetailView} id=${openId} />`
    : applyFor && !leader
      ? html`<${ApplyView} alertId=${applyFor} />`
      : route === '/assistance' && supervisor
        ? html`<${AssistanceQueueView} />`
        : (route === '/plan' && planReader) || leader
          ? html`<${ScorecardView} />`
          : route === '/new'
            ? html`<${NewAlertView} />`
            : route === '/town' && supervisor
              ? html`<${TownView} />`
              : route === '/town/rosters' && supervisor
                ? html`<${RostersView} />`
                : html`<${InboxView} fresh=${fresh} filters=${filters} setFilters=${setFilters} />`;
  return html`
    <a class="skip" href="#main" onClick=${(e: Event) => {
      e.preventDefault();
      document.getElementById('main')?.focus();
    }}>跳到主要内容</a>
    <header class="top">
      <span class="brand">惠民 · 预警工作台</span>
      <nav aria-label="主导航">
        ${
          leader
            ? null
            : html`<a class="top-link" href="#/" aria-current=${route === '/' ? 'page' : undefined}>我的预警${
                fresh.size > 0
                  ? html` <span class="badge new" aria-label=${`${fresh.size} 条新预警`}>${fresh.size}</span>`
                  : null
              }</a>
        <a class="top-link" href="#/new" aria-current=${route === '/new' ? 'page' : undefined}>新建预警</a>`
        }
        ${supervisor ? html`<a class="top-link" href="#/town" aria-current=${route.startsWith('/town') ? 'page' : undefined}>街道督导</a>` : null}
        ${supervisor ? html`<a class="top-link" href="#/assistance" aria-current=${route === '/assistance' ? 'page' : undefined}>临时救助审批</a>` : null}
        ${planReader ? html`<a class="top-link" href="#/plan" aria-current=${route === '/plan' || leader ? 'page' : undefined}>规划指标</a>` : null}
      </nav>
      <span class=${`conn conn-${stream}`} role="status" aria-live="polite" data-testid="connection">${STREAM_LABEL[stream]}</span>
      <span class="who">${user.displayName}（${ROLE[user.role] ?? user.role}）</span>
      <label class="check sound"><input type="checkbox" checked=${sound} onChange=${(e: Event) => {
        const on = (e.target as HTMLInputElement).checked;
        localStorage.setItem('huimin.console.sound', on ? 'on' : 'off');
        setSound(on);
      }} /> 提示音</label>
      <button type="button" class="link" onClick=${() => void logout()}>退出</button>
    </header>
    <main id="main" tabIndex=${-1}>${view}</main>`;
}

function App() {
  const [, setVersion] = useState(0);
  useEffect(() => onSessionChange(() => setVersion((v) => v + 1)), []);
  const user = currentUser();
  // A new login (or a new user) starts a fresh shell: its stream carries the new token.
  return user ? html`<${Shell} key=${user.id} />` : html`<${LoginView} />`;
}

const root = document.getElementById('app');
if (root) render(html`<${App} />`, root);
