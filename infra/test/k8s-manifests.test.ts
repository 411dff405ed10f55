import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/**
 * Renders infra/k8s/overlays/{dev,prod} with `kubectl kustomize` (kubectl ≥ 1.32 ships Kustomize 5),
 * validates every object against the Kubernetes (and KEDA) schemas, and checks what a deployment
 * of Tower relies on.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: unknown;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  lifecycle?: { preStop?: unknown };
}

function render(overlay: string): { text: string; objects: K8sObject[] } {
  const text = execFileSync('kubectl', ['kustomize', path.join(ROOT, 'infra', 'k8s', 'overlays', overlay)], { encoding: 'utf8' });
  const objects = parseAllDocuments(text).map((d) => d.toJSON() as K8sObject);
  return { text, objects };
}

/** The kubernetes-models class of an object: `kubernetes-models/<group>/<version>/<Kind>`, KEDA's from @kubernetes-models/keda. */
async function modelOf(o: K8sObject): Promise<new (data: unknown) => { validate(): void }> {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const module =
    group === 'keda.sh' ? `@kubernetes-models/keda/keda.sh/${version}/${o.kind}` : `kubernetes-models/${group ? `${group}/` : ''}${version}/${o.kind}`;
  const loaded = (await import(module)) as Record<string, new (data: unknown) => { validate(): void }>;
  const model = loaded[o.kind] ?? (loaded.default as unknown as Record<string, new (data: unknown) => { validate(): void }>)?.[o.kind];
  if (!model) throw new Error(`no schema model for ${o.apiVersion} ${o.kind}`);
  return model;
}

const podSpecOf = (o: K8sObject) => (o.spec as { template: { spec: { containers: Container[]; terminationGracePeriodSeconds?: number } } }).template.spec;

const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// kubectl is on the project's machines (not Debian's kubernetes-client 1.20, which has no kustomize 5).
if (!kubectl) throw new Error('kubectl (≥ 1.32, with Kustomize 5) is needed to render infra/k8s: see infra/README.md');

