import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AccountProfile, AccountService } from '../domain/accounts';
import { isWellFormedToken, newSecretToken } from '../domain/secret-tokens';
import { PortalError } from '../domain/portal-error';
import { Sessions } from '../domain/sessions';
import { CHALLENGE_LIFETIME_MS, TotpService } from '../domain/totp';
import {
  CSRF_COOKIE,
  SESSION_COOKIE,
  SIGN_IN_CHALLENGE_COOKIE,
  clearChallengeCookie,
  clearSessionCookie,
  setChallengeCookie,
  setCsrfCookie,
  setSessionCookie,
} from './cookies';
import { CsrfGuard } from './csrf.guard';
import { PasswordResetDto, PasswordResetRequestDto, RegisterDto, SignInDto, TokenDto } from './dto/auth.dto';
import { TotpCodeDto } from './dto/totp.dto';
import { PortalErrorFilter } from './portal-error.filter';
import { PortalRequest } from './portal-request';
import { SessionGuard } from './session.guard';
import { portalValidation } from './validation';

const CHECK_YOUR_MAIL = { message: 'if the address can be used, we sent a message to it: follow its link' };

/**
 * /api/v1/auth — local accounts: register, verify the e-mail, sign in and out, reset the password.
 * Every POST needs the CSRF token (GET /api/v1/auth/csrf first).
 */
@Controller('api/v1/auth')
@UseFilters(PortalErrorFilter)
@UseGuards(CsrfGuard)
@UsePipes(portalValidation)
export class AuthController {
  constructor(
    private readonly accounts: AccountService,
    private readonly sessions: Sessions,
    private readonly totp: TotpService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sets the ap_csrf cookie (kept if already set) and returns its value for the X-CSRF-Token header. */
  @Get('csrf')
  csrf(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): { csrfToken: string } {
    const existing = request.cookies?.[CSRF_COOKIE];
    const csrfToken = isWellFormedToken(existing) ? existing : newSecretToken().token;
    setCsrfCookie(reply, request, this.config, csrfToken);
    return { csrfToken };
  }

  @Post('register')
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  async register(@Body() body: RegisterDto): Promise<{ message: string }> {
    await this.accounts.register(body.email, body.password, body.language);
    return CHECK_YOUR_MAIL;
  }

  @Post('verify-email')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  async verifyEmail(@Body() body: TokenDto): Promise<{ message: string }> {
    await this.accounts.verifyEmail(body.token);
    return { message: 'your e-mail address is confirmed: you can sign in' };
  }

  @Post('sign-in')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  async signIn(@Body() body: SignInDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AccountProfile> {
    const parentId = await this.accounts.signIn(body.email, body.password);
    if (await this.totp.isEnabled(parentId)) {
      // No session yet: a challenge cookie for the code step, and 401 second-factor-required.
      setChallengeCookie(reply, request, this.config, await this.totp.startSignIn(parentId), CHALLENGE_LIFETIME_MS);
      throw new PortalError('second-factor-required', 'enter the 6-digit code from your authenticator app (POST /api/v1/auth/sign-in/totp {code}), or a recovery code');
    }
    return this.startSession(parentId, request, reply);
  }

  /** `{code}`: the second step of a sign-in with TOTP on (a recovery code works too, once). Wrong codes count towards the lock-out. */
  @Post('sign-in/totp')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  async signInWithCode(@Body() body: TotpCodeDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AccountProfile> {
    const parentId = await this.totp.completeSignIn(request.cookies?.[SIGN_IN_CHALLENGE_COOKIE], body.code);
    clearChallengeCookie(reply, request, this.config);
    return this.startSession(parentId, request, reply);
  }

  @Post('sign-out')
  @HttpCode(204)
  async signOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.sessions.end(request.cookies?.[SESSION_COOKIE]);
    clearSessionCookie(reply, request, this.config);
  }

  @Post('sign-out-everywhere')
  @HttpCode(204)
  @UseGuards(SessionGuard)
  async signOutEverywhere(@Req() request: PortalRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.sessions.endAll(request.parentId!);
    clearSessionCookie(reply, request, this.config);
  }

  @Post('password-reset')
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  async requestPasswordReset(@Body() body: PasswordResetRequestDto): Promise<{ message: string }> {
    await this.accounts.requestPasswordReset(body.email, body.language);
    return CHECK_YOUR_MAIL;
  }

  /** Sets the new password and ends every session of the account. */
  @Post('password-reset/confirm')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  async resetPassword(@Body() body: PasswordResetDto): Promise<{ message: string }> {
    const parentId = await this.accounts.resetPassword(body.token, body.password);
    await this.sessions.endAll(parentId);
    return { message: 'your password is changed and every session is signed out: sign in again' };
  }

  private async startSession(parentId: string, request: FastifyRequest, reply: FastifyReply): Promise<AccountProfile> {
    // A new session id at every sign-in (no fixation), and a new CSRF token with it.
    await this.sessions.end(request.cookies?.[SESSION_COOKIE]);
    setSessionCookie(reply, request, this.config, await this.sessions.start(parentId));
    setCsrfCookie(reply, request, this.config, newSecretToken().token);
    return this.accounts.profile(parentId);
  }
}
