import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { PortalError } from '../domain/portal-error';
import { Sessions } from '../domain/sessions';
import { SESSION_COOKIE, readCookie } from './cookies';
import { PortalRequest } from './portal-request';

/** Resolves the session cookie to the parent's account id (and records the use); 401 otherwise. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: Sessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<PortalRequest>();
    const token = readCookie(request, this.config, SESSION_COOKIE);
    const parentId = await this.sessions.resolve(token);
    if (!parentId) throw new PortalError('unauthenticated', 'sign in first (your session may have expired: 15 minutes without activity, or 12 hours in all)');
    request.parentId = parentId;
    request.sessionToken = token;
    return true;
  }
}
