import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOperation, renderKustomization } from './kustomize-lite.ts';

describe('the overlay renderer', () => {
  it('applies JSON 6902 add, replace, remove and appends with -', () => {
    const document = { spec: { replicas: 2, env: [{ name: 'A' }], extra: true } };
    applyOperation(document, { op: 'replace', path: '/spec/replicas', value: 1 });
    applyOperation(document, { op: 'add', path: '/spec/env/-', value: { name: 'B' } });
    applyOperation(document, { op: 'remove', path: '/spec/extra' });
    expect(document).toEqual({ spec: { replicas: 1, env: [{ name: 'A' }, { name: 'B' }] } });
    expect(() => applyOperation(document, { op: 'replace', path: '/spec/missing', value: 1 })).toThrow();
  });

  it('refuses Kustomize features it does not apply, and patches that match nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kustomize-lite-'));
    writeFileSync(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n');
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [a.yaml]\ncommonLabels: { x: y }\n');
    expect(() => renderKustomization(dir)).toThrow(/unsupported fields commonLabels/);
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      'resources: [a.yaml]\npatches:\n  - target: { kind: Deployment }\n    patch: "[]"\n',
    );
    expect(() => renderKustomization(dir)).toThrow(/matches nothing/);
  });
});
