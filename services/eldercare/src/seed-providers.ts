import { taicang } from '@huimin/contracts';
import { serviceTypes } from './domain/service-types.ts';
import type { ProviderProfile } from './store/provider-store.ts';

/**
 * Demo providers for the dev stack. P-ANYANG matches identity's demo provider login
 * (provider.anyang) and serves the whole county; the others give the assignment a choice.
 */
export function demoProviders(): ProviderProfile[] {
  const towns = taicang.towns().map((t) => t.code);
  const everything = [...serviceTypes];
  return [
    {
      providerId: 'P-ANYANG',
      name: '安养居家服务',
      dailyCapacity: 2_000,
      offerings: towns.map((townCode) => ({ townCode, serviceTypes: everything })),
    },
    {
      providerId: 'P-LOUDONG-CARE',
      name: '娄东护理站',
      dailyCapacity: 300,
      offerings: towns
        .slice(0, 3)
        .map((townCode) => ({
          townCode,
          serviceTypes: ['personal-care', 'rehab-nursing', 'night-care'] as const,
        }))
        .map((o) => ({ ...o, serviceTypes: [...o.serviceTypes] })),
    },
    {
      providerId: 'P-HEART-MEALS',
      name: '爱心助餐点',
      dailyCapacity: 1_000,
      offerings: towns.map((townCode) => ({
        townCode,
        serviceTypes: ['meal-help' as const, 'daily-check-on' as const],
      })),
    },
  ];
}
