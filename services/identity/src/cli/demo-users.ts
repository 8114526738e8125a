import type { Role } from '@huimin/auth';

// Demo people of two towns: 娄东街道 (320585001) and 陆渡街道 (320585002). Listed in the README.
export const DEMO_PASSWORD = 'huimin-demo-2026';

interface DemoUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  jurisdictions: string[];
  providerId?: string;
}

const people: DemoUser[] = [
  {
    id: 'u-handler-changsheng',
    username: 'handler.changsheng',
    displayName: '常胜社区经办人',
    role: 'case-handler',
    jurisdictions: ['320585001001'],
  },
  {
    id: 'u-handler-funan',
    username: 'handler.funan',
    displayName: '府南社区经办人',
    role: 'case-handler',
    jurisdictions: ['320585001002'],
  },
  {
    id: 'u-handler-ludu',
    username: 'handler.ludu',
    displayName: '陆渡社区经办人',
    role: 'case-handler',
    jurisdictions: ['320585002001'],
  },
  {
    id: 'u-supervisor-loudong',
    username: 'supervisor.loudong',
    displayName: '娄东街道督办',
    role: 'town-supervisor',
    jurisdictions: ['320585001'],
  },
  {
    id: 'u-supervisor-ludu',
    username: 'supervisor.ludu',
    displayName: '陆渡街道督办',
    role: 'town-supervisor',
    jurisdictions: ['320585002'],
  },
  {
    id: 'u-admin',
    username: 'admin',
    displayName: '民政局管理员',
    role: 'bureau-admin',
    jurisdictions: ['320585'],
  },
  { id: 'u-auditor', username: 'auditor', displayName: '审计员', role: 'auditor', jurisdictions: ['320585'] },
  {
    id: 'u-leader',
    username: 'leader',
    displayName: '民政局局长',
    role: 'bureau-leader',
    jurisdictions: ['320585'],
  },
  {
    id: 'u-provider-anyang',
    username: 'provider.anyang',
    displayName: '安养居家服务',
    role: 'provider-staff',
    jurisdictions: [],
    providerId: 'P-ANYANG',
  },
  {
    id: 'u-approver',
    username: 'approver',
    displayName: '慈善会审批人',
    role: 'charity-approver',
    jurisdictions: ['320585'],
  },
];

export const demoUsers = people.map((user) => ({ ...user, password: DEMO_PASSWORD }));

export const serviceNames = [
  'ingest',
  'eligibility',
  'risk',
  'discovery',
  'notify',
  'eldercare',
  'charity',
  'assistance',
];

/** Each demo handler on the roster of the communities they cover. */
export function demoRosters(): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const user of people) {
    if (user.role !== 'case-handler') continue;
    for (const code of user.jurisdictions) result[code] = [...(result[code] ?? []), user.id];
  }
  return result;
}
