import type { FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/cookie';
import { AppConfig } from '../../config/app-config';
import { SESSION_ABSOLUTE_MS } from '../domain/sessions';

export const SESSION_COOKIE = 'ap_session';
export const CSRF_COOKIE = 'ap_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Secure when the request came over TLS (or always, behind a TLS-terminating proxy: PORTAL_COOKIE_SECURE=always). */
export function secureCookies(request: FastifyRequest, config: AppConfig): boolean {
  if (config.portal.cookieSecure === 'always') return true;
  if (config.portal.cookieSecure === 'never') return false;
  return request.protocol === 'https';
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, config: AppConfig, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: secureCookies(request, config),
    path: '/',
    // The browser forgets it when the session cannot live longer anyway.
    maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, config: AppConfig): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: secureCookies(request, config), path: '/' });
}

/** The double-submit token: readable by the page's script (not HttpOnly), which echoes it in X-CSRF-Token. */
export function setCsrfCookie(reply: FastifyReply, request: FastifyRequest, config: AppConfig, token: string): void {
  reply.setCookie(CSRF_COOKIE, token, { httpOnly: false, sameSite: 'strict', secure: secureCookies(request, config), path: '/' });
}
