import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AccountProfile, AccountService } from '../domain/accounts';
import { isWellFormedToken, newSecretToken } from '../domain/secret-tokens';
import { PortalError } from '../domain/portal-error';
import { Sessions } from '../domain/sessions';
import { CHALLENGE_LIFETIME_MS, TotpService } from '../domain/totp';
import {
  SESSION_COOKIE,
  SIGN_IN_CHALLENGE_COOKIE,
  clearChallengeCookie,
  clearSessionCookie,
  readCookie,
  setChallengeCookie,
  setCsrfCookie,
  setSessionCookie,
} from './cookies';
import { CsrfGuard, CsrfTokens } from './csrf.guard';
import { PasswordResetDto, PasswordResetRequestDto, RegisterDto, SignInDto, TokenDto } from './dto/auth.dto';
import { TotpCodeDto } from './dto/totp.dto';
import { AccountProfileView, CsrfTokenView, MessageView } from './dto/views';
import { PortalErrorFilter } from './portal-error.filter';
import { PortalRequest } from './portal-request';
import { SessionGuard } from './session.guard';
import { portalValidation } from './validation';

const CHECK_YOUR_MAIL = { message: 'if the address can be used, we sent a message to it: follow its link' };

/**
 * /api/v1/auth — local accounts: register, verify the e-mail, sign in and out, reset the password.
 * Every POST needs the CSRF token (GET /api/v1/auth/csrf first).
 */
@ApiTags('auth')
@Controller('api/v1/auth')
@UseFilters(PortalErrorFilter)
@UseGuards(CsrfGuard)
@UsePipes(portalValidation)
export class AuthController {
  constructor(
    private readonly accounts: AccountService,
    private readonly sessions: Sessions,
    private readonly totp: TotpService,
    private readonly csrfTokens: CsrfTokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sets the ap_csrf cookie (kept if already set) and returns its value for the X-CSRF-Token header. */
  @Get('csrf')
  @ApiOperation({ summary: 'Get a CSRF token', description: 'Sets the ap_csrf cookie (kept if already set); send its value in X-CSRF-Token.' })
  @ApiOkResponse({ type: CsrfTokenView, description: 'The token, also in the ap_csrf cookie.' })
  csrf(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): { csrfToken: string } {
    const csrfToken = this.csrfTokens.current(request);
    setCsrfCookie(reply, request, this.config, csrfToken);
    return { csrfToken };
  }

  @Post('register')
  @ApiOperation({ summary: 'Create an account', description: 'Mails a verification link. The same answer whether or not the address already has an account.' })
  @ApiAcceptedResponse({ type: MessageView, description: 'Accepted: check the mailbox.' })
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  async register(@Body() body: RegisterDto): Promise<{ message: string }> {
    await this.accounts.register(body.email, body.password, body.language);
    return CHECK_YOUR_MAIL;
  }

  @Post('verify-email')
  @ApiOperation({ summary: 'Confirm the e-mail address with the token from the mailed link' })
  @ApiOkResponse({ type: MessageView, description: 'Confirmed.' })
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  async verifyEmail(@Body() body: TokenDto): Promise<{ message: string }> {
    await this.accounts.verifyEmail(body.token);
    return { message: 'your e-mail address is confirmed: you can sign in' };
  }

  @Post('sign-in')
  @ApiOperation({
    summary: 'Sign in',
    description: 'Starts a session: sets the ap_session cookie (HttpOnly) and a new ap_csrf cookie. With two-step sign-in on: 401 `second-factor-required`, no session, and an HttpOnly ap_sign_in challenge cookie for 5 minutes; then POST /api/v1/auth/sign-in/totp.',
  })
  @ApiOkResponse({ type: AccountProfileView, description: 'Signed in.' })
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
  @ApiOperation({ summary: 'Second step of a sign-in: the code from the authenticator app (or a recovery code)', description: 'Codes of the previous and next 30-second step are accepted, a code never twice; 5 wrong codes within 15 minutes refuse codes for the account for 15 minutes.' })
  @ApiOkResponse({ type: AccountProfileView, description: 'Signed in.' })
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  async signInWithCode(@Body() body: TotpCodeDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AccountProfile> {
    const parentId = await this.totp.completeSignIn(readCookie(request, this.config, SIGN_IN_CHALLENGE_COOKIE), body.code);
    clearChallengeCookie(reply, request, this.config);
    return this.startSession(parentId, request, reply);
  }

  @Post('sign-out')
  @ApiOperation({ summary: 'Sign out (this session)' })
  @ApiNoContentResponse({ description: 'Signed out; the session cookie is cleared.' })
  @HttpCode(204)
  async signOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.sessions.end(readCookie(request, this.config, SESSION_COOKIE));
    clearSessionCookie(reply, request, this.config);
    setCsrfCookie(reply, request, this.config, newSecretToken().token);
  }

  @Post('sign-out-everywhere')
  @ApiOperation({ summary: 'Sign out every session of the account' })
  @ApiNoContentResponse({ description: 'Every session ended.' })
  @HttpCode(204)
  @UseGuards(SessionGuard)
  async signOutEverywhere(@Req() request: PortalRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.sessions.endAll(request.parentId!);
    clearSessionCookie(reply, request, this.config);
    setCsrfCookie(reply, request, this.config, newSecretToken().token);
  }

  @Post('password-reset')
  @ApiOperation({ summary: 'Ask for a password reset link', description: 'The same answer whether or not the address has an account.' })
  @ApiAcceptedResponse({ type: MessageView, description: 'Accepted: check the mailbox.' })
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  async requestPasswordReset(@Body() body: PasswordResetRequestDto): Promise<{ message: string }> {
    await this.accounts.requestPasswordReset(body.email, body.language);
    return CHECK_YOUR_MAIL;
  }

  /** Sets the new password and ends every session of the account. */
  @Post('password-reset/confirm')
  @ApiOperation({ summary: 'Set a new password with the token from the mailed link', description: 'Ends every session of the account.' })
  @ApiOkResponse({ type: MessageView, description: 'Changed.' })
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  async resetPassword(@Body() body: PasswordResetDto): Promise<{ message: string }> {
    const parentId = await this.accounts.resetPassword(body.token, body.password);
    await this.sessions.endAll(parentId);
    return { message: 'your password is changed and every session is signed out: sign in again' };
  }

  private async startSession(parentId: string, request: FastifyRequest, reply: FastifyReply): Promise<AccountProfile> {
    // A new session id at every sign-in (no fixation), and the CSRF token bound to it.
    await this.sessions.end(readCookie(request, this.config, SESSION_COOKIE));
    const session = await this.sessions.start(parentId);
    setSessionCookie(reply, request, this.config, session);
    setCsrfCookie(reply, request, this.config, this.csrfTokens.forSession(session));
    return this.accounts.profile(parentId);
  }
}
