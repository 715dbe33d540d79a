import type { FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/cookie';
import { AppConfig } from '../../config/app-config';
import { SESSION_ABSOLUTE_MS } from '../domain/sessions';

export const SESSION_COOKIE = 'ap_session';
export const CSRF_COOKIE = 'ap_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Between a right password and the TOTP code: the sign-in challenge (not a session). */
export const SIGN_IN_CHALLENGE_COOKIE = 'ap_sign_in';
const CHALLENGE_PATH = '/api/v1/auth';

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

/** HttpOnly, sent only to /api/v1/auth, and gone when the challenge expires (5 minutes). */
export function setChallengeCookie(reply: FastifyReply, request: FastifyRequest, config: AppConfig, token: string, maxAgeMs: number): void {
  reply.setCookie(SIGN_IN_CHALLENGE_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secureCookies(request, config), path: CHALLENGE_PATH, maxAge: Math.floor(maxAgeMs / 1000) });
}

export function clearChallengeCookie(reply: FastifyReply, request: FastifyRequest, config: AppConfig): void {
  reply.clearCookie(SIGN_IN_CHALLENGE_COOKIE, { httpOnly: true, sameSite: 'strict', secure: secureCookies(request, config), path: CHALLENGE_PATH });
}
