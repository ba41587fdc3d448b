import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../authn/public.decorator';
import { AuthorizationService } from './authorization.service';
import { AUTHORIZE_METADATA, type AuthorizeMetadata } from './authorize.decorator';

/** Applies `@Authorize(action, subject)` after authentication; routes without it pass through. */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authorization: AuthorizationService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const required = this.reflector.getAllAndOverride<AuthorizeMetadata | undefined>(AUTHORIZE_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required) return true;
    await this.authorization.gate(required.action, required.subject);
    return true;
  }
}
