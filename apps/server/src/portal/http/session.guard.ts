import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { PortalError } from '../domain/portal-error';
import { Sessions } from '../domain/sessions';
import { SESSION_COOKIE } from './cookies';
import { PortalRequest } from './portal-request';

/** Resolves the session cookie to the parent's account id (and records the use); 401 otherwise. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: Sessions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<PortalRequest>();
    const token = request.cookies?.[SESSION_COOKIE];
    const parentId = await this.sessions.resolve(token);
    if (!parentId) throw new PortalError('unauthenticated', 'sign in first (your session may have expired: 15 minutes without activity, or 12 hours in all)');
    request.parentId = parentId;
    request.sessionToken = token;
    return true;
  }
}
