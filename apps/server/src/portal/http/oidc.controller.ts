import { Controller, Get, Inject, Logger, OnApplicationBootstrap, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Encryptor } from '../../privacy/encryptor';
import { OidcAccounts, OidcSignInError } from '../domain/oidc-sign-in';
import { PortalError } from '../domain/portal-error';
import { newSecretToken } from '../domain/secret-tokens';
import { Sessions } from '../domain/sessions';
import { OIDC_ROUND_TRIP_COOKIE, SESSION_COOKIE, cookieName, cookiePath, readCookie, secureCookies, setCsrfCookie, setSessionCookie } from './cookies';
import { CsrfTokens } from './csrf.guard';
import { PortalErrorView, SignInProvidersView } from './dto/views';
import { OidcRelyingParty, ROUND_TRIP_MS, openRoundTrip, sealRoundTrip } from './oidc-relying-party';
import { PortalErrorFilter } from './portal-error.filter';

/** The relying party, or null when OpenID Connect is not configured (provider token in PortalModule). */
export const OIDC_RELYING_PARTY = Symbol('OIDC_RELYING_PARTY');

const ROUND_TRIP_PATH = '/api/v1/auth/oidc';
const START_PATH = `${ROUND_TRIP_PATH}/start`;

export interface SignInProvider {
  id: 'oidc';
  /** The button reads "Sign in with <displayName>". */
  displayName: string;
  /** Navigate the browser there (a link, not fetch: it leaves for the provider). */
  startUrl: string;
}

/**
 * Sign-in with an OpenID Connect provider (a government deployment's federal login):
 * GET /api/v1/auth/providers tells the page whether to show the button; /oidc/start sends the
 * browser to the provider; /oidc/callback completes the round trip, starts a session exactly as
 * the password sign-in does, and sends the browser to the page (with `?oidc-error=<reason>` when
 * it was refused, for the page to explain).
 */
@ApiTags('auth')
@Controller('api/v1/auth')
@UseFilters(PortalErrorFilter)
export class OidcController implements OnApplicationBootstrap {
  private readonly log = new Logger('OidcSignIn');

  constructor(
    @Inject(OIDC_RELYING_PARTY) private readonly relyingParty: OidcRelyingParty | null,
    private readonly accounts: OidcAccounts,
    private readonly sessions: Sessions,
    private readonly encryptor: Encryptor,
    private readonly csrfTokens: CsrfTokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Discovery at start-up, without waiting for it: an unreachable provider is logged and tried again at the first sign-in. */
  onApplicationBootstrap(): void {
    this.relyingParty?.discover().catch((error: Error) => this.log.warn(`${error.message}; local accounts keep working, sign-in with the provider will try again`));
  }

  @Get('providers')
  @ApiOperation({ summary: 'The sign-in providers the page offers besides the password (OpenID Connect)' })
  @ApiOkResponse({ type: SignInProvidersView, description: 'The providers; none without OIDC_ISSUER_URL.' })
  providers(): { providers: SignInProvider[] } {
    if (!this.relyingParty) return { providers: [] };
    return { providers: [{ id: 'oidc', displayName: this.relyingParty.settings.displayName, startUrl: START_PATH }] };
  }

  @Get('oidc/start')
  @ApiOperation({ summary: 'Sign in with the OpenID Connect provider (a browser navigation, not fetch)' })
  @ApiResponse({ status: 303, description: "To the provider's sign-in page (a short-lived, sealed ap_oidc cookie holds the round trip)." })
  @ApiNotFoundResponse({ type: PortalErrorView, description: 'OpenID Connect is not configured on this server.' })
  @UseGuards(ThrottlerGuard)
  async start(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const relyingParty = this.enabled();
    try {
      const { url, roundTrip } = await relyingParty.begin();
      void reply
        .setCookie(cookieName(this.config, OIDC_ROUND_TRIP_COOKIE), sealRoundTrip(this.encryptor, roundTrip), {
          httpOnly: true,
          // Lax, not Strict: the provider's redirect back is a cross-site navigation, and the cookie must come with it.
          sameSite: 'lax',
          secure: secureCookies(request, this.config),
          path: cookiePath(this.config, ROUND_TRIP_PATH),
          maxAge: Math.floor(ROUND_TRIP_MS / 1000),
        })
        .header('Cache-Control', 'no-store')
        .redirect(url.href, 303);
    } catch (error) {
      this.refuse(reply, error);
    }
  }

  @Get('oidc/callback')
  @ApiOperation({ summary: "The provider's redirect back", description: 'Starts a session as the password sign-in does.' })
  @ApiResponse({ status: 303, description: 'To the portal, signed in; or with `?oidc-error=<reason>` when the sign-in was refused.' })
  @ApiNotFoundResponse({ type: PortalErrorView, description: 'OpenID Connect is not configured on this server.' })
  @UseGuards(ThrottlerGuard)
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const relyingParty = this.enabled();
    // One round trip, one use: the cookie goes whatever the outcome.
    void reply.clearCookie(cookieName(this.config, OIDC_ROUND_TRIP_COOKIE), { httpOnly: true, sameSite: 'lax', secure: secureCookies(request, this.config), path: cookiePath(this.config, ROUND_TRIP_PATH) });
    try {
      const roundTrip = openRoundTrip(this.encryptor, readCookie(request, this.config, OIDC_ROUND_TRIP_COOKIE));
      const query = new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1 || request.url.length));
      const identity = await relyingParty.complete(query, roundTrip);
      const parentId = await this.accounts.signIn(identity);
      // As the password sign-in: a new session id (no fixation) and the CSRF token bound to it.
      await this.sessions.end(readCookie(request, this.config, SESSION_COOKIE));
      const session = await this.sessions.start(parentId);
      setSessionCookie(reply, request, this.config, session);
      setCsrfCookie(reply, request, this.config, this.csrfTokens.forSession(session));
      void reply.header('Cache-Control', 'no-store').redirect('/', 303);
    } catch (error) {
      this.refuse(reply, error);
    }
  }

  private enabled(): OidcRelyingParty {
    if (!this.relyingParty) throw new PortalError('not-found', 'sign-in with OpenID Connect is not configured on this server');
    return this.relyingParty;
  }

  /** Back to the page with the reason; anything else is a server error. The reason and the library's message carry no personal data. */
  private refuse(reply: FastifyReply, error: unknown): void {
    if (!(error instanceof OidcSignInError)) throw error;
    this.log.warn(`sign-in with the OpenID Connect provider refused (${error.reason}): ${error.message}`);
    void reply.header('Cache-Control', 'no-store').redirect(`/?oidc-error=${error.reason}`, 303);
  }
}
