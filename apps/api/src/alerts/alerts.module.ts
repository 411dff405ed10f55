import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { AlertsResolver } from './alerts.resolver.js';
import { AlertsService } from './alerts.service.js';

@Module({ imports: [EventsModule], providers: [AlertsResolver, AlertsService] })
export class AlertsModule {}
