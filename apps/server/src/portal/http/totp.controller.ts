import { Body, Controller, Delete, Get, Header, HttpCode, Post, Req, Res, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { toString as qrCodeSvg } from 'qrcode';
import { TotpEnrolment, TotpService, TotpStatus } from '../domain/totp';
import { CsrfGuard } from './csrf.guard';
import { TotpCodeDto, TotpDisableDto } from './dto/totp.dto';
import { MessageView, RecoveryCodesView, TotpEnrolmentView, TotpStatusView } from './dto/views';
import { PortalErrorFilter } from './portal-error.filter';
import { PortalRequest } from './portal-request';
import { SessionGuard } from './session.guard';
import { portalValidation } from './validation';

const QR_CODE_PATH = '/api/v1/account/totp/enrolment/qr.svg';

/**
 * /api/v1/account/totp — the signed-in parent's optional second factor (TOTP): set it up (a first
 * code confirms it and returns the recovery codes), see whether it is on, get new recovery codes,
 * turn it off.
 */
@ApiTags('account')
@Controller('api/v1/account/totp')
@UseFilters(PortalErrorFilter)
@UseGuards(CsrfGuard, SessionGuard)
@UsePipes(portalValidation)
export class TotpController {
  constructor(private readonly totp: TotpService) {}

  @Get()
  @ApiOperation({ summary: 'Is two-step sign-in (TOTP) on?' })
  @ApiOkResponse({ type: TotpStatusView, description: 'The state of the second factor.' })
  status(@Req() request: PortalRequest): Promise<TotpStatus> {
    return this.totp.status(request.parentId!);
  }

  /** A new secret (replacing one not yet confirmed): for the app, as a URI, in base32, and as a QR code at `qrCode`. */
  @Post('enrolment')
  @ApiOperation({ summary: 'Start setting up two-step sign-in: a new secret for the authenticator app' })
  @ApiCreatedResponse({ type: TotpEnrolmentView, description: 'The secret, waiting for its first code.' })
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  async startEnrolment(@Req() request: PortalRequest): Promise<TotpEnrolment & { qrCode: string }> {
    return { ...(await this.totp.startEnrolment(request.parentId!)), qrCode: QR_CODE_PATH };
  }

  /** The pending secret as a QR code: an SVG of our own (the CSP allows images from 'self' only, no data: URLs). */
  @Get('enrolment/qr.svg')
  @ApiOperation({ summary: 'The pending secret as a QR code' })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'An SVG image.' })
  @Header('Cache-Control', 'no-store')
  async qrCode(@Req() request: PortalRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const svg = await qrCodeSvg(await this.totp.pendingUri(request.parentId!), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    // Set here, not with @Header: a refusal above must still go out as JSON.
    void reply.type('image/svg+xml; charset=utf-8');
    return svg;
  }

  /** `{code}`: the app's first code turns the second factor on; the recovery codes are shown this once. */
  @Post('enrolment/confirmation')
  @ApiOperation({ summary: "Turn two-step sign-in on with the app's first code" })
  @ApiOkResponse({ type: RecoveryCodesView, description: 'On; the recovery codes, shown this once.' })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseGuards(ThrottlerGuard)
  async confirm(@Body() body: TotpCodeDto, @Req() request: PortalRequest): Promise<{ recoveryCodes: string[] }> {
    return { recoveryCodes: await this.totp.confirmEnrolment(request.parentId!, body.code) };
  }

  /** `{code}`: a current code from the app (not a recovery code); every earlier recovery code stops working. */
  @Post('recovery-codes')
  @ApiOperation({ summary: 'New recovery codes (a current code from the app); the old ones stop working', description: 'Eight single-use codes replace all the old ones. A recovery code is refused here (`app-code-needed`).' })
  @ApiOkResponse({ type: RecoveryCodesView, description: 'The new recovery codes, shown this once.' })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseGuards(ThrottlerGuard)
  async regenerateRecoveryCodes(@Body() body: TotpCodeDto, @Req() request: PortalRequest): Promise<{ recoveryCodes: string[] }> {
    return { recoveryCodes: await this.totp.regenerateRecoveryCodes(request.parentId!, body.code) };
  }

  /** `{password, code}`: both are needed, so a session left open somewhere cannot remove the factor. */
  @Delete()
  @ApiOperation({ summary: 'Turn two-step sign-in off (password and a code)' })
  @ApiOkResponse({ type: MessageView, description: 'Off.' })
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  async disable(@Body() body: TotpDisableDto, @Req() request: PortalRequest): Promise<{ message: string }> {
    await this.totp.disable(request.parentId!, body.password, body.code);
    return { message: 'two-step sign-in is off' };
  }
}
