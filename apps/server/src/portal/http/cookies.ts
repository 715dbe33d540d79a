import type { FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/cookie';
import { AppConfig } from '../../config/app-config';
import { SESSION_ABSOLUTE_MS } from '../domain/sessions';

/**
 * The cookies' names. When the portal's public URL is https they carry the `__Host-` prefix
 * (`__Host-ap_session`…): the browser then accepts them only Secure, from this very host, for
 * path / — no sibling domain and no plain-HTTP page can set or shadow them. Over plain http
 * (development) the browser would refuse such names, so they go without the prefix.
 */
export const SESSION_COOKIE = 'ap_session';
export const CSRF_COOKIE = 'ap_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Between a right password and the TOTP code: the sign-in challenge (not a session). */
export const SIGN_IN_CHALLENGE_COOKIE = 'ap_sign_in';
/** The OpenID Connect round trip (state, nonce, PKCE verifier), sealed. */
export const OIDC_ROUND_TRIP_COOKIE = 'ap_oidc';
const CHALLENGE_PATH = '/api/v1/auth';

/** Whether parents reach the portal over https (PORTAL_PUBLIC_URL). */
export function httpsPortal(config: AppConfig): boolean {
  return config.portal.publicUrl.startsWith('https:');
}

/** A cookie's name as set and read: `__Host-` prefixed when the portal is https. */
export function cookieName(config: AppConfig, name: string): string {
  return httpsPortal(config) ? `__Host-${name}` : name;
}

/** A cookie's value from the request, under its configured name. */
export function readCookie(request: FastifyRequest, config: AppConfig, name: string): string | undefined {
  return request.cookies?.[cookieName(config, name)];
}

/** A `__Host-` cookie must have path /: narrower paths only over plain http. */
export function cookiePath(config: AppConfig, path: string): string {
  return httpsPortal(config) ? '/' : path;
}

/**
 * Secure whenever the portal is https; otherwise when the request came over TLS (or always:
 * PORTAL_COOKIE_SECURE=always), never with PORTAL_COOKIE_SECURE=never (local development).
 */
export function secureCookies(request: FastifyRequest, config: AppConfig): boolean {
  if (httpsPortal(config)) return true;
  if (config.portal.cookieSecure === 'always') return true;
  if (config.portal.cookieSecure === 'never') return false;
  return request.protocol === 'https';
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, config: AppConfig, token: string): void {
  reply.setCookie(cookieName(config, SESSION_COOKIE), token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: secureCookies(request, config),
    path: '/',
    // The browser forgets it when the session cannot live longer anyway.
    maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, config: AppConfig): void {
  reply.clearCookie(cookieName(config, SESSION_COOKIE), { httpOnly: true, sameSite: 'strict', secure: secureCookies(request, config), path: '/' });
}

/** The CSRF token: readable by the page's script (not HttpOnly), which echoes it in X-CSRF-Token. */
export function setCsrfCookie(reply: FastifyReply, request: FastifyRequest, config: AppConfig, token: string): void {
  reply.setCookie(cookieName(config, CSRF_COOKIE), token, { httpOnly: false, sameSite: 'strict', secure: secureCookies(request, config), path: '/' });
}

/** HttpOnly, sent only to /api/v1/auth (to / when `__Host-`), and gone when the challenge expires (5 minutes). */
export function setChallengeCookie(reply: FastifyReply, request: FastifyRequest, config: AppConfig, token: string, maxAgeMs: number): void {
  reply.setCookie(cookieName(config, SIGN_IN_CHALLENGE_COOKIE), token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: secureCookies(request, config),
    path: cookiePath(config, CHALLENGE_PATH),
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearChallengeCookie(reply: FastifyReply, request: FastifyRequest, config: AppConfig): void {
  reply.clearCookie(cookieName(config, SIGN_IN_CHALLENGE_COOKIE), { httpOnly: true, sameSite: 'strict', secure: secureCookies(request, config), path: cookiePath(config, CHALLENGE_PATH) });
}
