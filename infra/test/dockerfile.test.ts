import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * No Docker engine runs here: the Dockerfile's structure is checked instead — stages, a pinned
 * Node 20 base, a non-root user, no development dependencies in the process images, a HEALTHCHECK,
 * and an entry command that exists in the build output (`npx turbo run build`).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCKERFILE = path.join(ROOT, 'infra', 'images', 'Dockerfile');

interface Instruction {
  op: string;
  args: string;
}

interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Instructions (continuation lines joined, comments dropped) grouped by stage. */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op, rest] = /^(\S+)\s+(.*)$/.exec(line)!;
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest)!;
      stages.push({ name: m[2] ?? `#${stages.length}`, from: m[1], instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [k, v] = rest.split('=');
      args[k] = v;
    } else {
      stages[stages.length - 1].instructions.push({ op: upper, args: rest });
    }
  }
  return { args, stages };
}

const { args, stages } = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
const stage = (name: string) => stages.find((s) => s.name === name)!;

/** The stage and every stage it is built FROM, nearest first. */
function chain(name: string): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage(name); s; s = stages.find((x) => x.name === s!.from)) out.push(s);
  return out;
}

/** The last value of `op` along the chain (what the image ends up with). */
const last = (name: string, op: string) =>
  chain(name)
    .flatMap((s) => [...s.instructions].reverse())
    .find((i) => i.op === op)?.args;

const PROCESS_TARGETS = ['api', 'scheduler', 'worker', 'web'] as const;

describe('infra/images/Dockerfile', () => {
  it('builds in stages from a pinned Node 20 image', () => {
    expect(stages.map((s) => s.name)).toEqual(['base', 'build', 'pruned', 'runtime', 'api', 'scheduler', 'worker', 'web', 'migrate']);
    expect(args.NODE_IMAGE).toMatch(/^node:20\.\d+\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/);
    expect(stage('base').from).toBe('${NODE_IMAGE}');
    // Every other stage starts from one of the file's stages (no second, unpinned base).
    for (const s of stages.slice(1)) expect(stages.map((x) => x.name)).toContain(s.from);
  });

  it.each([...PROCESS_TARGETS, 'migrate'])('%s runs as a non-root user', (target) => {
    const user = last(target, 'USER');
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it.each(PROCESS_TARGETS)('%s carries production dependencies only and has a HEALTHCHECK', (target) => {
    const stagesOf = chain(target);
    // The build stage (full install) is not in the image's chain; what is copied into it comes
    // from the stage that pruned the development dependencies.
    expect(stagesOf.map((s) => s.name)).not.toContain('build');
    const copiedFrom = stagesOf.flatMap((s) => s.instructions.filter((i) => i.op === 'COPY').map((i) => /--from=(\S+)/.exec(i.args)?.[1]));
    expect(copiedFrom).toEqual(['pruned']);
    expect(stage('pruned').instructions.some((i) => i.op === 'RUN' && /npm prune --omit=dev/.test(i.args))).toBe(true);
    for (const s of stagesOf) {
      for (const i of s.instructions.filter((x) => x.op === 'RUN')) expect(i.args).not.toMatch(/npm (ci|install)(?![^&]*--omit=dev)/);
    }
    expect(last(target, 'HEALTHCHECK')).toMatch(/healthz|login/);
  });

  it.each([...PROCESS_TARGETS, 'migrate'])("%s's entry command exists in the build output", (target) => {
    const cmd = JSON.parse(last(target, 'CMD')!) as string[];
    expect(cmd[0]).toBe('node');
    const workdir = last(target, 'WORKDIR')!;
    expect(workdir.startsWith('/app')).toBe(true);
    const entry = path.join(ROOT, path.relative('/app', path.posix.resolve(workdir, cmd[1])));
    expect([target, existsSync(entry)]).toEqual([target, true]);
    if (target === 'web') expect(existsSync(path.join(ROOT, 'apps', 'web', '.next', 'BUILD_ID'))).toBe(true);
  });
});
