import type { RequestContext } from '../../protocol/api.ts';

/** Kafka shows a member's address as "/ip" in DescribeGroups. */
export function clientHostOf(ctx: RequestContext): string {
  const host = (ctx as RequestContext & { clientHost?: string }).clientHost;
  return host ? `/${host}` : '';
}
