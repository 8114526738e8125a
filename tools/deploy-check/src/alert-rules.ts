import { parse } from 'yaml';

export interface AlertRule {
  alert: string;
  expr: string;
  annotations?: Record<string, string>;
}

export function parseAlertRules(text: string): AlertRule[] {
  const document = parse(text) as { groups?: { rules?: AlertRule[] }[] };
  return (document.groups ?? []).flatMap((group) => group.rules ?? []);
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);
/** Series Prometheus itself makes for every target. */
const BUILTIN_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/**
 * The metric names a PromQL expression reads, with histogram suffixes folded onto the metric
 * (`x_bucket` → `x`). A light reading, not a PromQL parser: strings, label matchers, grouping
 * clauses and ranges are removed first; what is left that is not a function call or keyword is
 * a metric.
 */
export function metricsInExpression(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (!name || call || KEYWORDS.has(name.toLowerCase())) continue;
    if (BUILTIN_SERIES.has(name)) continue;
    names.add(name.replace(/_(bucket|count|sum)$/, ''));
  }
  return [...names].sort();
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Anchors of every heading in a Markdown document (outside code fences). */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1]) anchors.add(headingAnchor(heading[1]));
  }
  return anchors;
}
