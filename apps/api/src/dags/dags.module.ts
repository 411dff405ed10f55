import { Module } from '@nestjs/common';
import { DagsResolver } from './dags.resolver.js';
import { DagsService } from './dags.service.js';

@Module({ providers: [DagsService, DagsResolver] })
export class DagsModule {}
