/** The home-visit services the government buys (居家养老上门服务). */
export const serviceTypes = [
  'meal-help', // 助餐/送餐
  'personal-care', // 生活照料
  'rehab-nursing', // 康复护理
  'bathing', // 助浴
  'cleaning', // 保洁
  'daily-check-on', // 日常关爱
  'home-adaptation-assessment', // 适老化改造评估
  'night-care', // 夜间照护
] as const;
export type ServiceType = (typeof serviceTypes)[number];

export function isServiceType(value: unknown): value is ServiceType {
  return typeof value === 'string' && (serviceTypes as readonly string[]).includes(value);
}
