import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { AuthGuard } from './auth.guard.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { CryptoRepository } from './crypto.repository.js';
import { LoginThrottle } from './login-throttle.js';
import { PrincipalRevocations } from './principal-revocations.js';
import { RequestLimits } from './request-limits.js';
import { WebSessionController } from './web-session.controller.js';

/** Sign-up, login, sessions (and the web app's session cookie), API keys, credential revocation, request rate limits, and the global guard every resolver goes through. */
@Module({
  imports: [AuditModule],
  controllers: [WebSessionController],
  providers: [AuthService, CryptoRepository, LoginThrottle, PrincipalRevocations, RequestLimits, AuthResolver, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, CryptoRepository, LoginThrottle, PrincipalRevocations, RequestLimits],
})
export class AuthModule {}
