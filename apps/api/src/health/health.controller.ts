import { Controller, Get } from '@nestjs/common';
import type { PrismaClient } from '@tower/db';
import { InjectPrisma } from '../common/tokens.js';

@Controller()
export class HealthController {
  constructor(@InjectPrisma() private readonly prisma: PrismaClient) {}

  /** Liveness + database reachability, for load balancers, `npm start` and the e2e harness. */
  @Get('health')
  async health(): Promise<{ status: string }> {
    await this.prisma.$queryRaw`SELECT 1`;
    return { status: 'ok' };
  }
}
