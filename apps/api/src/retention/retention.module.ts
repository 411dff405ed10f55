import { Module } from '@nestjs/common';
import { RetentionResolver } from './retention.resolver.js';

@Module({ providers: [RetentionResolver] })
export class RetentionModule {}
