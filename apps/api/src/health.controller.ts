import { Controller, Get, Inject } from '@nestjs/common';
import type { PrismaClient } from '@tower/db';
import { PRISMA } from './common/tokens.js';

@Controller()
export class HealthController {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Liveness + database reachability, for load balancers and `npm start`. */
  @Get('health')
  async health(): Promise<{ status: string }> {
    await this.prisma.$queryRaw`SELECT 1`;
    return { status: 'ok' };
  }
}