describe.each(['dev', 'prod'])('infra/k8s/overlays/%s', (overlay) => {
  const { text, objects } = render(overlay);
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployments = byKind('Deployment');

  it('renders objects that all validate against the Kubernetes schema', async () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) {
      const Model = await modelOf(o);
      expect(() => new Model(o).validate()).not.toThrow();
    }
    // The validation is real: a broken object is refused.
    const Model = await modelOf(deployments[0]);
    expect(() => new Model({ ...deployments[0], spec: { ...deployments[0].spec, replicas: 'two' } }).validate()).toThrow();
  });

  it('runs api, scheduler (≥ 2 replicas), both worker lanes and web, each with a PodDisruptionBudget', () => {
    const names = deployments.map((d) => d.metadata.name).sort();
    expect(names).toEqual(['tower-api', 'tower-scheduler', 'tower-web', 'tower-worker-bulk', 'tower-worker-interactive']);
    expect((deployments.find((d) => d.metadata.name === 'tower-scheduler')!.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
    const pdbs = byKind('PodDisruptionBudget');
    for (const d of deployments) {
      const labels = (d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      const pdb = pdbs.filter((p) => JSON.stringify((p.spec as { selector: { matchLabels: unknown } }).selector.matchLabels) === JSON.stringify(labels));
      expect(pdb.map((p) => p.metadata.name)).toEqual([d.metadata.name]);
    }
  });

  it('scales each worker lane on its waiting jobs (KEDA)', () => {
    const scaled = byKind('ScaledObject');
    expect(scaled.map((s) => (s.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).sort()).toEqual([
      'tower-worker-bulk',
      'tower-worker-interactive',
    ]);
    for (const s of scaled) {
      const lane = s.metadata.name.replace('tower-worker-', '');
      const [trigger] = (s.spec as { triggers: Array<{ type: string; metadata: { query: string } }> }).triggers;
      expect(trigger.type).toBe('prometheus');
      expect(trigger.metadata.query).toContain(`tower_queue_jobs{lane="${lane}"`);
    }
  });

  it("runs each worker lane's pods on that lane only, selected by it (both lanes share one set of manifests)", () => {
    const pdbs = byKind('PodDisruptionBudget');
    for (const lane of ['interactive', 'bulk']) {
      const d = deployments.find((x) => x.metadata.name === `tower-worker-${lane}`)!;
      const [worker] = podSpecOf(d).containers;
      expect([lane, worker.env?.find((e) => e.name === 'WORKER_LANES')?.value]).toEqual([lane, lane]);
      const template = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      const selector = (d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      const pdb = pdbs.find((p) => p.metadata.name === `tower-worker-${lane}`)!;
      for (const labels of [d.metadata.labels, template, selector, (pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels]) {
        expect([lane, labels?.['tower.dev/lane']]).toEqual([lane, lane]);
      }
    }
  });

  it('gives every container probes, requests and limits, and drains workers within their grace period', () => {
    for (const d of deployments) {
      const spec = podSpecOf(d);
      for (const c of spec.containers) {
        const where = `${d.metadata.name}/${c.name}`;
        expect([where, !!c.startupProbe, !!c.livenessProbe, !!c.readinessProbe]).toEqual([where, true, true, true]);
        expect([where, Object.keys(c.resources?.requests ?? {}).sort(), Object.keys(c.resources?.limits ?? {}).sort()]).toEqual([
          where,
          ['cpu', 'memory'],
          ['cpu', 'memory'],
        ]);
        // Pods that receive traffic or hold tries pause before SIGTERM; the scheduler needs not.
        if (d.metadata.name !== 'tower-scheduler') expect([where, !!c.lifecycle?.preStop]).toEqual([where, true]);
      }
    }
    const drainMs = Number(/WORKER_DRAIN_MS: "(\d+)"/.exec(text)?.[1]);
    expect(drainMs).toBeGreaterThan(0);
    for (const d of deployments.filter((x) => x.metadata.name.startsWith('tower-worker-'))) {
      expect(podSpecOf(d).terminationGracePeriodSeconds! * 1000).toBeGreaterThanOrEqual(drainMs + 15_000);
    }
  });

  it('migrates with a Job before the rollout', () => {
    const [job] = byKind('Job');
    expect(job.metadata.name).toBe('tower-migrate');
    const container = (job.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];
    expect((container as unknown as { args: string[] }).args).toEqual(['node', 'scripts/db.mjs', 'migrate']);
    expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
  });

  it('takes secrets from Secret objects and carries no secret value', () => {
    expect(byKind('Secret')).toEqual([]);
    for (const w of [...deployments, ...byKind('Job')]) {
      for (const c of podSpecOf(w).containers) {
        for (const e of c.env ?? []) {
          if (['DATABASE_URL', 'REDIS_URL', 'TOWER_ENCRYPTION_KEYS'].includes(e.name)) {
            expect([e.name, e.value, e.valueFrom?.secretKeyRef?.name]).toEqual([e.name, undefined, 'tower-secrets']);
          }
        }
      }
    }
    // No connection string with credentials, no key material, anywhere in the output.
    expect(text).not.toMatch(/(postgres(ql)?|rediss?):\/\/[^\s'"]*@/);
    expect(text).not.toMatch(/TOWER_ENCRYPTION_KEYS[=:]\s*\S/);
    for (const cm of byKind('ConfigMap')) expect(Object.keys(cm.data as object)).not.toContain('DATABASE_URL');
  });

  it('routes /graphql (and graphql-ws) to the API through the Ingress, with WebSocket-length timeouts', () => {
    const [ingress] = byKind('Ingress');
    const paths = (ingress.spec as { rules: Array<{ http: { paths: Array<{ path: string; backend: { service: { name: string } } }> } }> }).rules[0].http.paths;
    expect(paths.map((p) => [p.path, p.backend.service.name])).toEqual([
      ['/graphql', 'tower-api'],
      ['/', 'tower-web'],
    ]);
    expect(Number(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
  });

  it('limits traffic with NetworkPolicies: the API reaches only Postgres and Redis, workers also the outside', () => {
    const policies = byKind('NetworkPolicy');
    const policy = (name: string) =>
      policies.find((p) => p.metadata.name === name)!.spec as { egress: Array<{ to?: unknown[]; ports?: Array<{ port: number }> }> };
    const deny = policies.find((p) => p.metadata.name === 'tower-default-deny')!.spec as { podSelector: object; policyTypes: string[] };
    expect(deny.podSelector).toEqual({});
    expect(deny.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy('tower-api').egress.flatMap((e) => (e.ports ?? []).map((p) => p.port))).toEqual([5432, 6379]);
    const worker = policy('tower-worker').egress;
    expect(worker[0].ports!.map((p) => p.port)).toEqual([5432, 6379]);
    expect(JSON.stringify(worker[1].to)).toContain('0.0.0.0/0');
  });

  it("believes one proxy hop's X-Forwarded-For, and only the ingress controller's and Prometheus' pods reach the API", () => {
    // Otherwise every client would share the ingress controller's address: its rate limit, its
    // failed-login budget and its turn at the API (REQUESTS_IN_FLIGHT_PER_IP). Any other pod let in
    // could set X-Forwarded-For itself: the API's one port serves /graphql as well as /metrics.
    const config = byKind('ConfigMap').find((c) => c.metadata.name.startsWith('tower-config'))!.data as Record<string, string>;
    expect(config.TRUST_PROXY).toBe('1');
    type Peer = { namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> }; ipBlock?: unknown };
    const api = byKind('NetworkPolicy').find((p) => p.metadata.name === 'tower-api')!.spec as {
      ingress: Array<{ from: Peer[]; ports: Array<{ port: number }> }>;
    };
    expect(
      api.ingress.map((rule) => ({
        from: rule.from.map((f) => ({
          namespace: f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'],
          pods: f.podSelector?.matchLabels,
          ipBlock: f.ipBlock,
        })),
        ports: rule.ports.map((p) => p.port),
      })),
    ).toEqual([
      {
        from: [
          { namespace: 'ingress-nginx', pods: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' }, ipBlock: undefined },
        ],
        ports: [4000],
      },
      { from: [{ namespace: 'monitoring', pods: { 'app.kubernetes.io/name': 'prometheus' }, ipBlock: undefined }], ports: [4000] },
    ]);
  });
});
