import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { RunOperationsResolver } from './run-operations.resolver.js';
import { RunsResolver } from './runs.resolver.js';
import { RunsService } from './runs.service.js';

@Module({ imports: [EventsModule], providers: [RunsService, RunsResolver, RunOperationsResolver] })
export class RunsModule {}
