import type { CharityPurpose } from '@huimin/contracts';
import type { Static } from '@sinclair/typebox';

export type Purpose = Static<typeof CharityPurpose>;

export const PURPOSES: readonly Purpose[] = [
  'medical',
  'education',
  'elderly-care',
  'disability',
  'disaster-relief',
  'hardship',
];

/** How the disclosure page and receipts name a purpose. */
export const purposeLabel: Record<Purpose, string> = {
  medical: '医疗救助',
  education: '助学',
  'elderly-care': '助老',
  disability: '助残',
  'disaster-relief': '救灾',
  hardship: '帮困',
};
