import type { HttpServer } from '@huimin/kit';
import type { PaymentIntake } from '../payment-intake.ts';

/**
 * The payment providers' notification endpoints. Each reads the body as the exact bytes received
 * (the signature covers them), in a scope of its own so the rest of the API keeps parsing JSON.
 * WeChat Pay wants 2xx with no body on success; Alipay wants the text `success`. Anything else
 * makes them deliver again, which is safe: a transaction is booked once.
 */
export function registerNotificationRoutes(app: HttpServer, deps: { intake: PaymentIntake }): void {
  const { intake } = deps;

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      ['application/json', 'application/x-www-form-urlencoded'],
      { parseAs: 'string' },
      (_request, body, done) => done(null, body),
    );

    scope.post(
      '/public/v1/payments/wechat-pay/notify',
      { schema: { summary: 'WeChat Pay API v3 payment notification (signed, resource encrypted)' } },
      async (request, reply) => {
        await intake.wechatPayNotified(request.headers, typeof request.body === 'string' ? request.body : '');
        reply.code(204);
      },
    );

    scope.post(
      '/public/v1/payments/alipay/notify',
      { schema: { summary: 'Alipay asynchronous notification (form, RSA2 signature)' } },
      async (request, reply) => {
        await intake.alipayNotified(typeof request.body === 'string' ? request.body : '');
        reply.type('text/plain; charset=utf-8');
        return 'success';
      },
    );
  });
}
