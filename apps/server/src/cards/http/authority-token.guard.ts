import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthorityTokens } from '../domain/authority-tokens';

export type AuthorityRequest = FastifyRequest & { authority?: { id: string; name: string } };

/** `Authorization: Bearer <token>` with a live authority token, else 401 (same answer for every failure). */
@Injectable()
export class AuthorityTokenGuard implements CanActivate {
  constructor(private readonly tokens: AuthorityTokens) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthorityRequest>();
    const authority = await this.tokens.authenticate(request.headers.authorization);
    if (!authority) throw new UnauthorizedException({ error: 'unauthorized', message: 'a valid authority bearer token is required' });
    request.authority = authority;
    return true;
  }
}
