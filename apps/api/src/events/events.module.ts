import { Module } from '@nestjs/common';
import { EventStreamService } from './event-stream.service.js';

/** Import it in a feature module that declares @Subscription resolvers. */
@Module({
  providers: [EventStreamService],
  exports: [EventStreamService],
})
export class EventsModule {}
