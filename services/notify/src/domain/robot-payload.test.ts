import { describe, expect, it } from 'vitest';
import { dingTalkSign, maskWebhookUrl, robotRequest } from './robot-payload.ts';

const message = { title: '新预警：因病致贫风险', markdown: '### 【新预警】因病致贫风险' };

describe('robot payloads', () => {
  it('signs DingTalk webhooks as DingTalk checks them (openssl gives the same HMAC)', () => {
    // printf '1700000000000\nSECtest-secret' | openssl dgst -sha256 -hmac SECtest-secret -binary | base64
    expect(dingTalkSign('SECtest-secret', 1700000000000)).toBe(
      encodeURIComponent('LC7hxZ4wslL+P7j7gu1hoQ+wzByekL+yWgiUMekZs0g='),
    );
  });

  it('builds each platform’s markdown body; DingTalk carries timestamp and sign when signed', () => {
    const at = new Date(1700000000000);
    const wecom = robotRequest(
      {
        platform: 'wecom',
        webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc',
        secret: null,
      },
      message,
      at,
    );
    expect(JSON.parse(wecom.body)).toEqual({ msgtype: 'markdown', markdown: { content: message.markdown } });
    const ding = robotRequest(
      {
        platform: 'dingtalk',
        webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=t',
        secret: 'SECtest-secret',
      },
      message,
      at,
    );
    expect(JSON.parse(ding.body)).toEqual({
      msgtype: 'markdown',
      markdown: { title: message.title, text: message.markdown },
    });
    expect(ding.url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=LC7hxZ4wslL%2BP7j7gu1hoQ%2BwzByekL%2ByWgiUMekZs0g%3D',
    );
  });

  it('masks the key of a webhook URL for display', () => {
    expect(maskWebhookUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx')).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****',
    );
  });
});
