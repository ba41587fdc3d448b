import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from './public.decorator';
import { RequestAuthenticator } from './request-authenticator';

export { PURPOSE_HEADER, JUSTIFICATION_HEADER } from './request-authenticator';

/**
 * Global guard: every route needs credentials unless marked `@Public()`. The checks themselves
 * (credential, purpose, request context, span tags) are {@link RequestAuthenticator}'s.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    await this.authenticator.authenticate(context.switchToHttp().getRequest<Request>());
    return true;
  }
}
