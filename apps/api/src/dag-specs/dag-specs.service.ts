import { Injectable } from '@nestjs/common';
import { nextFireTimes, TowerError } from '@tower/core';
import type { Engine } from '@tower/engine';
import type { Actor } from '../auth/actor.js';
import { InjectEngine } from '../common/tokens.js';
import { MAX_PREVIEW_COUNT, type SchedulePreviewArgs } from './dtos/schedule-preview.args.js';
import type { ValidationResultModel } from './dtos/validation-result.dto.js';

/** Read-only tools around DAG specs: nothing here stores anything. */
@Injectable()
export class DagSpecsService {
  constructor(@InjectEngine() private readonly engine: Engine) {}

  /** Every error at once, each with its path; connection ids are checked against the tenant's. */
  async validate(actor: Actor, spec: unknown): Promise<ValidationResultModel> {
    const { valid, errors } = await this.engine.dags.validate(actor.tenantId, spec);
    return { valid, errors: errors.map(({ path, message }) => ({ path, message })) };
  }

  /** Fire times with Tower's DST rules; a bad cron or time zone is BAD_USER_INPUT naming it. */
  schedulePreview(args: SchedulePreviewArgs, now: Date = new Date()): Date[] {
    if (!Number.isInteger(args.count) || args.count < 1 || args.count > MAX_PREVIEW_COUNT) {
      throw new TowerError('BAD_USER_INPUT', `count must be between 1 and ${MAX_PREVIEW_COUNT}`, { path: 'count' });
    }
    return nextFireTimes(args.schedule, args.timezone, args.after ?? now, args.count);
  }
}
