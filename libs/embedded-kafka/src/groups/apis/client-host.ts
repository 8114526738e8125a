import type { RequestContext } from '../../protocol/api.ts';

/** Kafka shows a member's address as "/ip" in DescribeGroups. */
export function clientHostOf(ctx: RequestContext): string {
  return ctx.clientHost ? `/${ctx.clientHost}` : '';
}
