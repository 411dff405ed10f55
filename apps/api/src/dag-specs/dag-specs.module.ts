import { Module } from '@nestjs/common';
import { DagSpecsResolver } from './dag-specs.resolver.js';
import { DagSpecsService } from './dag-specs.service.js';

/** validateDagSpec and schedulePreview: spec tooling for editors and the UI, storing nothing. */
@Module({ providers: [DagSpecsService, DagSpecsResolver] })
export class DagSpecsModule {}
