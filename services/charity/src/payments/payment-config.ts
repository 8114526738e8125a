import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AlipayConfig } from './alipay.ts';
import type { AlipaySandbox, WechatPaySandbox } from './provider-sandbox.ts';
import type { WechatPayConfig } from './wechat-pay.ts';

// Where the providers' keys come from: production names the merchant's real keys in the
// environment; the dev stack uses a sandbox made locally by seed-dev (both halves of each key, so
// the donation simulator can sign what WeChat Pay and Alipay would send).

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The sandbox merchant's Alipay partner id. */
const SANDBOX_ALIPAY_SELLER_ID = '2088000000000001';

/** `.data/charity-payment-sandbox.json` at the repository root, beside the dev stack's other state. */
export const DEFAULT_SANDBOX_FILE = resolve(repositoryRoot, '.data', 'charity-payment-sandbox.json');

interface SandboxFile {
  wechatPay: { mchId: string; appId: string; apiV3Key: string; serial: string; privateKeyPem: string };
  alipay: { appId: string; sellerId?: string; privateKeyPem: string };
}

export interface PaymentSandbox {
  wechatPay: WechatPaySandbox;
  alipay: AlipaySandbox;
}

/** Makes the sandbox keys once; later calls keep them (existing dev deliveries stay verifiable). */
export function ensurePaymentSandbox(file: string = DEFAULT_SANDBOX_FILE): 'created' | 'exists' {
  if (existsSync(file)) return 'exists';
  const pem = () =>
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
  const sandbox: SandboxFile = {
    wechatPay: {
      mchId: '1900000109',
      appId: 'wx0000000000sandbox',
      apiV3Key: randomBytes(16).toString('hex'),
      serial: randomBytes(20).toString('hex').toUpperCase(),
      privateKeyPem: pem(),
    },
    alipay: { appId: '2021000000000001', sellerId: SANDBOX_ALIPAY_SELLER_ID, privateKeyPem: pem() },
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(sandbox, null, 2)}\n`, { mode: 0o600 });
  return 'created';
}

export function loadPaymentSandbox(file: string = DEFAULT_SANDBOX_FILE): PaymentSandbox {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as SandboxFile;
  return {
    wechatPay: { ...raw.wechatPay, platformPrivateKey: createPrivateKey(raw.wechatPay.privateKeyPem) },
    alipay: {
      appId: raw.alipay.appId,
      // Sandboxes made before the seller was checked hold none: they get the sandbox's one.
      sellerId: raw.alipay.sellerId ?? SANDBOX_ALIPAY_SELLER_ID,
      alipayPrivateKey: createPrivateKey(raw.alipay.privateKeyPem),
    },
  };
}

/** The verifying side of a sandbox. */
export function sandboxProviderConfigs(
  sandbox: PaymentSandbox,
  toleranceSeconds: number,
): { wechatPay: WechatPayConfig; alipay: AlipayConfig } {
  return {
    wechatPay: {
      mchId: sandbox.wechatPay.mchId,
      apiV3Key: sandbox.wechatPay.apiV3Key,
      platformKeys: new Map([
        [sandbox.wechatPay.serial, createPublicKey(sandbox.wechatPay.platformPrivateKey)],
      ]),
      toleranceSeconds,
    },
    alipay: {
      appId: sandbox.alipay.appId,
      sellerId: sandbox.alipay.sellerId,
      alipayPublicKey: createPublicKey(sandbox.alipay.alipayPrivateKey),
    },
  };
}

function publicKeyFrom(path: string, base: string): KeyObject {
  return createPublicKey(readFileSync(isAbsolute(path) ? path : resolve(base, path)));
}

/** The providers as the environment configures them; a provider left unset is switched off. */
export function providerConfigsFromEnv(
  env: {
    WECHATPAY_MCH_ID?: string | undefined;
    WECHATPAY_APIV3_KEY?: string | undefined;
    WECHATPAY_PLATFORM_KEYS?: string | undefined;
    WECHATPAY_TOLERANCE_SECONDS: number;
    ALIPAY_APP_ID?: string | undefined;
    ALIPAY_SELLER_ID?: string | undefined;
    ALIPAY_PUBLIC_KEY_FILE?: string | undefined;
  },
  base: string = process.cwd(),
): { wechatPay?: WechatPayConfig; alipay?: AlipayConfig } {
  const configs: { wechatPay?: WechatPayConfig; alipay?: AlipayConfig } = {};
  if (env.WECHATPAY_MCH_ID && env.WECHATPAY_APIV3_KEY && env.WECHATPAY_PLATFORM_KEYS) {
    const platformKeys = new Map<string, KeyObject>();
    for (const entry of env.WECHATPAY_PLATFORM_KEYS.split(',')) {
      const [serial, path] = entry.split('=');
      if (!serial || !path) throw new Error('WECHATPAY_PLATFORM_KEYS: expected SERIAL=path,SERIAL=path');
      platformKeys.set(serial.trim(), publicKeyFrom(path.trim(), base));
    }
    configs.wechatPay = {
      mchId: env.WECHATPAY_MCH_ID,
      apiV3Key: env.WECHATPAY_APIV3_KEY,
      platformKeys,
      toleranceSeconds: env.WECHATPAY_TOLERANCE_SECONDS,
    };
  }
  if (env.ALIPAY_APP_ID && env.ALIPAY_PUBLIC_KEY_FILE) {
    if (!env.ALIPAY_SELLER_ID)
      throw new Error('ALIPAY_SELLER_ID (the merchant’s 2088… partner id) is required with ALIPAY_APP_ID');
    configs.alipay = {
      appId: env.ALIPAY_APP_ID,
      sellerId: env.ALIPAY_SELLER_ID,
      alipayPublicKey: publicKeyFrom(env.ALIPAY_PUBLIC_KEY_FILE, base),
    };
  }
  return configs;
}
