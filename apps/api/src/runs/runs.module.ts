import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { RunsResolver } from './runs.resolver.js';
import { RunsService } from './runs.service.js';

@Module({ imports: [EventsModule], providers: [RunsService, RunsResolver] })
export class RunsModule {}
