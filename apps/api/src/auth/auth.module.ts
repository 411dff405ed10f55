import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { AuthGuard } from './auth.guard.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { CryptoRepository } from './crypto.repository.js';
import { LoginThrottle } from './login-throttle.js';
import { PrincipalRevocations } from './principal-revocations.js';

/** Sign-up, login, sessions, API keys, credential revocation, and the global guard every resolver goes through. */
@Module({
  imports: [AuditModule],
  providers: [AuthService, CryptoRepository, LoginThrottle, PrincipalRevocations, AuthResolver, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, CryptoRepository, LoginThrottle, PrincipalRevocations],
})
export class AuthModule {}
