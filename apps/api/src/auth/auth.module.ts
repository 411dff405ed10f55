import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { AuthGuard } from './auth.guard.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { CryptoRepository } from './crypto.repository.js';
import { LoginThrottle } from './login-throttle.js';
import { RequestLimits } from './request-limits.js';

/** Sign-up, login, sessions, API keys, request rate limits, and the global guard every resolver goes through. */
@Module({
  imports: [AuditModule],
  providers: [AuthService, CryptoRepository, LoginThrottle, RequestLimits, AuthResolver, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, RequestLimits],
})
export class AuthModule {}
