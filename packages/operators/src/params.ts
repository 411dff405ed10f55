import { OperatorError, type OperatorContext } from './operator.js';

/**
 * Readers for an operator's `with`. The spec validation already checked the shapes; these keep
 * the operators safe when called directly and give the task id in every message. Failures are
 * non-retryable: a retry renders the same configuration.
 */
export class Params {
  constructor(private readonly ctx: OperatorContext) {}

  private fail(name: string, expected: string, value: unknown): never {
    throw new OperatorError(`task ${this.ctx.taskId}: with.${name} must be ${expected}, got ${JSON.stringify(value) ?? 'undefined'}`, false);
  }

  raw(name: string): unknown {
    return this.ctx.params[name];
  }

  string(name: string): string;
  string(name: string, fallback: string | undefined): string | undefined;
  string(name: string, ...fallback: [string | undefined] | []): string | undefined {
    const v = this.ctx.params[name];
    if (v === undefined || v === null) {
      if (fallback.length) return fallback[0];
      throw new OperatorError(`task ${this.ctx.taskId}: with.${name} is required`, false);
    }
    if (typeof v !== 'string' || v.length === 0) this.fail(name, 'a non-empty string', v);
    return v;
  }

  stringOrList(name: string): string[] {
    const v = this.ctx.params[name];
    if (typeof v === 'string' && v.length > 0) return [v];
    if (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.length > 0)) return v as string[];
    if (v === undefined) throw new OperatorError(`task ${this.ctx.taskId}: with.${name} is required`, false);
    return this.fail(name, 'a non-empty string or a non-empty list of strings', v);
  }

  stringList(name: string): string[] {
    const v = this.ctx.params[name];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
    return this.fail(name, 'a list of strings', v);
  }

  boolean(name: string, fallback: boolean): boolean {
    const v = this.ctx.params[name];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.fail(name, 'true or false', v);
    return v;
  }

  positiveNumber(name: string, fallback: number): number {
    const v = this.ctx.params[name];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) this.fail(name, 'a positive number', v);
    return v;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T | undefined): T {
    const v = this.ctx.params[name] ?? fallback;
    if (v === undefined) throw new OperatorError(`task ${this.ctx.taskId}: with.${name} is required (one of ${allowed.join(', ')})`, false);
    if (!allowed.includes(v as T)) this.fail(name, `one of ${allowed.join(', ')}`, v);
    return v as T;
  }

  object(name: string): Record<string, unknown> | undefined {
    const v = this.ctx.params[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(name, 'an object', v);
    return v as Record<string, unknown>;
  }
}
