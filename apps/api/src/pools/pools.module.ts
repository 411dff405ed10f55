import { Module } from '@nestjs/common';
import { PoolsResolver } from './pools.resolver.js';

@Module({ providers: [PoolsResolver] })
export class PoolsModule {}
