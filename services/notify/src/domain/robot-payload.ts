import { createHmac } from 'node:crypto';
import type { RobotMessage } from './robot-message.ts';

export type RobotPlatform = 'wecom' | 'dingtalk';

/**
 * DingTalk's signed webhook (加签): sign = Base64(HMAC-SHA256(key = secret,
 * message = `${timestamp}\n${secret}`)), URL-encoded, sent with the millisecond timestamp as
 * query parameters; DingTalk refuses a timestamp more than an hour off.
 */
export function dingTalkSign(secret: string, timestampMs: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(digest);
}

/** The URL and JSON body each platform's robot expects for a markdown message. */
export function robotRequest(
  robot: { platform: RobotPlatform; webhookUrl: string; secret: string | null },
  message: RobotMessage,
  now: Date,
): { url: string; body: string } {
  switch (robot.platform) {
    case 'wecom':
      // WeCom (企业微信) group robot: markdown content up to 4096 bytes.
      return {
        url: robot.webhookUrl,
        body: JSON.stringify({ msgtype: 'markdown', markdown: { content: message.markdown } }),
      };
    case 'dingtalk': {
      let url = robot.webhookUrl;
      if (robot.secret) {
        const timestamp = now.getTime();
        url += `${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${dingTalkSign(robot.secret, timestamp)}`;
      }
      return {
        url,
        body: JSON.stringify({
          msgtype: 'markdown',
          markdown: { title: message.title, text: message.markdown },
        }),
      };
    }
    default: {
      const unknown: never = robot.platform;
      throw new Error(`unknown robot platform ${String(unknown)}`);
    }
  }
}

/** The webhook URL for display: the token part (WeCom `key`, DingTalk `access_token`) hidden. */
export function maskWebhookUrl(webhookUrl: string): string {
  try {
    const url = new URL(webhookUrl);
    for (const [name, value] of url.searchParams) {
      url.searchParams.set(name, value.length <= 4 ? '****' : `${value.slice(0, 4)}****`);
    }
    return url.toString();
  } catch {
    return '****';
  }
}
