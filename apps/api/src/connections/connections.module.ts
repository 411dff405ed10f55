import { Module } from '@nestjs/common';
import { ConnectionsResolver } from './connections.resolver.js';

@Module({ providers: [ConnectionsResolver] })
export class ConnectionsModule {}
