import { nameOf } from '@huimin/contracts';
import { shanghaiMinute } from './shanghai-time.ts';

// What a community's group robot posts. Markdown in Chinese for the handlers in the group chat,
// built only from the alert's type, priority, community, deadlines and number: never a resident
// ID nor a name (a group chat is not a place for them; the console, behind login, is).

export const priorityLabels: Record<string, string> = {
  P1: 'P1 紧急',
  P2: 'P2 高',
  P3: 'P3 中',
  P4: 'P4 低',
};

export interface RobotMessage {
  title: string;
  markdown: string;
}

export interface AlertFacts {
  alertId: string;
  communityCode: string;
  title: string | undefined;
  priority: string | undefined;
  acknowledgeDueAt: Date | undefined;
  visitDueAt: Date | undefined;
}

function communityLine(code: string): string {
  const community = nameOf(code) ?? code;
  const town = nameOf(code.slice(0, 9));
  return town ? `${community}（${town}）` : community;
}

function link(consoleUrl: string, alertId: string): string {
  return `[在工作台查看](${consoleUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(alertId)})`;
}

function priorityText(priority: string | undefined): string {
  return priority ? (priorityLabels[priority] ?? priority) : '未定';
}

export function newAlertMessage(alert: AlertFacts, consoleUrl: string): RobotMessage {
  const kind = alert.title ?? '预警';
  const lines = [
    `### 【新预警】${kind}`,
    `> 优先级：**${priorityText(alert.priority)}**`,
    `> 社区：${communityLine(alert.communityCode)}`,
    `> 预警编号：${alert.alertId}`,
  ];
  if (alert.acknowledgeDueAt) lines.push(`> 签收时限：${shanghaiMinute(alert.acknowledgeDueAt)}`);
  if (alert.visitDueAt) lines.push(`> 入户核实时限：${shanghaiMinute(alert.visitDueAt)}`);
  lines.push('', link(consoleUrl, alert.alertId));
  return { title: `新预警：${kind}`, markdown: lines.join('\n') };
}

export function priorityRaisedMessage(
  alert: AlertFacts,
  previousPriority: string,
  consoleUrl: string,
): RobotMessage {
  const kind = alert.title ?? '预警';
  const lines = [
    `### 【预警升级】${kind}`,
    `> 优先级：${priorityText(previousPriority)} → **${priorityText(alert.priority)}**`,
    `> 社区：${communityLine(alert.communityCode)}`,
    `> 预警编号：${alert.alertId}`,
  ];
  if (alert.acknowledgeDueAt) lines.push(`> 签收时限：${shanghaiMinute(alert.acknowledgeDueAt)}`);
  if (alert.visitDueAt) lines.push(`> 入户核实时限：${shanghaiMinute(alert.visitDueAt)}`);
  lines.push('', link(consoleUrl, alert.alertId));
  return { title: `预警升级：${kind}`, markdown: lines.join('\n') };
}

export function escalationMessage(
  alert: AlertFacts,
  breach: { clock: 'acknowledge' | 'visit'; dueAt: Date },
  consoleUrl: string,
): RobotMessage {
  const kind = alert.title ?? '预警';
  const clock = breach.clock === 'acknowledge' ? '签收' : '入户核实';
  const lines = [
    `### 【超时督办】${kind}`,
    `> ${clock}已超时，已上报街道（镇）督导`,
    `> 优先级：**${priorityText(alert.priority)}**`,
    `> 社区：${communityLine(alert.communityCode)}`,
    `> 预警编号：${alert.alertId}`,
    `> ${clock}时限：${shanghaiMinute(breach.dueAt)}`,
    '',
    link(consoleUrl, alert.alertId),
  ];
  return { title: `超时督办：${kind}`, markdown: lines.join('\n') };
}

export interface DigestFacts {
  communityCode: string;
  date: string;
  open: number;
  overdue: number;
  byPriority: Record<string, number>;
}

export function digestMessage(digest: DigestFacts, consoleUrl: string): RobotMessage {
  const community = nameOf(digest.communityCode) ?? digest.communityCode;
  const priorities = ['P1', 'P2', 'P3', 'P4']
    .filter((p) => (digest.byPriority[p] ?? 0) > 0)
    .map((p) => `${priorityLabels[p]} ${digest.byPriority[p]} 件`);
  const lines = [
    `### 【每日预警汇总】${community} ${digest.date}`,
    `> 未办结预警：**${digest.open}** 件`,
    `> 其中已超时：**${digest.overdue}** 件`,
  ];
  if (priorities.length > 0) lines.push(`> 按优先级：${priorities.join('，')}`);
  if (digest.open === 0) lines.push('> 今日无待办预警');
  lines.push('', `[打开工作台](${consoleUrl.replace(/\/+$/, '')}/)`);
  return { title: `每日预警汇总：${community}`, markdown: lines.join('\n') };
}
