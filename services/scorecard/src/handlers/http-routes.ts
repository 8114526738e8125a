import { randomUUID } from 'node:crypto';
import { authenticate, requireRole, type TokenVerifier, userOf } from '@huimin/auth';
import { isCalendarDate, type Jurisdiction, shanghaiDateOf } from '@huimin/contracts';
import { AppError, type HttpServer } from '@huimin/kit';
import type pg from 'pg';
import { FACT_RECORDERS, SCORECARD_READERS, townScopeOf } from '../access.ts';
import { indicator } from '../domain/indicators.ts';
import { addMonths, shanghaiMonthOf } from '../domain/months.ts';
import { renderReviewPdf } from '../pdf/review-pdf.ts';
import { buildScorecard, type Scorecard, type TownScope } from '../scorecard.ts';
import { earliestActivity } from '../store/activity-store.ts';
import { createComputedStore } from '../store/computed-store.ts';
import { createFactStore, type RecordedFact } from '../store/fact-store.ts';
import { scorecardCsv } from './csv.ts';
import { FactBody, FactQuery, MonthQuery } from './schemas.ts';

export interface RouteDeps {
  pool: pg.Pool;
  verifier: TokenVerifier;
  tree: Jurisdiction;
  now: () => Date;
}

/** How far back a trend goes by default: the plan's five years fit, a decade of history does not. */
const MAX_TREND_MONTHS = 36;

export function registerHttpRoutes(app: HttpServer, deps: RouteDeps): void {
  const { pool, verifier, tree, now } = deps;
  const signedIn = authenticate(verifier);
  const readers = [signedIn, requireRole(...SCORECARD_READERS)];
  const facts = createFactStore(pool);
  const computed = createComputedStore(pool);

  async function scorecardFor(query: MonthQuery, scope: TownScope): Promise<Scorecard> {
    const month = query.month ?? shanghaiMonthOf(now());
    let from = query.from;
    if (from === undefined) {
      const first = await earliestActivity(pool);
      from = first === undefined ? addMonths(month, -11) : first.slice(0, 7);
    }
    if (from < addMonths(month, -(MAX_TREND_MONTHS - 1))) from = addMonths(month, -(MAX_TREND_MONTHS - 1));
    if (from > month) from = month;
    return buildScorecard(
      { computed, tree, now, facts: await facts.list({}) },
      { month, trendFrom: from, scope },
    );
  }

  app.get(
    '/v1/scorecard',
    {
      schema: {
        summary: 'The plan’s 19 indicators for a month: value, baseline, target, progress, trend, towns',
        querystring: MonthQuery,
      },
      onRequest: readers,
    },
    async (request) => {
      const me = userOf(request);
      return scorecardFor(request.query as MonthQuery, townScopeOf(me, tree));
    },
  );

  app.get(
    '/v1/scorecard.csv',
    { schema: { summary: 'The scorecard as CSV (UTF-8)', querystring: MonthQuery }, onRequest: readers },
    async (request, reply) => {
      const me = userOf(request);
      const card = await scorecardFor(request.query as MonthQuery, townScopeOf(me, tree));
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="scorecard-${card.month}.csv"`);
      return scorecardCsv(card);
    },
  );

  app.get(
    '/v1/scorecard.pdf',
    {
      schema: {
        summary: 'The scorecard as a printable PDF for the quarterly review',
        querystring: MonthQuery,
      },
      onRequest: readers,
    },
    async (request, reply) => {
      const me = userOf(request);
      const card = await scorecardFor(request.query as MonthQuery, townScopeOf(me, tree));
      const pdf = await renderReviewPdf(card, now());
      reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="scorecard-${card.month}.pdf"`);
      return pdf;
    },
  );

  app.post(
    '/v1/scorecard/facts',
    {
      schema: {
        summary: 'Record a dated fact for an indicator the bureau keeps, with its source document',
        body: FactBody,
      },
      onRequest: [signedIn, requireRole(...FACT_RECORDERS)],
    },
    async (request, reply) => {
      const me = userOf(request);
      const body = request.body as FactBody;
      const found = indicator(body.indicator);
      if (found === undefined) throw new AppError('INDICATOR_NOT_FOUND', `no indicator ${body.indicator}`);
      if (found.source === 'computed') {
        throw new AppError(
          'INDICATOR_IS_COMPUTED',
          `indicator ${body.indicator} is computed from the platform’s events and cannot be recorded`,
        );
      }
      const measure = body.measure ?? found.measures[0]?.key ?? 'value';
      if (!found.measures.some((m) => m.key === measure)) {
        throw new AppError(
          'INDICATOR_NOT_FOUND',
          `indicator ${body.indicator} has the measures ${found.measures.map((m) => m.key).join(', ')}`,
        );
      }
      if (body.townCode !== undefined && !tree.isTown(body.townCode)) {
        throw new AppError('UNKNOWN_TOWN', `${body.townCode} is not a town of ${tree.county.name}`);
      }
      const problems: { in: string; path: string; message: string }[] = [];
      if (!isCalendarDate(body.asOf)) problems.push({ in: 'body', path: '/asOf', message: 'must be a date' });
      else if (body.asOf > shanghaiDateOf(now()))
        problems.push({ in: 'body', path: '/asOf', message: 'must not lie in the future' });
      if (found.unit === 'percent' && body.value > 100)
        problems.push({ in: 'body', path: '/value', message: 'is a percentage: at most 100' });
      if (problems.length > 0) throw new AppError('VALIDATION_FAILED', 'the fact is not valid', problems);
      const fact: RecordedFact = {
        factId: `F-${randomUUID()}`,
        indicator: body.indicator,
        measure,
        townCode: body.townCode ?? null,
        asOf: body.asOf,
        value: body.value,
        sourceDocument: body.sourceDocument.trim(),
        note: body.note?.trim() || null,
        recordedBy: me.userId,
        recordedByRole: me.role,
        recordedAt: now().toISOString(),
      };
      await facts.record(fact);
      request.log.info({ factId: fact.factId, indicator: fact.indicator }, 'scorecard fact recorded');
      reply.code(201);
      return fact;
    },
  );

  app.get(
    '/v1/scorecard/facts',
    {
      schema: { summary: 'The recorded facts, who recorded each and when', querystring: FactQuery },
      onRequest: readers,
    },
    async (request) => {
      const me = userOf(request);
      const scope = townScopeOf(me, tree);
      const { indicator: number } = request.query as FactQuery;
      const all = await facts.list(number === undefined ? {} : { indicator: number });
      return {
        facts: all.filter((f) => scope === 'all' || f.townCode === null || scope.includes(f.townCode)),
      };
    },
  );
}
