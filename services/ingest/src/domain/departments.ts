import { type EventType, events } from '@huimin/contracts';

// Who may send what (X-Road's model: each member is granted access per service). A department
// may publish only the feed types listed for it; a grant may be narrowed further to some values
// of a payload field (grid workers report only grid-worker signals, and only as grid management).

export const departmentCodes = [
  'medical-insurance-bureau',
  'household-registry',
  'human-resources',
  'disabled-persons-federation',
  'assistance-system',
  'grid-management',
] as const;

export type DepartmentCode = (typeof departmentCodes)[number];

/** A payload field the grant pins to a few values (`kind` of a department signal). */
export interface FieldRestriction {
  field: string;
  values: readonly string[];
}

export interface Grant {
  type: EventType;
  restrict?: readonly FieldRestriction[];
}

export interface Department {
  code: DepartmentCode;
  /** What the bureau's staff call it. */
  name: string;
  grants: readonly Grant[];
}

const medicalExpenses: Grant[] = [
  { type: 'huimin.feed.medical-expense.recorded.v1' },
  { type: 'huimin.feed.medical-expense.corrected.v1' },
  { type: 'huimin.feed.medical-expense.reversed.v1' },
];

const households: Grant[] = [
  { type: 'huimin.feed.household.registered.v1' },
  { type: 'huimin.feed.household.updated.v1' },
  { type: 'huimin.feed.household.dissolved.v1' },
  { type: 'huimin.feed.household.retracted.v1' },
];

const memberIncomes: Grant[] = [
  { type: 'huimin.feed.member-income.reported.v1' },
  { type: 'huimin.feed.member-income.retracted.v1' },
];

/** A department's own signals: the kinds it may report, always under its own `reportedBy`. */
function signals(kinds: readonly string[], reportedBy: string): Grant[] {
  return [
    {
      type: 'huimin.feed.department-signal.reported.v1',
      restrict: [
        { field: 'kind', values: kinds },
        { field: 'reportedBy', values: [reportedBy] },
      ],
    },
    { type: 'huimin.feed.department-signal.retracted.v1' },
  ];
}

export const departments: Readonly<Record<DepartmentCode, Department>> = Object.freeze({
  'medical-insurance-bureau': { code: 'medical-insurance-bureau', name: '医保局', grants: medicalExpenses },
  'household-registry': { code: 'household-registry', name: '公安户籍', grants: households },
  'human-resources': {
    code: 'human-resources',
    name: '人社局',
    grants: [...memberIncomes, ...signals(['unemployment'], 'human-resources')],
  },
  'disabled-persons-federation': {
    code: 'disabled-persons-federation',
    name: '残联',
    grants: [
      { type: 'huimin.feed.disability.certified.v1' },
      { type: 'huimin.feed.disability.retracted.v1' },
    ],
  },
  'assistance-system': {
    code: 'assistance-system',
    name: '社会救助系统',
    grants: [
      { type: 'huimin.feed.assistance-enrolment.changed.v1' },
      { type: 'huimin.feed.assistance-enrolment.retracted.v1' },
      ...memberIncomes,
      { type: 'huimin.feed.household-assets.reported.v1' },
      { type: 'huimin.feed.household-assets.retracted.v1' },
    ],
  },
  'grid-management': {
    code: 'grid-management',
    name: '网格',
    grants: signals(['grid-worker-report'], 'grid-management'),
  },
});

export function isDepartmentCode(value: string): value is DepartmentCode {
  return (departmentCodes as readonly string[]).includes(value);
}

/** Every event type some department may send: the types ingest has routes for. */
export const ingestibleTypes: readonly EventType[] = Object.freeze(
  Object.keys(events).filter((type) =>
    departmentCodes.some((code) => departments[code].grants.some((grant) => grant.type === type)),
  ) as EventType[],
);

export function isIngestibleType(type: string): type is EventType {
  return (ingestibleTypes as readonly string[]).includes(type);
}

/** The department's grant for a type, or undefined when it may not send that type at all. */
export function grantFor(department: DepartmentCode, type: string): Grant | undefined {
  return departments[department].grants.find((grant) => grant.type === type);
}

export interface ScopeViolation {
  pointer: string;
  code: 'NOT_PERMITTED';
  message: string;
}

/** Which fields of an otherwise valid payload fall outside the grant. */
export function outsideGrant(grant: Grant, payload: Record<string, unknown>): ScopeViolation[] {
  return (grant.restrict ?? []).flatMap(({ field, values }) =>
    values.includes(payload[field] as string)
      ? []
      : [
          {
            pointer: `/${field}`,
            code: 'NOT_PERMITTED' as const,
            message: `this department may send only ${values.join(', ')} here`,
          },
        ],
  );
}
