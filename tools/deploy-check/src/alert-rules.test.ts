import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingAnchor, markdownAnchors, metricsInExpression, parseAlertRules } from './alert-rules.ts';
import { readRepoFile, repoRoot } from './repo.ts';

const live = parseAlertRules(readRepoFile('infra/prometheus/alerts.yml'));
const awaiting = parseAlertRules(readRepoFile('infra/prometheus/alerts-awaiting-metrics.yml'));
const anchors = markdownAnchors(readRepoFile('docs/runbook.md'));

/** Every TypeScript source under libs/*\/src and services/*\/src, tests excluded. */
function sourceText(): string {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
        texts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const top of ['libs', 'services'])
    for (const pkg of readdirSync(join(repoRoot, top), { withFileTypes: true }))
      if (pkg.isDirectory()) {
        try {
          walk(join(repoRoot, top, pkg.name, 'src'));
        } catch {
          // a package without src/ (yet) exports no metrics
        }
      }
  return texts.join('\n');
}

describe('Prometheus alert rules', () => {
  it('cover consumer lag, dead letters, error rates, ingest and charity today', () => {
    const names = live.map((rule) => rule.alert);
    expect(names).toEqual(
      expect.arrayContaining([
        'ConsumerLagHigh',
        'DeadLettersGrowing',
        'HttpErrorRateHigh',
        'IngestPublishFailing',
      ]),
    );
    expect(names).toEqual(
      expect.arrayContaining(['OutboxBacklog', 'AlertSlaBreached', 'RobotDeliveryFailing']),
    );
    // Every rule the platform needs has its metric now; new ones wait in the other file.
    expect(awaiting.map((rule) => rule.alert)).toEqual([]);
  });

  it.each([...live, ...awaiting].map((rule) => [rule.alert, rule] as const))(
    '%s points at an entry of docs/runbook.md',
    (_name, rule) => {
      const link = rule.annotations?.runbook ?? '';
      expect(link).toMatch(/^docs\/runbook\.md#/);
      expect([...anchors]).toContain(link.split('#')[1]);
    },
  );

  it.each(live.map((rule) => [rule.alert, rule] as const))(
    '%s reads only metrics the code exports',
    (_name, rule) => {
      const code = sourceText();
      const metrics = metricsInExpression(rule.expr);
      // `up` is Prometheus' own series; any other rule must read at least one of ours.
      if (!/\bup\b/.test(rule.expr)) expect(metrics.length).toBeGreaterThan(0);
      expect(metrics.filter((metric) => !code.includes(`'${metric}'`))).toEqual([]);
    },
  );

  it('reads metric names out of PromQL, folding histogram suffixes', () => {
    expect(
      metricsInExpression(
        'histogram_quantile(0.99, sum by (service, le) (rate(huimin_http_request_duration_seconds_bucket{status_code=~"5.."}[5m]))) > 1 and up == 0',
      ),
    ).toEqual(['huimin_http_request_duration_seconds']);
    expect(metricsInExpression('time() - max (a_timestamp_seconds) > 26 * 3600')).toEqual([
      'a_timestamp_seconds',
    ]);
  });

  it('makes GitHub heading anchors', () => {
    expect(headingAnchor('Replay a dead-letter topic')).toBe('replay-a-dead-letter-topic');
    expect(headingAnchor('Kafka with TLS and SASL')).toBe('kafka-with-tls-and-sasl');
    expect(markdownAnchors('# A\n```\n# not a heading\n```\n## B c\n')).toEqual(new Set(['a', 'b-c']));
  });
});
